"""Slow and silent clients get 408 and a closed connection at deadlines that
trickling bytes cannot reset, while everyone else is still served.

Deadlines here are short (``body_timeout`` and ``header_timeout`` of 2 s,
2 threads), so each test stops by itself within seconds.  Both servers run
the same scenario at the same time.
"""

import concurrent.futures
import socket
import threading
import time

import pytest

from conftest import at_once, echo_settings
from http_client import request, status_of

pytestmark = pytest.mark.server

THREADS = 2
DEADLINE = 2
SETTINGS = echo_settings(threads=THREADS, body_timeout=DEADLINE, header_timeout=DEADLINE)
TRICKLE_INTERVAL = 0.3  # seconds between the bytes a slow client sends


class Trickler(threading.Thread):
    """A client that sends ``head`` at once, then ``rest`` one byte at a time;
    it records what the server answered and when the server closed."""

    def __init__(self, server, head, rest):
        super().__init__(daemon=True)
        self.server, self.head, self.rest = server, head, rest
        self.reply, self.closed_after = b"", None

    def run(self):
        sock = socket.create_connection((self.server.host, self.server.port), timeout=15)
        started = time.monotonic()
        try:
            sock.sendall(self.head)
            for byte in self.rest:
                sock.sendall(bytes([byte]))
                time.sleep(TRICKLE_INTERVAL)
                if self._read(sock, block=False):
                    break
            else:
                self._read(sock, block=True)
        except OSError:  # reset by the server: closed too
            pass
        finally:
            self.closed_after = time.monotonic() - started
            sock.close()

    def _read(self, sock, block):
        """True once the server has closed its side."""
        sock.setblocking(block)
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return True
                self.reply += chunk
        except (BlockingIOError, socket.timeout):
            return False
        finally:
            sock.setblocking(True)


def normal_latencies(server, seconds):
    """Latency of a plain request every 0.2 s, for ``seconds``."""
    latencies = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        status = request(server, "GET", "/normal", timeout=20)[0]
        assert status == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.2)
    return latencies


def trickling(server, head, rest):
    """2 x threads slow clients, and normal requests meanwhile:
    (normal latencies, tricklers)."""
    tricklers = [Trickler(server, head, rest) for _ in range(2 * THREADS)]
    for trickler in tricklers:
        trickler.start()
    time.sleep(0.2)
    latencies = normal_latencies(server, 2 * DEADLINE + 1)
    for trickler in tricklers:
        trickler.join(20)
    return latencies, tricklers


BODY_HEAD = b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\n\r\n"
HEADER_LINE = b"GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 100 + b"\r\n\r\n"


def silent(server, data):
    """Send ``data``, then nothing: (reply, seconds until the server closed)."""
    with socket.create_connection((server.host, server.port), timeout=15) as sock:
        started = time.monotonic()
        sock.sendall(data)
        reply = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return reply, time.monotonic() - started
            reply += chunk


def silent_bodies(server):
    """As many silent bodies as there are threads, and a request meanwhile:
    (silent outcomes, latency of the request, status after)."""
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        stalled = [pool.submit(silent, server, b"POST /x HTTP/1.1\r\nHost: x\r\n"
                                                b"Content-Length: 10\r\n\r\n12345")
                   for _ in range(THREADS)]
        time.sleep(0.3)
        started = time.monotonic()
        assert request(server, "GET", "/others", timeout=20)[0] == 200
        latency = time.monotonic() - started
        outcomes = [future.result() for future in stalled]
    return outcomes, latency, request(server, "GET", "/after")[0]


@pytest.fixture(scope="module")
def outcomes(module_starter):
    """Every scenario at once, each on a server of its own, so the module
    takes as long as its longest scenario."""
    scenarios = {
        ("gunicorn", "bodies"): lambda server: trickling(server, BODY_HEAD, b"x" * 400),
        ("waitress", "bodies"): lambda server: trickling(server, BODY_HEAD, b"x" * 400),
        ("waitress", "headers"): lambda server: trickling(server, b"", HEADER_LINE),
        ("gunicorn", "silent body"): silent_bodies,
        ("waitress", "silent body"): silent_bodies,
        ("waitress", "silent headers"): lambda server: silent(
            server, b"GET /x HTTP/1.1\r\nHost: x\r\n"),
    }
    servers = {key: module_starter(key[0], SETTINGS) for key in scenarios}
    return at_once(lambda key: scenarios[key](servers[key]), {key: key for key in scenarios})


def test_trickled_bodies_are_cut_at_the_body_deadline(outcomes):
    """2 x threads clients send a 400-byte body a byte every 0.25 s.

    Every one is answered 408 and closed, however steadily it trickles.
    waitress reads bodies in its event loop, before the app: nobody else
    notices.  gunicorn reads a body in the thread that runs the app, so the
    slow clients take turns on the threads, ``threads`` at a time, each for
    at most the deadline; a normal request waits at most one turn per
    ``threads`` slow clients (here two), and the README says so, with the
    remedy: a buffering proxy in front.
    """
    for kind, waves in (("waitress", 1), ("gunicorn", 2)):
        latencies, tricklers = outcomes[kind, "bodies"]
        for trickler in tricklers:
            assert status_of(trickler.reply) == 408, (kind, trickler.reply[:80])
            assert b"Connection: close" in trickler.reply, kind
            assert DEADLINE <= trickler.closed_after < waves * DEADLINE + 1.5, \
                (kind, trickler.closed_after)
        if kind == "waitress":
            assert max(latencies) < 1.0, latencies
        else:
            assert max(latencies) < waves * DEADLINE + 1.0, latencies


def test_trickled_headers_are_cut_at_the_header_deadline_under_waitress(outcomes):
    """gunicorn has no deadline for reading headers (see the README); waitress does."""
    latencies, tricklers = outcomes["waitress", "headers"]
    for trickler in tricklers:
        assert status_of(trickler.reply) == 408, trickler.reply[:80]
        assert DEADLINE <= trickler.closed_after < DEADLINE + 1.5
    assert max(latencies) < 1.0, latencies


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_a_silent_body_gets_408_at_the_deadline_and_others_are_served(outcomes, kind):
    """Everyone else is answered: at once under waitress, within the deadline
    under gunicorn, whose threads the silent bodies hold."""
    stalled, latency, after = outcomes[kind, "silent body"]
    for reply, elapsed in stalled:
        assert status_of(reply) == 408 and b'"status": 408' in reply
        assert DEADLINE <= elapsed < DEADLINE + 1.5
    assert latency < (1.0 if kind == "waitress" else DEADLINE + 1.0)
    assert after == 200


def test_silent_headers_get_408_under_waitress(outcomes):
    reply, elapsed = outcomes["waitress", "silent headers"]
    assert status_of(reply) == 408
    assert DEADLINE <= elapsed < DEADLINE + 1.5
