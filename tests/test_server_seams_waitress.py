"""The waitress internals the waitress runner (``wsgi_echo/servers/waitress/``)
touches are still there, with the shape it expects; each failure names the
attribute and the module of ours that uses it (``seam_checks``)."""

import contextlib
import inspect
import socket

import pytest
from seam_checks import has, says

waitress = pytest.importorskip("waitress")

PARSER = "servers/waitress/parser.py Parser"


@contextlib.contextmanager
def waitress_server(application=None, **adjustments):
    """A waitress server on a loopback socket, not running."""
    from waitress.server import create_server

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen(1)
    server = create_server(
        application or (lambda environ, start_response: []), sockets=[listening], **adjustments
    )
    try:
        yield server
    finally:
        server.close()
        listening.close()


def test_waitress_parser_seams():
    from waitress.adjustments import Adjustments
    from waitress.parser import HTTPRequestParser, ParsingError

    for name in ("parse_header", "received"):
        has(HTTPRequestParser, name, "%s overrides it" % PARSER)
    parser = HTTPRequestParser(Adjustments())
    for name in ("error", "completed", "headers_finished", "body_rcv", "version", "headers"):
        has(parser, name, "%s reads it" % PARSER)
    # What Parser reads to hold a body to its route's limit.
    parser.received(b"POST //up%6Coad HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab")
    for name in ("content_length", "body_bytes_received", "path", "command"):
        has(parser, name, "%s holds a body to its route's limit" % PARSER)
    assert (parser.command, parser.path, parser.content_length) == ("POST", "//upload", 5)
    has(parser, "request_uri", "channel.py LoggedErrorTask logs it as the target")
    has(parser, "expect_continue", "%s clears it for a request without a body" % PARSER)
    assert parser.request_uri == "//up%6Coad"

    # A ParsingError from parse_header becomes parser.error (then made JSON).
    class Refusing(HTTPRequestParser):
        def parse_header(self, header_plus):
            raise ParsingError("no")

    refusing = Refusing(Adjustments())
    refusing.received(b"GET / HTTP/1.1\r\n\r\n")
    assert refusing.completed and refusing.error is not None and refusing.error.code == 400


def test_waitress_drops_header_names_with_underscores():
    """parser.header_values skips such names as waitress's parser does."""
    from waitress.adjustments import Adjustments
    from waitress.parser import HTTPRequestParser

    parser = HTTPRequestParser(Adjustments())
    parser.received(b"GET / HTTP/1.1\r\nHost: h\r\nX_Forwarded_For: 1.2.3.4\r\n\r\n")
    assert "X_FORWARDED_FOR" not in parser.headers, (
        "waitress now keeps header names with '_'; %s header_values skips them" % PARSER
    )


def test_waitress_channel_and_task_seams():
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask, Task, WSGITask
    from waitress.utilities import Error

    for name in ("parser_class", "task_class", "error_task_class", "readable", "received"):
        has(HTTPChannel, name, "servers/waitress/channel.py Channel sets or overrides it")
    has(WSGITask, "build_response_header", "servers/waitress/channel.py Task overrides it")
    has(Task, "set_close_on_finish", "servers/waitress/channel.py Task calls it")
    has(ErrorTask, "service", "LoggedErrorTask overrides it")
    says(ErrorTask.execute, "self.content_length = ", "LoggedErrorTask logs content_length")
    assert list(inspect.signature(Error.to_response).parameters) == ["self", "ident"], (
        "waitress.utilities.Error.to_response(ident) changed; JSONError implements it"
    )


def test_waitress_channel_state_seams():
    """What the runner reads of a channel: Channel.readable and drain() its
    request state, LoggedErrorTask its peer and the server's app, Task the
    server (is it stopping?)."""
    from waitress.channel import HTTPChannel

    def app(environ, start_response):
        return []

    # The runner's own adjustment: waitress then leaves the app unwrapped,
    # so LoggedErrorTask finds the app's log_refused on it.
    with waitress_server(app, clear_untrusted_proxy_headers=False) as server:
        left, right = socket.socketpair()
        try:
            channel = HTTPChannel(server, right, ("127.0.0.1", 1), server.adj, map={})
            for name in ("request", "requests", "last_activity", "total_outbufs_len"):
                has(channel, name, "servers/waitress Channel.readable and drain() read it")
            has(channel, "addr", "channel.py LoggedErrorTask logs the client from it")
            assert channel.server is server, "HTTPChannel.server is gone; channel.py Task reads it"
            assert server.application is app, (
                "waitress wraps the app even with clear_untrusted_proxy_headers=False; "
                "channel.py LoggedErrorTask reads channel.server.application.log_refused"
            )
        finally:
            left.close()
            right.close()


def test_waitress_server_seams():
    with waitress_server() as server:
        for name in (
            "channel_class",
            "pull_trigger",
            "active_channels",
            "_map",
            "task_dispatcher",
            "accepting",
            "del_channel",
            "socket",
        ):
            has(server, name, "servers/waitress/__init__.py create/run/drain use it")
        for name in (
            "asyncore_loop_timeout",
            "asyncore_use_poll",
            "connection_limit",
            "channel_timeout",
        ):
            has(server.adj, name, "servers/waitress/__init__.py passes it through")


def test_waitress_connection_control_seams():
    """servers/waitress/connection.py: a task told it wrote its head adds none
    of its own at the end, and one told to close makes its channel close."""
    from waitress.adjustments import Adjustments
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser
    from waitress.task import WSGITask

    has(WSGITask, "get_environment", "connection.ControlledTask overrides it")
    has(HTTPChannel, "write_soon", "connection.Connection.write_raw queues bytes through it")
    source = inspect.getsource(HTTPChannel.service)
    assert "task.close_on_finish" in source and "close_when_flushed = True" in source, (
        "waitress's HTTPChannel.service no longer closes after a task's close_on_finish; "
        "connection.Connection and channel.Task rely on it"
    )
    with waitress_server() as server:
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
            left.close()
            right.close()


def test_the_seam_checks_name_what_is_gone_and_who_needs_it():
    """The checks themselves, on a planted gap."""
    with pytest.raises(AssertionError, match=r"object\.missing is gone; parser\.py reads it"):
        has(object(), "missing", "parser.py reads it")
    with pytest.raises(AssertionError, match=r"no longer does 'absent'; hooks\.py needs it"):
        says(test_waitress_server_seams, "absent", "hooks.py needs it")
