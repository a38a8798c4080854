"""Run the app under gunicorn, configured from the typed settings.

``options()`` is the one mapping from our settings to gunicorn's; both
``gunicorn.conf.py`` (for ``gunicorn -c gunicorn.conf.py wsgi_echo:app``) and
``run()`` (for ``python -m wsgi_echo``) use it, so the two ways of starting
gunicorn cannot drift apart.

What gunicorn does differently from waitress, evened out through its
documented server hooks (``pre_request`` / ``post_request``):

* repeated header lines are joined with "," where waitress uses ", ";
* a request target starting with "//" keeps both slashes in PATH_INFO;
* a request body is read in the app's thread with no deadline over the
  whole read, so ``body_timeout`` is enforced here (``BodyDeadline``);
* a response body that comes out shorter than its Content-Length (a file
  that shrank while sendfile sent it) leaves the connection open; the app
  flags it (``protocol.INCOMPLETE_RESPONSE``) and the connection is closed.

The hooks touch two gunicorn attributes that are not documented API, pinned
with the version in setup.cfg and checked by tests/test_server_seams.py:
``Request.unreader.sock`` (the connection's socket) and ``Request.force_close()``.
"""

import os
import socket

from ..protocol import INCOMPLETE_RESPONSE
from . import announce_ready
from .deadlines import Deadlines


def refuse_unsupported(settings):
    """gunicorn serves every setting."""


def join_repeated_headers(req):
    """Repeated header lines joined with ", ", as waitress joins them.

    The echo promises one spelling under both servers, and after gunicorn
    has joined them with "," the app can no longer tell two lines from one
    value with a comma in it.
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


def collapse_leading_slashes(req):
    """"//echo/x" routed (and reported) as "/echo/x", as waitress passes it."""
    if req.path and req.path.startswith("//"):
        req.path = "/" + req.path.lstrip("/")


def has_body(req):
    for name, value in req.headers:
        if name == "TRANSFER-ENCODING" or (name == "CONTENT-LENGTH" and value.strip("0 ")):
            return True
    return False


class BodyDeadline:
    """``body_timeout``: a body not read whole in time ends the connection.

    At the deadline the socket's read side is shut down, so the app's read
    ends at once (short, or with an error it answers 408), and the request
    is marked to close its connection after that answer.  The deadline is
    armed when the headers have been read and disarmed when the request is
    done.  ``socket.socket.shutdown`` is called even on a TLS socket, so the
    TLS layer stays in place for the 408 that follows.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadlines = Deadlines()

    def arm(self, req):
        sock = getattr(getattr(req, "unreader", None), "sock", None)
        if sock is None or not has_body(req):
            return None

        def expire():
            req.force_close()
            socket.socket.shutdown(sock, socket.SHUT_RD)
        return self.deadlines.arm(self.seconds, expire)


class Hooks:
    """gunicorn's ``pre_request`` and ``post_request`` server hooks."""

    def __init__(self, body_timeout):
        self.body_deadline = BodyDeadline(body_timeout)

    def pre_request(self, worker, req):
        join_repeated_headers(req)
        collapse_leading_slashes(req)
        req.wsgi_echo_deadline = self.body_deadline.arm(req)

    def post_request(self, worker, req, environ, resp):
        deadline = getattr(req, "wsgi_echo_deadline", None)
        if deadline is not None:
            deadline.cancel()
        if environ and environ.get(INCOMPLETE_RESPONSE):
            # gunicorn would keep the connection for the next request, and
            # the client would wait for the body bytes that never came.
            req.force_close()
            sock = getattr(getattr(req, "unreader", None), "sock", None)
            if sock is not None:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def when_ready(self, arbiter):
        from gunicorn import __version__
        cfg = arbiter.cfg
        scheme = "https" if cfg.is_ssl else "http"
        for listener in arbiter.LISTENERS:
            host, port = listener.sock.getsockname()[:2]
            host = "[%s]" % host if ":" in host else host
            announce_ready("%s://%s:%d" % (scheme, host, port), "gunicorn %s" % __version__,
                           " (%d workers x %d threads)" % (cfg.workers, cfg.threads))


def options(settings, bind=None):
    """gunicorn settings (as for a config file) from our Settings."""
    server = settings.server
    host = server.host if ":" not in server.host else "[%s]" % server.host.strip("[]")
    hooks = Hooks(server.body_timeout)
    result = {
        "bind": [bind or "%s:%d" % (host, server.port)],
        "workers": server.workers,
        "worker_class": "gthread",  # threads, and keep-alive (sync has none)
        "threads": server.threads,
        "worker_connections": server.max_connections,
        "keepalive": server.keepalive,
        "timeout": server.timeout,
        "graceful_timeout": server.timeout,
        "limit_request_line": server.limit_request_line,
        "limit_request_fields": server.limit_request_fields,
        "limit_request_field_size": server.limit_request_field_size,
        # The app writes the access log itself (middleware.accesslog), the
        # same line under every server.
        "accesslog": None,
        "errorlog": settings.log.error_log or os.devnull,
        # X-Forwarded-* is judged by the app's own ProxyFix middleware for
        # every server; gunicorn's partial version of it (scheme only,
        # trusting 127.0.0.1 by default) is off so there is one set of rules.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "pre_request": hooks.pre_request,
        "post_request": hooks.post_request,
        "when_ready": hooks.when_ready,
        "proc_name": "wsgi-echo",
        # The default control socket is one per user, shared by every gunicorn
        # started by that user; two servers would fight over it.
        "control_socket_disable": True,
    }
    if settings.tls.enabled:
        result["certfile"] = settings.tls.certfile
        result["keyfile"] = settings.tls.keyfile
    return result


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
