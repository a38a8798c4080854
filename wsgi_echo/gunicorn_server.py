"""Run the app under gunicorn, configured from the typed settings.

``options()`` is the one mapping from our settings to gunicorn's; both
``gunicorn.conf.py`` (for ``gunicorn -c gunicorn.conf.py wsgi_echo:app``) and
``run()`` (for ``python -m wsgi_echo``) use it, so the two ways of starting
gunicorn cannot drift apart.
"""

import os

from . import accesslog


def join_repeated_headers(worker, req):
    """gunicorn ``pre_request`` hook: repeated header lines joined with ", ".

    gunicorn joins them with a bare "," and waitress with ", "; the echo
    promises one spelling under both, and after gunicorn has joined them the
    app can no longer tell two lines from one value with a comma in it.
    """
    headers = req.headers
    names = [name for name, _ in headers]
    if len(set(names)) == len(names):
        return
    joined, position = [], {}
    for name, value in headers:
        if name in position:
            index = position[name]
            joined[index] = (name, joined[index][1] + ", " + value)
        else:
            position[name] = len(joined)
            joined.append((name, value))
    req.headers = joined


def options(settings, bind=None):
    """gunicorn settings (as for a config file) from our Settings."""
    server = settings.server
    host = server.host if ":" not in server.host else "[%s]" % server.host.strip("[]")
    result = {
        "bind": [bind or "%s:%d" % (host, server.port)],
        "workers": server.workers,
        "worker_class": "gthread",  # threads, and keep-alive (sync has none)
        "threads": server.threads,
        "keepalive": server.keepalive,
        "timeout": server.timeout,
        "graceful_timeout": server.timeout or 30,
        "limit_request_line": server.limit_request_line,
        "limit_request_fields": server.limit_request_fields,
        "limit_request_field_size": server.limit_request_field_size,
        "accesslog": _log_target(settings.log.access_log),
        "access_log_format": accesslog.GUNICORN_FORMAT,
        "errorlog": _log_target(settings.log.error_log) or os.devnull,
        # X-Forwarded-* is judged by our own ProxyFix middleware for both
        # servers; gunicorn's partial version of it (scheme only, trusting
        # 127.0.0.1 by default) is switched off so there is one set of rules.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "pre_request": join_repeated_headers,
        "proc_name": "wsgi-echo",
        # The default control socket is one per user, shared by every gunicorn
        # started by that user; two servers would fight over it.
        "control_socket_disable": True,
    }
    if settings.tls.enabled:
        result["certfile"] = settings.tls.certfile
        result["keyfile"] = settings.tls.keyfile
    return result


def _log_target(value):
    return value or None


def run(app, settings, sock):
    """Serve ``app`` on the already-bound ``sock`` until gunicorn stops."""
    from gunicorn.app.base import BaseApplication

    config = options(settings, bind="fd://%d" % sock.fileno())

    class Server(BaseApplication):
        def load_config(self):
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
