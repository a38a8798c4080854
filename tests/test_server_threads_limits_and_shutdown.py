"""Server behaviour from settings.ini, the same under real gunicorn and waitress:
threads (exactly how many requests run at once), request limits (414, 431,
413, and other clients served while one misbehaves) and graceful shutdown on
SIGTERM.  Every test talks to real server processes over sockets.
"""

import json
import signal
import socket
import time

import pytest

from conftest import THREADED, access_lines, echo_settings, settings_text
from wsgi_echo.testing.clients import (
    Connection,
    at_once,
    message,
    raw,
    request,
    status_of,
)

pytestmark = pytest.mark.server

# -- threads ---------------------------------------------------------------------------


def test_threads_is_exactly_how_many_requests_run_at_once(start_server):
    """threads = 3, under each thread-per-request runner: three slow bodies
    (30 s, a byte a second) on raw sockets run at once (their heads come
    while none can have ended), and a fourth request waits for a thread
    until the first slow body's client hangs up: the first's access line
    (written as its thread lets it go) comes before the fourth's.  A fourth
    thread would answer at once, a pause before the hang-up is noticed."""
    settings = settings_text(
        # held_requests above the threads, so that only the threads count.
        server={"workers": 1, "threads": 3, "held_requests": 4},
        routes={"/": "httpbin"},
    )
    servers = {kind: start_server(kind, settings) for kind in THREADED}

    def check(server):
        held = [Connection(server, timeout=10) for _ in range(3)]
        try:
            for number, connection in enumerate(held):
                connection.send(message("GET", "/fault/slow?bytes=30&rate=1&n=%d" % number))
            for connection in held:
                connection.wait_for_head()
            assert access_lines(server.log, containing="/fault/slow") == []
            with Connection(server, timeout=10) as fourth:
                fourth.send(message("GET", "/get?n=fourth"))
                # A piece of the first arrives: its next write is a pause (1 s)
                # away, and fails, to a client that has gone.
                assert held[0].sock.recv(65536)
                held[0].close()
                assert fourth.read_response().status == 200
            access_lines(server.log, count=1, containing="n=fourth")
            ended = [
                line for line in access_lines(server.log) if "&n=0 " in line or "?n=fourth " in line
            ]
            assert ["&n=0 " in line for line in ended] == [True, False], ended
        finally:
            for connection in held:
                connection.close()

    at_once(check, servers)


# -- limits ---------------------------------------------------------------------------

LIMITS = echo_settings(
    limit_request_line=200,
    limit_request_fields=10,
    limit_request_field_size=300,
    max_request_bytes=1000,
)


@pytest.fixture(scope="module")
def limited(module_starter):
    return module_starter.both(LIMITS)


def test_long_request_line_is_414(limited, kind):
    server = limited[kind]
    assert status_of(raw(server, message("GET", "/" + "a" * 300))) == 414
    assert status_of(raw(server, message("GET", "/" + "a" * 150))) == 200


def test_too_many_header_fields_is_431(limited, kind):
    server = limited[kind]
    # Host and Connection count too: 12 + 2 fields against a limit of 10.
    fields = [("X-F%d" % n, "v") for n in range(12)]
    assert status_of(raw(server, message("GET", "/", fields))) == 431
    assert status_of(raw(server, message("GET", "/", fields[:8]))) == 200


def test_long_header_field_is_431(limited, kind):
    server = limited[kind]
    assert status_of(raw(server, message("GET", "/", [("X-Long", "v" * 400)]))) == 431
    assert status_of(raw(server, message("GET", "/", [("X-Long", "v" * 200)]))) == 200


def test_header_field_size_limit_counts_alike_under_both(limited, kind):
    server = limited[kind]  # limit_request_field_size = 300, CRLF included

    def field(total):
        return ("X-L", "v" * (total - len("X-L: \r\n")))

    assert status_of(raw(server, message("GET", "/", [field(300)]))) == 200
    assert status_of(raw(server, message("GET", "/", [field(301)]))) == 431


def test_body_limit_is_413_under_both_servers(limited, kind):
    server = limited[kind]
    status, _, body = request(server, "POST", "/b", body=b"x" * 1001)
    assert status == 413 and json.loads(body)["limit"] == 1000
    reply = raw(
        server,
        message(
            "POST",
            "/b",
            [("Transfer-Encoding", "chunked")],
            b"7d0\r\n" + b"y" * 2000 + b"\r\n0\r\n\r\n",
        ),
    )
    assert status_of(reply) == 413 and b'"limit": 1000' in reply


def test_other_clients_are_served_while_one_misbehaves(limited, kind):
    server = limited[kind]
    slow = socket.create_connection((server.host, server.port), timeout=10)
    try:
        slow.sendall(b"GET /" + b"a" * 150)  # half a request line, left hanging
        assert request(server, "GET", "/meanwhile")[0] == 200
        slow.sendall(b"a" * 150 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(slow.recv(65536)) == 414
    finally:
        slow.close()
    assert request(server, "GET", "/after")[0] == 200
    assert server.alive()


# -- lifecycle ------------------------------------------------------------------------


def test_sigterm_lets_an_in_flight_request_finish(start_server):
    servers = start_server.both(
        settings_text(
            server={"workers": 1, "threads": 4, "timeout": 10},
            routes={"/httpbin": "httpbin", "/": "echo"},
        )
    )

    def check(server):
        with Connection(server) as connection:
            # A drip's head comes with its first byte, the other two over the
            # next second: with the head here, the request is being served.
            connection.send(message("GET", "/httpbin/drip?numbytes=3&duration=1.5"))
            connection.wait_for_head()
            server.signal(signal.SIGTERM)
            response = connection.read_response()
        assert (response.status, response.body, response.ending) == (200, b"***", "complete")
        assert server.wait(timeout=15) == 0
        with pytest.raises(OSError):
            socket.create_connection((server.host, server.port), timeout=1).close()

    at_once(check, servers)


# How soon an idle server stops after SIGTERM: at once, but for gunicorn's
# gevent worker, whose run loop looks at its "alive" flag once a second (and
# its graceful loop once a second more).
IDLE_STOP_SECONDS = {"gunicorn-gevent": 2.5}


def test_sigterm_on_an_idle_server_stops_it_at_once(start_server, kind):
    server = start_server(kind, echo_settings(timeout=10))
    started = time.monotonic()
    server.signal(signal.SIGTERM)
    assert server.wait(timeout=10) == 0
    assert time.monotonic() - started < IDLE_STOP_SECONDS.get(kind, 0.8)
