"""The gunicorn internals the gunicorn runners' hooks, adapter and
connection control (``wsgi_echo/servers/gunicorn/``) touch are still there,
with the shape they expect: requests, settings, HTTP/2 and the arbiter.
Each failure names the attribute and the module of ours that uses it
(``seam_checks``); the workers' and TLS's seams are in
test_server_seams_gunicorn_workers.py."""

import contextlib
import inspect
import socket

import pytest
from seam_checks import has, says

gunicorn = pytest.importorskip("gunicorn")

HOOKS = "servers/gunicorn/hooks.py"


@contextlib.contextmanager
def parsed(data):
    """gunicorn's first request parsed from ``data``, the server's socket and
    the client's."""
    from gunicorn.config import Config
    from gunicorn.http.parser import RequestParser

    left, right = socket.socketpair()
    try:
        left.sendall(data)
        yield next(RequestParser(Config(), right, ("127.0.0.1", 1))), right, left
    finally:
        left.close()
        right.close()


def test_gunicorn_request_seams():
    with parsed(b"POST //x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab") as (req, sock, _):
        has(req, "unreader", "%s BodyDeadline reaches the socket through it" % HOOKS)
        has(req.unreader, "sock", "%s BodyDeadline shuts its read side" % HOOKS)
        assert req.unreader.sock is sock
        has(req, "force_close", "%s BodyDeadline and adapter.py close the connection" % HOOKS)
        assert req.path == "//x" and ("CONTENT-LENGTH", "2") in req.headers, (
            "gunicorn's Request.path / .headers changed; %s edits them" % HOOKS
        )


def test_gunicorn_unreader_buffer_seam():
    """gevent_worker.bytes_waiting reads what a request left in the parser's
    buffer (pipelined bytes) through ``Request.unreader.buf``."""
    with parsed(b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n") as (
        req,
        _,
        _,
    ):
        assert req.unreader.buf.getvalue().startswith(b"GET /b"), (
            "gunicorn's Unreader.buf no longer holds read-ahead bytes; gevent_worker reads it"
        )


def test_gunicorn_hooks_and_settings_exist():
    from gunicorn.config import Config

    settings = Config().settings
    for name in (
        "pre_request",
        "post_request",
        "when_ready",
        "worker_connections",
        "control_socket_disable",
        "forwarded_allow_ips",
        "secure_scheme_headers",
        "ssl_context",
        "http_protocols",
        "http2_cleartext",
        "forwarder_headers",
        "post_fork",
        "post_worker_init",
        "worker_class",
    ):
        assert name in settings, (
            "gunicorn setting %s is gone; servers/gunicorn/__init__.py options() sets it" % name
        )


def test_gunicorn_ready_hook_seams():
    """servers/gunicorn/__init__.py ready_hook reads the arbiter's listeners
    (each a socket wrapper with ``.sock``) and ``cfg.is_ssl``."""
    from gunicorn.arbiter import Arbiter
    from gunicorn.config import Config
    from gunicorn.sock import BaseSocket

    why = "servers/gunicorn/__init__.py ready_hook reads it"
    assert isinstance(Arbiter.LISTENERS, list), "gunicorn's Arbiter.LISTENERS is gone; %s" % why
    says(BaseSocket.__init__, "self.sock = ", why + " (listener.sock)")
    config = Config()
    assert not config.is_ssl
    config.set("certfile", "server.pem")
    assert config.is_ssl, "gunicorn's Config.is_ssl no longer follows certfile; %s" % why


def test_gunicorn_http2_trailer_seam():
    from gunicorn.http2.response import HTTP2Response
    from gunicorn.workers.gthread import ThreadWorker

    from wsgi_echo.servers.gunicorn.adapter import GUNICORN_SEND_TRAILERS

    # The worker puts the sender in an HTTP/2 request's environ, the sender
    # keeps the trailers on the response, and the response's close() sends them.
    worker = inspect.getsource(ThreadWorker.handle_http2_request)
    assert '"%s"' % GUNICORN_SEND_TRAILERS in worker and "resp.trailers =" in worker, (
        "gunicorn's ThreadWorker.handle_http2_request no longer offers environ[%r]; "
        "servers/gunicorn/adapter.py Adapter hands it to the app as protocol.SEND_TRAILERS"
        % GUNICORN_SEND_TRAILERS
    )
    says(HTTP2Response.close, 'getattr(self, "trailers"', "servers/gunicorn/adapter.py sends them")


