"""The waitress runner (``contract.Runner``): waitress, with the same
behaviour as gunicorn from the same settings.

waitress lets a server choose its channel's parser and task classes; each
piece waitress lacks is one small override there (``parser``, ``channel``),
named for what it adds, and the rest uses waitress's documented seams
(``Error.to_response`` for error bodies; the app's own middleware for the
access log).  This module maps the settings to waitress's options and runs
the loop, with a graceful stop waitress's own ``serve()`` lacks.

The attributes these rely on are pinned with waitress's minor version in
setup.cfg and checked by tests/test_server_seams_waitress.py.
"""

import signal
import sys
import time

from .. import STOP_LINGER, able, address, announce_ready, counted, held_capacity
from ..contract import CONNECTION_CONTROL, HEADER_DEADLINE, refuse_missing_capabilities
from .channel import STOPPING, FileWrapperFix, channel_class
from .logs import log_errors_to, reopen_log_files
from .parser import BODY_SLACK

NAME = "waitress"
CAPABILITIES = frozenset((HEADER_DEADLINE, CONNECTION_CONTROL))


def version():
    from importlib.metadata import version as installed

    return "waitress %s" % installed("waitress")


def refuse_unsupported(settings):
    refuse_missing_capabilities(NAME, CAPABILITIES, settings, able)


def loaded_without_runner():
    """``waitress-serve wsgi_echo:app``: waitress's own options, without the
    parser, deadlines and graceful stop this runner adds (docs/servers.md
    says so).  No warning: waitress-serve is how Windows users are used to
    serving an app, and it serves correctly.  A port in use there would end
    in a traceback; it is one line instead."""
    if "waitress.runner" in sys.modules:
        from .foreign import explain_busy_port

        explain_busy_port()
    return None


def wrap(app, settings):
    return FileWrapperFix(app, held_capacity(settings.server.threads))


def adjustments(settings):
    """waitress options for our settings (listening socket excluded)."""
    server = settings.server
    line = server.limit_request_line or 8190
    field = server.limit_request_field_size
    return {
        "threads": server.threads,
        "connection_limit": server.max_connections,
        # An idle connection is closed after ``keepalive`` seconds; waitress
        # checks every ``cleanup_interval`` seconds, so check every second.
        "channel_timeout": server.keepalive or server.header_timeout,
        "cleanup_interval": 1,
        "max_request_header_size": line + 2 + server.limit_request_fields * (field + 2) + 2,
        # waitress receives a whole body before the app runs (past
        # inbuf_overflow, into a temporary file), so it must let the
        # largest through: /upload's may be over max_request_bytes.
        "max_request_body_size": settings.largest_request_body + BODY_SLACK,
        "expose_tracebacks": False,
        # waitress deletes X-Forwarded-* from every request it does not trust
        # through its own (single-address) trusted_proxy; the app's ProxyFix
        # judges them instead, and from untrusted peers they are echoed.
        "clear_untrusted_proxy_headers": False,
        "ident": "waitress",
        # SERVER_NAME for requests without a Host header: the listening
        # address, as gunicorn reports it (waitress would say waitress.invalid).
        "server_name": server.host,
    }


def create(app, settings, sock):
    from waitress.server import create_server

    server = create_server(wrap(app, settings), sockets=[sock], **adjustments(settings))
    server.channel_class = channel_class(settings, getattr(app, "body_limit", None))
    return server


def run(app, settings, sock):
    """Serve until SIGTERM or SIGINT, then stop gracefully.

    waitress's own ``run()`` dies on SIGTERM with requests half-answered.
    Here the signal stops the accepting at once (it wakes the loop through
    waitress's trigger); the loop goes on until every in-flight request has
    been answered, with ``Connection: close``, and flushed, and idle
    connections have had ``STOP_LINGER`` seconds for a last request (at most
    ``timeout`` seconds in all), then exits.
    USR1 reopens the log files, as under gunicorn.
    """
    from waitress import wasyncore

    server = create(app, settings, sock)
    log_errors_to(settings.log.error_log)
    stopping = []

    def request_stop(signum, frame):
        stopping.append(time.monotonic())
        server.pull_trigger()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, lambda signum, frame: reopen_log_files())
    announce_ready(
        "http://" + address(*sock.getsockname()[:2]),
        version(),
        " (%s)" % counted(settings.server.threads, "thread"),
        settings,
    )
    adj = server.adj
    try:
        while not stopping:
            wasyncore.loop(
                timeout=adj.asyncore_loop_timeout,
                map=server._map,
                use_poll=adj.asyncore_use_poll,
                count=1,
            )
        drain(server, stopping[0] + settings.server.timeout)
    finally:
        server.task_dispatcher.shutdown(timeout=1)
        wasyncore.close_all(server._map)


def drain(server, deadline):
    """Stop accepting, answer the busy connections, and close the idle ones
    after ``STOP_LINGER`` seconds; every answer from now on says
    ``Connection: close`` (``channel.Task``)."""
    from waitress import wasyncore

    setattr(server, STOPPING, True)
    server.accepting = False
    server.del_channel()
    server.socket.close()
    linger_until = time.monotonic() + STOP_LINGER
    while time.monotonic() < deadline:
        lingering = time.monotonic() < linger_until
        busy = idle = False
        for channel in list(server.active_channels.values()):
            if channel.requests or channel.request is not None or channel.total_outbufs_len:
                busy = True
            elif lingering:
                idle = True
            else:
                channel.close()
        if not busy and not idle:
            return
        wasyncore.loop(timeout=0.1, map=server._map, count=1)
