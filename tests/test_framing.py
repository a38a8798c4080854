"""Request framing that RFC 9112 section 6.1 says must not be trusted is
refused, and the connection closed, the same under both servers: a request
pipelined behind it is never answered, so a proxy in front that reads the
framing the other way cannot smuggle a second request through."""

import json

import pytest

from conftest import echo_settings
from wsgi_echo.testing.clients import exchange, raw, statuses_of

pytestmark = pytest.mark.server

FOLLOW_UP = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
CHUNKED_BODY = b"5\r\nhello\r\n0\r\n\r\n"


@pytest.fixture(scope="module")
def servers(module_starter):
    return module_starter.both(echo_settings())


@pytest.mark.parametrize(
    "version, framing, status",
    [
        ("1.1", [b"Content-Length: 5", b"Transfer-Encoding: chunked"], 400),
        ("1.1", [b"Transfer-Encoding: chunked", b"Content-Length: 21"], 400),
        ("1.1", [b"Transfer-Encoding: chunked, chunked"], 400),
        ("1.1", [b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked"], 400),
        ("1.0", [b"Transfer-Encoding: chunked"], 400),
        ("1.1", [b"Transfer-Encoding: gzip"], 400),
        ("1.1", [b"Transfer-Encoding: identity"], 400),
        ("1.1", [b"Transfer-Encoding: chunked, identity"], 400),
        ("1.1", [b"Transfer-Encoding: chunked, gzip"], 400),
        ("1.1", [b"Transfer-Encoding: gzip, chunked"], 501),
        ("1.1", [b"Transfer-Encoding: x-custom, chunked"], 501),
        ("1.1", [b"Content-Length: 5", b"Content-Length: 6"], 400),
        ("1.1", [b"Content-Length: +5"], 400),
    ],
)
def test_untrustworthy_framing_is_refused_and_the_connection_closed(
    server, version, framing, status
):
    head = b"POST /first HTTP/%s\r\nHost: x\r\n" % version.encode() + b"\r\n".join(framing)
    reply, closed = exchange(server, head + b"\r\n\r\n" + CHUNKED_BODY + FOLLOW_UP, timeout=5)
    assert statuses_of(reply) == [status], reply[:300]
    assert b"/smuggled" not in reply
    assert closed, "the connection was left open"


def test_sound_chunked_framing_keeps_the_connection_for_the_next_request(server):
    head = b"POST /first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    reply = raw(
        server,
        head + CHUNKED_BODY + FOLLOW_UP.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"),
    )
    assert statuses_of(reply) == [200, 200]
    first, second = reply.split(b"HTTP/1.1 200")[1:]
    assert json.loads(first.split(b"\r\n\r\n", 1)[1].split(b"\n")[0])["body"] == "hello"
    assert b'"path": "/smuggled"' in second