def test_gunicorn_http2_stream_seam():
    """servers/gunicorn/hooks.py has_body asks an HTTP/2 request's stream
    whether the client has ended it (``HTTP2Request.stream.request_complete``),
    to arm the body deadline for a body sent without a Content-Length, and
    connection_socket reaches the connection's socket through it
    (``stream.connection.sock``); the adapter closes a request by its
    ``force_close``."""
    from gunicorn.http2.connection import HTTP2ServerConnection
    from gunicorn.http2.request import HTTP2Request
    from gunicorn.http2.stream import HTTP2Stream

    says(HTTP2Stream.__init__, "self.request_complete = False", "%s has_body reads it" % HOOKS)
    says(HTTP2Request.__init__, "self.stream = stream", "%s reads the request's stream" % HOOKS)
    says(HTTP2Stream.__init__, "self.connection = connection", "%s connection_socket" % HOOKS)
    says(HTTP2ServerConnection.__init__, "self.sock = sock", "%s connection_socket" % HOOKS)
    has(HTTP2Request, "force_close", "%s and adapter.py close the connection after" % HOOKS)


def test_gunicorn_arbiter_signal_queue_seam():
    """servers/gunicorn/hooks.py post_fork looks in the worker's copy of the
    arbiter's signal queue for a stop signal that came before the hook."""
    from gunicorn.arbiter import Arbiter

    says(Arbiter.__init__, "self.SIG_QUEUE = queue.SimpleQueue()", "%s post_fork" % HOOKS)
    says(Arbiter.signal, "self.SIG_QUEUE.put_nowait(sig)", "%s post_fork" % HOOKS)


def test_gunicorn_connection_control_seams():
    """servers/gunicorn/connection.py Connection: the app's ``start_response``
    is a method of gunicorn's Response, which, told its head was sent and to
    close, writes nothing more of its own when the worker closes it."""
    from gunicorn.config import Config
    from gunicorn.http import wsgi

    with parsed(b"GET /fault/close HTTP/1.1\r\nHost: h\r\n\r\n") as (req, sock, client):
        response, environ = wsgi.create(req, sock, ("127.0.0.1", 1), ("127.0.0.1", 2), Config())
        assert environ["gunicorn.socket"] is sock, (
            "gunicorn no longer hands the app its socket as environ['gunicorn.socket']; "
            "servers/gunicorn/adapter.py gives it to connection.Connection"
        )
        assert response.start_response.__self__ is response
        has(response, "headers_sent", "connection.Connection marks the head as sent")
        has(response, "force_close", "connection.Connection makes gunicorn close after")
        response.headers_sent = True
        response.force_close()
        response.start_response("444 No Response", [("Content-Length", "0")])
        response.close()
        assert response.should_close(), "gunicorn's Response.force_close() no longer closes"
        client.setblocking(False)
        with pytest.raises(BlockingIOError):
            client.recv(1024)  # nothing was written


def test_gunicorn_http2_stream_reset_seam():
    """servers/gunicorn/connection.py Stream resets its stream through the
    HTTP/2 response's connection and stream id."""
    from gunicorn.http2.connection import HTTP2ServerConnection
    from gunicorn.http2.response import HTTP2Response

    init = inspect.getsource(HTTP2Response.__init__)
    for name in ("self.h2_conn", "self.stream_id"):
        assert name in init, "gunicorn's HTTP2Response no longer sets %s; Stream reads it" % name
    parameters = list(inspect.signature(HTTP2ServerConnection.reset_stream).parameters)
    assert parameters == ["self", "stream_id", "error_code"], (
        "HTTP2ServerConnection.reset_stream(stream_id, error_code) changed; Stream calls it"
    )
