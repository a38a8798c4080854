"""The few server internals the runners touch are still there, with the
shape the runners expect.  Each failure names the attribute, so an upgrade
of gunicorn or waitress that moves one fails here, clearly, rather than as a
wrong status somewhere in the server tests."""

import inspect
import socket

import pytest

gunicorn = pytest.importorskip("gunicorn")
waitress = pytest.importorskip("waitress")


def has(owner, name, why):
    assert hasattr(owner, name), "%s.%s is gone; %s" % (
        getattr(owner, "__name__", type(owner).__name__),
        name,
        why,
    )


def test_waitress_parser_seams():
    from waitress.adjustments import Adjustments
    from waitress.parser import HTTPRequestParser, ParsingError

    for name in ("parse_header", "received"):
        has(HTTPRequestParser, name, "servers/waitress/parser.py Parser overrides it")
    parser = HTTPRequestParser(Adjustments())
    for name in ("error", "completed", "headers_finished", "body_rcv", "version", "headers"):
        has(parser, name, "servers/waitress/parser.py Parser reads it")
    # What servers/waitress/parser.py Parser reads to hold a body to its route's limit.
    parser.received(b"POST //up%6Coad HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab")
    for name in ("content_length", "body_bytes_received", "path", "command"):
        has(parser, name, "servers/waitress/parser.py Parser holds a body to its route's limit")
    assert (parser.command, parser.path, parser.content_length) == ("POST", "//upload", 5)

    # A ParsingError from parse_header becomes parser.error (then made JSON).
    class Refusing(HTTPRequestParser):
        def parse_header(self, header_plus):
            raise ParsingError("no")

    refusing = Refusing(Adjustments())
    refusing.received(b"GET / HTTP/1.1\r\n\r\n")
    assert refusing.completed and refusing.error is not None and refusing.error.code == 400


def test_waitress_channel_and_task_seams():
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask, Task, WSGITask
    from waitress.utilities import Error

    for name in ("parser_class", "task_class", "error_task_class", "readable", "received"):
        has(HTTPChannel, name, "servers/waitress/channel.py Channel sets or overrides it")
    has(WSGITask, "build_response_header", "servers/waitress/channel.py Task overrides it")
    has(Task, "set_close_on_finish", "servers/waitress/channel.py Task calls it")
    has(ErrorTask, "service", "LoggedErrorTask overrides it")
    assert list(inspect.signature(Error.to_response).parameters) == ["self", "ident"], (
        "waitress.utilities.Error.to_response(ident) changed; JSONError implements it"
    )


def test_waitress_server_seams():
    from waitress.server import create_server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    server = create_server(lambda environ, start_response: [], sockets=[sock])
    try:
        for name in (
            "channel_class",
            "pull_trigger",
            "active_channels",
            "_map",
            "task_dispatcher",
            "accepting",
            "del_channel",
        ):
            has(server, name, "servers/waitress/__init__.py create/run/drain use it")
        for name in (
            "asyncore_loop_timeout",
            "asyncore_use_poll",
            "connection_limit",
            "channel_timeout",
        ):
            has(server.adj, name, "servers/waitress/__init__.py passes it through")
    finally:
        server.close()
        sock.close()


def test_gunicorn_request_seams():
    from gunicorn.config import Config
    from gunicorn.http.parser import RequestParser

    left, right = socket.socketpair()
    try:
        left.sendall(b"POST //x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab")
        req = next(RequestParser(Config(), right, ("127.0.0.1", 1)))
        has(req, "unreader", "servers/gunicorn/hooks.py BodyDeadline reaches the socket through it")
        has(req.unreader, "sock", "servers/gunicorn/hooks.py BodyDeadline shuts its read side")
        assert req.unreader.sock is right
        has(req, "force_close", "servers/gunicorn/hooks.py BodyDeadline closes the connection")
        assert req.path == "//x" and ("CONTENT-LENGTH", "2") in req.headers, (
            "gunicorn's Request.path / .headers changed; servers/gunicorn/hooks.py edits them"
        )
    finally:
        left.close()
        right.close()


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
    ):
        assert name in settings, (
            "gunicorn setting %s is gone; servers/gunicorn/__init__.py sets it" % name
        )


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
    assert 'getattr(self, "trailers"' in inspect.getsource(HTTP2Response.close), (
        "gunicorn's HTTP2Response.close() no longer sends self.trailers; "
        "servers/gunicorn/adapter.py Adapter relies on it"
    )


def test_gunicorn_worker_seams():
    """The two worker subclasses (servers/gunicorn/thread_worker.py and
    gevent_worker.py) override or call these."""
    from gunicorn.config import Config
    from gunicorn.workers.base_async import AsyncWorker
    from gunicorn.workers.ggevent import GeventWorker
    from gunicorn.workers.gthread import PollableMethodQueue, ThreadWorker

    why = "servers/gunicorn/gevent_worker.py Worker overrides it"
    for name in ("timeout_ctx", "handle", "handle_request"):
        has(AsyncWorker, name, why)
        has(GeventWorker, name, why)
    assert list(inspect.signature(AsyncWorker.handle).parameters) == [
        "self",
        "listener",
        "client",
        "addr",
    ], "AsyncWorker.handle(listener, client, addr) changed; gevent_worker.Worker overrides it"
    for name in ("handle_exit", "accept", "set_accept_enabled"):
        has(ThreadWorker, name, "servers/gunicorn/thread_worker.py ThreadWorker uses it")
    has(PollableMethodQueue, "defer", "thread_worker.ThreadWorker defers its stop to the loop")
    source = inspect.getsource(ThreadWorker.__init__)
    for name in ("self.method_queue", "self.nr_conns"):
        assert name in source, "gthread's ThreadWorker no longer sets %s" % name
    settings = Config().settings
    for name in ("post_fork", "post_worker_init", "worker_class"):
        assert name in settings, "gunicorn setting %s is gone; servers/gunicorn sets it" % name


