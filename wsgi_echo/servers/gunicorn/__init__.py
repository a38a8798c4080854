"""The gunicorn runner (``contract.Runner``): gunicorn's gthread worker
(``thread_worker``), configured from the typed settings.

``options()`` is the one mapping from our settings to gunicorn's, for every
gunicorn worker (the gevent runner, ``gevent``, passes its own ``worker``);
both ``gunicorn.conf.py`` (for ``gunicorn -c gunicorn.conf.py wsgi_echo:app``)
and ``run()`` (for ``python -m wsgi_echo``) use it, so the ways of starting
gunicorn cannot drift apart.  What gunicorn does differently from waitress
is evened out in its documented server hooks (``hooks``); what the app
learns of TLS and HTTP/2, and asks of the server, in a WSGI wrapper
(``adapter``).
"""

import os
import ssl
import sys

from .. import able, address, announce_ready, counted, held_capacity
from ..contract import (
    CLEARTEXT_HTTP2,
    CLIENT_CERTIFICATES,
    CONNECTION_CONTROL,
    HTTP2,
    TLS,
    TRAILERS,
    WORKER_PROCESSES,
    refuse_missing_capabilities,
)
from .adapter import Adapter
from .hooks import Hooks
from .tls import CERT_REQS, context_hook

NAME = "gunicorn"
# TRAILERS: over HTTP/2 only (adapter.Adapter); HTTP/1.1 responses cannot send them.
# CONNECTION_CONTROL: reset, close and raw bytes on HTTP/1.x, a reset on an
# HTTP/2 stream (connection.py).
CAPABILITIES = frozenset(
    (
        TLS,
        HTTP2,
        CLEARTEXT_HTTP2,
        CLIENT_CERTIFICATES,
        TRAILERS,
        CONNECTION_CONTROL,
        WORKER_PROCESSES,
    )
)


def version():
    from gunicorn import __version__

    return "gunicorn %s" % __version__


def refuse_unsupported(settings):
    refuse_missing_capabilities(NAME, CAPABILITIES, settings, able)


# The command that loads wsgi-echo's configuration into gunicorn, from any folder.
CONFIGURED_COMMAND = "gunicorn -c python:%s.conf wsgi_echo:app" % __name__


def loaded_without_runner():
    """``gunicorn wsgi_echo:app`` without the configuration: gunicorn's own
    defaults (its sync worker, port 8000, no keep-alive, no deadlines)."""
    if "gunicorn.arbiter" not in sys.modules:
        return None
    return (
        "gunicorn is running without wsgi-echo's settings (worker, threads, "
        "deadlines, limits, logs); for those, start it with: %s" % CONFIGURED_COMMAND
    )


def wrap(app, settings):
    """The app as it runs under gunicorn's gthread worker: a thread per
    request, so the requests that wait on purpose get a bound."""
    return Adapter(app, settings.tls.enabled, held_capacity(settings.server.threads))


def ready_hook(settings, detail):
    """gunicorn's ``when_ready`` hook: the ready line, once per listener;
    ``detail(cfg)`` says what serves (workers, threads)."""

    def when_ready(arbiter):
        cfg = arbiter.cfg
        scheme = "https" if cfg.is_ssl else "http"
        for listener in arbiter.LISTENERS:
            bound = listener.sock.getsockname()
            if isinstance(bound, (str, bytes)):  # a unix socket: its path
                url = "%s+unix://%s" % (scheme, os.fsdecode(bound))
            else:
                url = "%s://%s" % (scheme, address(*bound[:2]))
            announce_ready(url, version(), detail(cfg), settings)

    return when_ready


def thread_worker(settings):
    """The gthread worker's part of gunicorn's options: threads, and
    keep-alive (gunicorn's sync worker has none)."""
    return {
        "worker_class": "%s.thread_worker.ThreadWorker" % __name__,
        "threads": settings.server.threads,
        "keepalive": settings.server.keepalive,
    }


def thread_detail(cfg):
    """The ready line's "(1 worker x 8 threads)"."""
    return " (%s x %s)" % (counted(cfg.workers, "worker"), counted(cfg.threads, "thread"))


def options(settings, bind=None, worker=thread_worker, detail=thread_detail):
    """gunicorn settings (as for a config file) from our Settings;
    ``worker(settings)``: the worker class's own options."""
    server = settings.server
    chosen = worker(settings)
    hooks = Hooks(server.body_timeout, close_each=server.keepalive == 0 < chosen["keepalive"])
    result = {
        "bind": [bind or address(server.host, server.port)],
        "workers": server.workers,
        "worker_connections": server.max_connections,
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
        "post_fork": hooks.post_fork,
        "post_worker_init": hooks.post_worker_init,
        "pre_request": hooks.pre_request,
        "post_request": hooks.post_request,
        "when_ready": ready_hook(settings, detail),
        "proc_name": "wsgi-echo",
        # The default control socket is one per user, shared by every gunicorn
        # started by that user; two servers would fight over it.
        "control_socket_disable": True,
        **chosen,
    }
    tls = settings.tls
    if tls.enabled:
        result.update(
            certfile=tls.certfile,
            keyfile=tls.keyfile,
            ssl_context=context_hook(server.header_timeout),
            http_protocols="h2,h1" if tls.http2 else "h1",
        )
        if tls.client_cert != "off":
            result.update(
                cert_reqs=getattr(ssl, CERT_REQS[tls.client_cert]), ca_certs=tls.client_ca
            )
    cleartext = settings.proxy.http2_cleartext
    if cleartext != "off" and not tls.enabled:
        # gunicorn accepts h2c only from its forwarded_allow_ips; ours are the
        # same trusted proxies.  It then also believes their forwarded
        # headers, so those are switched off again: ProxyFix is the one judge.
        result.update(
            http_protocols="h2,h1",
            http2_cleartext=cleartext,
            forwarded_allow_ips=",".join(str(network) for network in settings.proxy.trusted),
            forwarder_headers="",
        )
    return result


def run(app, settings, sock):
    """Serve ``app`` on the already-bound ``sock`` until gunicorn stops."""
    serve(wrap(app, settings), options(settings, bind="fd://%d" % sock.fileno()))


def serve(app, config):
    """Run gunicorn with the options ``config`` until it stops, serving
    ``app`` (wrapped by the runner)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
