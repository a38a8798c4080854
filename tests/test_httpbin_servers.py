"""The httpbin app under real gunicorn and waitress processes, over sockets:
a table of requests with what each must answer (tests/httpbin_wire_table.py),
the streaming routes as they arrive on the wire (chunked or with a
Content-Length, spread over time), HEAD, compressed answers, a digest-auth
round trip, and a client that hangs up in the middle of ``/drip``.

Both servers run ``[routes] / = httpbin``: a pure httpbin, every route at
the root.
"""

import json
import re
import socket
import time

import pytest
from digest_client import challenge_params, digest_header
from httpbin_wire_table import TABLE

from conftest import ACCESS_LINE, access_lines, settings_text
from wsgi_echo.testing.clients import Connection, at_once, message, raw, request
from wsgi_echo.testing.server import Server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def servers(module_starter):
    return module_starter.both(
        settings_text(routes={"/": "httpbin"}, server={"workers": 1, "threads": 4})
    )


@pytest.mark.parametrize(
    "method, path, body, headers, status, check",
    TABLE,
    ids=["%s %s" % (row[0], row[1]) for row in TABLE],
)
def test_table(server, method, path, body, headers, status, check):
    got_status, got_headers, got_body = request(server, method, path, body, headers)
    assert got_status == status, got_body[:300]
    assert got_headers["Access-Control-Allow-Credentials"] == "true"
    assert check(got_headers, got_body, server)


@pytest.mark.parametrize("path", ["/get", "/bytes/50", "/stream/2", "/status/418", "/json"])
def test_head_has_gets_headers_and_no_body(server, path):
    get_status, get_headers, _get_body = request(server, "GET", path)
    status, headers, body = request(server, "HEAD", path)
    assert status == get_status and body == b""
    assert headers.get("Content-Length") == get_headers.get("Content-Length")
    assert headers["Content-Type"] == get_headers["Content-Type"]


def response_head(reply):
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.decode("latin-1").lower(), body


def chunk_sizes(body):
    """The chunk sizes of a chunked body, read by its framing (random bytes in a
    chunk may look like a size line)."""
    sizes, at = [], 0
    while True:
        end = body.index(b"\r\n", at)
        size = int(body[at:end].split(b";")[0], 16)
        sizes.append(size)
        if size == 0:
            return sizes
        at = end + 2 + size + 2


@pytest.mark.parametrize("path, lines", [("/stream/3", 3), ("/stream-bytes/100?chunk_size=30", 4)])
def test_streams_are_chunked_on_the_wire(server, path, lines):
    head, body = response_head(raw(server, message("GET", path)))
    assert "transfer-encoding: chunked" in head and "content-length" not in head
    sizes = chunk_sizes(body)
    assert sizes[-1] == 0 and len(sizes) - 1 == lines