def test_gunicorn_unreader_buffer_seam():
    """gevent_worker.bytes_waiting reads what a request left in the parser's
    buffer (pipelined bytes) through ``Request.unreader.buf``."""
    from gunicorn.config import Config
    from gunicorn.http.parser import RequestParser

    left, right = socket.socketpair()
    try:
        left.sendall(b"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n")
        req = next(RequestParser(Config(), right, ("127.0.0.1", 1)))
        assert req.unreader.buf.getvalue().startswith(b"GET /b"), (
            "gunicorn's Unreader.buf no longer holds read-ahead bytes; gevent_worker reads it"
        )
    finally:
        left.close()
        right.close()


def test_gunicorn_http2_stream_seam():
    """servers/gunicorn/hooks.py has_body asks an HTTP/2 request's stream
    whether the client has ended it (``HTTP2Request.stream.request_complete``),
    to arm the body deadline for a body sent without a Content-Length."""
    from gunicorn.http2.request import HTTP2Request
    from gunicorn.http2.stream import HTTP2Stream

    assert "self.request_complete = False" in inspect.getsource(HTTP2Stream.__init__), (
        "gunicorn's HTTP2Stream no longer keeps request_complete, which "
        "servers/gunicorn/hooks.py reads"
    )
    assert "self.stream = stream" in inspect.getsource(HTTP2Request.__init__), (
        "gunicorn's HTTP2Request no longer keeps its stream; servers/gunicorn/hooks.py reads it"
    )


def test_gunicorn_arbiter_signal_queue_seam():
    """servers/gunicorn/hooks.py post_fork looks in the worker's copy of the
    arbiter's signal queue for a stop signal that came before the hook."""
    from gunicorn.arbiter import Arbiter

    assert "self.SIG_QUEUE = queue.SimpleQueue()" in inspect.getsource(Arbiter.__init__), (
        "gunicorn's Arbiter.SIG_QUEUE is no longer a queue.SimpleQueue"
    )
    assert "self.SIG_QUEUE.put_nowait(sig)" in inspect.getsource(Arbiter.signal), (
        "gunicorn's Arbiter.signal no longer queues signals in SIG_QUEUE"
    )


def test_gunicorn_connection_control_seams():
    """servers/gunicorn/connection.py Connection: the app's ``start_response``
    is a method of gunicorn's Response, which, told its head was sent and to
    close, writes nothing more of its own when the worker closes it."""
    from gunicorn.config import Config
    from gunicorn.http import wsgi
    from gunicorn.http.parser import RequestParser

    left, right = socket.socketpair()
    try:
        left.sendall(b"GET /fault/close HTTP/1.1\r\nHost: h\r\n\r\n")
        req = next(RequestParser(Config(), right, ("127.0.0.1", 1)))
        response, environ = wsgi.create(req, right, ("127.0.0.1", 1), ("127.0.0.1", 2), Config())
        assert environ["gunicorn.socket"] is right, (
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
        left.setblocking(False)
        with pytest.raises(BlockingIOError):
            left.recv(1024)  # nothing was written
    finally:
        left.close()
        right.close()


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


def test_waitress_connection_control_seams():
    """servers/waitress/connection.py: a task told it wrote its head adds none
    of its own at the end, and one told to close makes its channel close."""
    from waitress.adjustments import Adjustments
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser
    from waitress.server import create_server
    from waitress.task import WSGITask

    has(WSGITask, "get_environment", "connection.ControlledTask overrides it")
    has(HTTPChannel, "write_soon", "connection.Connection.write_raw queues bytes through it")
    source = inspect.getsource(HTTPChannel.service)
    assert "task.close_on_finish" in source and "close_when_flushed = True" in source, (
        "waitress's HTTPChannel.service no longer closes after a task's close_on_finish; "
        "connection.Connection relies on it"
    )

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(1)
    server = create_server(lambda environ, start_response: [], sockets=[listening])
    left, right = socket.socketpair()
    try:
        channel = HTTPChannel(server, right, ("127.0.0.1", 1), server.adj, map={})
        parser = HTTPRequestParser(Adjustments())
        parser.received(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        task = WSGITask(channel, parser)
        for name in ("wrote_header", "close_on_finish", "channel"):
            has(task, name, "connection.Connection sets or reads it")
        has(channel, "socket", "connection.Connection sets SO_LINGER on it")
        task.wrote_header = True
        task.finish()
        assert channel.total_outbufs_len == 0, (
            "a waitress task that wrote its head no longer adds nothing in finish()"
        )
    finally:
        server.close()
        listening.close()
        left.close()
        right.close()
