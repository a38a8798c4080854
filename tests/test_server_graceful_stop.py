"""A graceful stop (SIGTERM) under every runner, seen from a kept-alive
connection: the answer to a request in flight says ``Connection: close``,
so its client sends nothing more on it, and a connection idle at the signal
is kept for a moment (about two seconds), so a request its client was
already sending is answered, with ``Connection: close``, rather than reset
(RFC 9112 section 9.6).  Real server processes.
"""

import select
import signal
import socket
import time
from functools import partial

import pytest

from conftest import echo_settings
from wsgi_echo.servers import STOP_LINGER
from wsgi_echo.testing.clients import Connection, message, request
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

# One request that waits on purpose at a time: a second is answered 503 at
# once while the first holds the slot, which is how the test knows the first
# is in flight.
SETTINGS = echo_settings(held_requests=1, timeout=10)
DELAY_MS = 3000  # long enough for the probes to find it in flight on a busy machine
# Time a request sent before the window closes may take to reach the server.
MARGIN = 0.3


def holding(server):
    """Whether a request that waits holds the one slot: another gets 503."""
    status = request(server, "GET", "/probe", headers={"X-Echo-Delay": "1"})[0]
    return status == 503


def answered(connection):
    """Whether an answer has come on ``connection`` (bytes buffered or waiting)."""
    return bool(connection.buffer) or bool(select.select([connection.sock], [], [], 0)[0])


def send_until_in_flight(server, connection):
    """Send the delayed request and wait until it holds the one slot.  A probe
    holds the slot for a millisecond itself: when the delayed request comes
    in that millisecond it is answered 503 at once, and is sent again."""
    for _ in range(5):
        connection.send(message("GET", "/slow", [("X-Echo-Delay", str(DELAY_MS))], close=False))
        wait_for(
            lambda: answered(connection) or holding(server),
            timeout=5,
            what="the delayed request to be in flight, or refused",
        )
        if not answered(connection):
            return
        assert connection.read_response().status == 503
    raise AssertionError("the delayed request met a probe's hold five times")


def refusing(server):
    """Whether the server has stopped accepting (its listening socket closed)."""
    try:
        socket.create_connection((server.host, server.port), timeout=1).close()
    except OSError:
        return True
    return False


def test_the_answer_in_flight_at_sigterm_says_connection_close(start_server, kind):
    server = start_server(kind, SETTINGS)
    with Connection(server) as connection:
        send_until_in_flight(server, connection)
        server.signal(signal.SIGTERM)
        response = connection.read_response()
        assert response.status == 200 and response.ending == "complete"
        assert response.headers.get("connection", "").lower() == "close", response.headers
        assert connection.closed_by_server(wait=5)
    assert server.wait(timeout=15) == 0


def test_a_request_on_a_connection_idle_at_sigterm_is_answered(start_server, kind):
    """The server keeps an idle connection ``STOP_LINGER`` seconds from the
    moment it acts on the signal, which is after the signal was sent: a
    request sent sooner than that after the signal must be answered.  A client held
    up past the window (a loaded machine can stall this process) proves
    nothing either way, so the scenario is run again, on a new server, at
    most three times."""
    late = []
    for _ in range(3):
        server = start_server(kind, SETTINGS)
        with Connection(server) as connection:
            connection.send(message("GET", "/first", close=False))
            assert connection.read_response().status == 200
            signalled = time.monotonic()
            server.signal(signal.SIGTERM)
            # Stopped accepting: the signal has been acted on (gevent's
            # worker looks once a second).
            wait_for(partial(refusing, server), timeout=10, what="the listening socket to close")
            connection.send(message("GET", "/second", close=False))
            sent_after = time.monotonic() - signalled
            if sent_after > STOP_LINGER - MARGIN:
                late.append(sent_after)
                continue
            response = connection.read_response()
            assert response.status == 200 and b'"/second"' in response.body
            assert response.headers.get("connection", "").lower() == "close", response.headers
            assert connection.closed_by_server(wait=5)
        assert server.wait(timeout=15) == 0
        return
    raise AssertionError("the second request went out too late every time: %s s" % late)
