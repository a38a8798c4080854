"""A header name with "_" in it is dropped under every runner, never read as
the header it would map to: the environ spells ``X-Forwarded-For`` and
``X_Forwarded_For`` alike (``HTTP_X_FORWARDED_FOR``), so a client could
otherwise add an address to the one a trusted proxy appended, or a length to
the request's own.  gunicorn and waitress both drop such names; the waitress
runner's parser must not bring them back.  Real server processes.
"""

import json

import pytest

from conftest import settings_text
from wsgi_echo.testing.clients import message, raw, status_of

pytestmark = pytest.mark.server

PROXY = "127.0.0.1"  # the test client itself, as a trusted proxy
CLIENT = "203.0.113.7"  # what the proxy says the client is
SPOOFED = "198.51.100.66"  # what the client would have it believe


@pytest.fixture(scope="module")
def servers(module_starter):
    return module_starter.both(
        settings_text(
            server={"workers": 1, "threads": 4},
            proxy={"trusted": PROXY},
            routes={"/": "echo"},
        )
    )


def echoed(server, fields, body=b""):
    reply = raw(server, message("POST", "/names", fields, body))
    assert status_of(reply) == 200, reply[:300]
    return json.loads(reply.partition(b"\r\n\r\n")[2])


def test_an_underscore_forwarded_for_does_not_join_the_proxys(server):
    # As a proxy appends its peer, and the client's own line follows it.
    seen = echoed(server, [("X-Forwarded-For", CLIENT), ("X_Forwarded_For", SPOOFED)])
    assert seen["remote_addr"] == CLIENT
    assert "X_Forwarded_For" not in seen["headers"]
    assert SPOOFED not in json.dumps(seen)


def test_an_underscore_forwarded_for_alone_changes_nothing(server):
    seen = echoed(server, [("X_Forwarded_For", SPOOFED)])
    assert seen["remote_addr"] == PROXY
    assert SPOOFED not in json.dumps(seen)


def test_an_underscore_content_length_does_not_frame_the_body(server):
    seen = echoed(server, [("Content-Length", "5"), ("Content_Length", "3")], b"hello")
    assert seen["body"] == "hello"
    assert seen["headers"]["Content-Length"] == "5"
    assert "Content_Length" not in seen["headers"]


def test_an_underscore_content_length_gives_no_body_to_a_request_without_one(server):
    seen = echoed(server, [("Content_Length", "5")])
    assert seen["body"] == ""
    assert "Content-Length" not in seen["headers"]


def test_an_underscore_content_length_does_not_conflict_with_chunked(server):
    # Transfer-Encoding with Content-Length is refused (RFC 9112 section 6.1);
    # with a Content_Length there is no Content-Length to conflict with.
    chunked = b"5\r\nhello\r\n0\r\n\r\n"
    seen = echoed(server, [("Transfer-Encoding", "chunked"), ("Content_Length", "3")], chunked)
    assert seen["body"] == "hello"