def test_chunked_request_body_is_echoed(server):
    reply = raw(
        server,
        message(
            "POST",
            "/post",
            [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")],
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        ),
    )
    assert json.loads(response_head(reply)[1])["data"] == "hello world"


def timed_chunks(server, path, until):
    """Send GET ``path``; (seconds from the request to each received read, bytes),
    until ``until(all bytes so far)`` holds."""
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(message("GET", path))
        arrivals, data = [], b""
        while not until(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            arrivals.append(time.monotonic() - started)
        return arrivals, data


def test_drip_spreads_its_bytes_over_the_duration(servers):
    def check(server):
        arrivals, data = timed_chunks(
            server, "/drip?numbytes=4&duration=0.4", lambda data: data.endswith(b"****")
        )
        head, body = response_head(data)
        assert "content-length: 4" in head and body == b"****"
        assert arrivals[0] < 0.2 <= 0.35 <= arrivals[-1] < 1.5

    at_once(check, servers)


def test_sse_events_arrive_one_by_one(servers):
    def check(server):
        _arrivals, data = timed_chunks(
            server, "/sse?count=3&duration=0.3", lambda data: data.count(b"event: ping") == 3
        )
        head, body = response_head(data)
        assert "content-type: text/event-stream; charset=utf-8" in head
        assert "transfer-encoding: chunked" in head
        stamps = [json.loads(found)["timestamp"] for found in re.findall(rb"data: (\{.*?\})", body)]
        assert [json.loads(found)["id"] for found in re.findall(rb"data: (\{.*?\})", body)] == [
            0,
            1,
            2,
        ]
        assert 250 <= stamps[-1] - stamps[0] < 1500

    at_once(check, servers)


def test_range_with_duration_streams_with_a_length(servers):
    def check(server):
        started = time.monotonic()
        status, headers, body = request(
            server, "GET", "/range/100?duration=0.3&chunk_size=10", headers={"Range": "bytes=50-99"}
        )
        assert status == 206 and headers["Content-Length"] == "50" and len(body) == 50
        assert 0.14 <= time.monotonic() - started < 1.5

    at_once(check, servers)


def test_a_client_that_hangs_up_mid_drip_frees_its_thread(servers):
    """Four clients (one per server thread) hang up on a 2-second drip; the
    server stops each drip at its next write and calls the iterable's
    close(), so the threads are free again well before the drips' end."""
    path = "/drip?numbytes=200&duration=2"

    def hang_up(server):
        sock = socket.create_connection((server.host, server.port), timeout=5)
        sock.sendall(message("GET", path))
        assert b"200" in sock.recv(200)  # the status line, and a byte or two
        sock.close()

    def check(server):
        for _ in range(4):
            hang_up(server)
        started = time.monotonic()
        status, _, _ = request(server, "GET", "/get", timeout=5)
        assert status == 200 and time.monotonic() - started < 1.0
        # Each line is written when the server closed the iterable, with the
        # time taken: far less than the 2 s the drip would have run.
        lines = [
            ACCESS_LINE.match(line)
            for line in access_lines(server.log, 4, timeout=1.0, containing='"GET %s ' % path)
        ]
        durations = [
            int(line["millis"])
            for line in lines
            if line["status"] == "200" and line["length"] == "200"
        ]
        assert len(durations) == 4 and max(durations) < 1000, server.log()[-2000:]

    at_once(check, servers)


def test_digest_auth_round_trip(server):
    uri = "/digest-auth/auth/user/passwd/SHA-256?x=1"
    with Connection(server) as connection:
        connection.send(message("GET", uri, close=False))
        status, headers, _ = connection.read_response()
        assert status == 401
        challenge = challenge_params(headers["www-authenticate"])
        assert challenge["algorithm"] == "SHA-256"
        authorization = digest_header(uri, "user", "passwd", challenge, "auth")
        connection.send(
            message("GET", uri, [*authorization.items(), ("Cookie", "fake=fake_value")])
        )
        status, _, body = connection.read_response()
        assert status == 200 and json.loads(body) == {"authenticated": True, "user": "user"}


def test_dump_request_shows_the_request_as_sent(server):
    reply = raw(
        server,
        message("POST", "/dump/request?a=%20b", [("X-Test", "1"), ("Content-Length", "2")], b"hi"),
    )
    body = response_head(reply)[1]
    assert body == (
        b"POST /dump/request?a=%20b HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        b"Content-Length: 2\r\nX-Test: 1\r\n\r\nhi"
    )


def test_status_lines_are_httpbins_werkzeug_ones_on_the_wire(server):
    for path, line in (
        ("/status/418", b"HTTP/1.1 418 I'M A TEAPOT\r\n"),
        ("/status/203", b"HTTP/1.1 203 NON AUTHORITATIVE INFORMATION\r\n"),
        ("/status/599", b"HTTP/1.1 599 UNKNOWN\r\n"),
        ("/nope", b"HTTP/1.1 404 NOT FOUND\r\n"),
    ):
        assert raw(server, message("GET", path)).startswith(line), path


def test_a_407_is_answered_under_both_servers_without_a_hop_by_hop_challenge(server):
    # waitress answers 500 to an app that sends Proxy-Authenticate (PEP 3333)
    status, headers, _ = request(server, "GET", "/status/407")
    assert status == 407 and "Proxy-Authenticate" not in headers


def test_repeated_request_header_lines_reach_httpbin_joined_as_gunicorn_joins_them(server):
    reply = raw(server, message("GET", "/headers", [b"X-Rep: 1", b"X-Rep: 2, 3"]))
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["headers"]["X-Rep"] == "1,2, 3"


def test_the_pure_httpbin_fixture_sends_only_what_httpbin_sends(kind):
    with Server(server=kind) as pure:  # PURE_HTTPBIN: the pytest fixtures' settings
        status, headers, _ = request(pure, "GET", "/get")
        assert status == 200 and "X-Served-By" not in headers
        assert request(pure, "GET", "/healthz")[0] == 404


def test_a_chunked_request_shows_the_transfer_encoding_it_was_sent_with(servers):
    # gunicorn hands the app the chunked stream; waitress decodes it first and
    # passes on only its length (documented in docs/httpbin.md)
    chunked = message(
        "POST", "/post", [b"Transfer-Encoding: chunked"], body=b"3\r\nabc\r\n0\r\n\r\n"
    )
    answer = json.loads(raw(servers["gunicorn"], chunked).split(b"\r\n\r\n", 1)[1])
    assert answer["data"] == "abc"
    assert answer["headers"]["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in answer["headers"]
