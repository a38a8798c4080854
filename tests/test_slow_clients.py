"""Slow and silent clients get 408 and a closed connection at deadlines that
trickling bytes cannot reset, while everyone else is still served.

Deadlines here are short (``body_timeout`` and ``header_timeout`` of 2 s,
2 threads), so each test stops by itself within seconds.  Both servers run
the same scenario at the same time: every runner for bodies, and those
with a header deadline (``contract.HEADER_DEADLINE``) for headers.
"""

import time

import pytest

from conftest import SERVERS, echo_settings
from wsgi_echo.servers import able
from wsgi_echo.servers.contract import HEADER_DEADLINE
from wsgi_echo.testing.clients import at_once, request, status_of
from wsgi_echo.testing.trickle import Trickler

pytestmark = pytest.mark.server

THREADS = 2
DEADLINE = 2
SETTINGS = echo_settings(threads=THREADS, body_timeout=DEADLINE, header_timeout=DEADLINE)
# Seconds between the bytes a slow client sends: its slowness, the thing tested.
TRICKLE_INTERVAL = 0.3
HEADS_TIMED = able(HEADER_DEADLINE)
# gunicorn's gthread worker reads a body in the thread that runs the app: the
# slow clients take turns on its threads, in two waves here.  Every other
# runner reads them where they cost no thread: one wave, nobody else waits.
WAVES = {"gunicorn": 2}


def normal_latencies(server, seconds):
    """Latency of a plain request every 0.2 s, for ``seconds``."""
    latencies = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        status = request(server, "GET", "/normal", timeout=20)[0]
        assert status == 200
        latencies.append(time.monotonic() - started)
        time.sleep(0.2)  # paces the normal requests over the span: load, not a wait
    return latencies


def trickling(server, head, rest):
    """2 x threads slow clients, and normal requests meanwhile:
    (normal latencies, the slow connections)."""
    with Trickler(
        server, head, rest, count=2 * THREADS, interval=TRICKLE_INTERVAL, cap=20
    ) as tricklers:
        assert tricklers.sending.wait(10), "the slow clients never sent a byte"
        latencies = normal_latencies(server, 2 * DEADLINE + 1)
        tricklers.join(20)
    return latencies, tricklers.connections


BODY_HEAD = b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\n\r\n"
HEADER_LINE = b"GET /slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"y" * 100 + b"\r\n\r\n"


def outcomes_of(clients):
    """(reply, seconds until the server closed) of each slow client."""
    return [(client.reply, client.closed_after) for client in clients.connections]


def silent(server, data):
    """A client that sends ``data``, then nothing: (reply, seconds until the
    server closed)."""
    with Trickler(server, data, b"", cap=15) as client:
        client.join(15)
    return outcomes_of(client)[0]


SILENT_BODY = b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"
# A chunk size no body will reach (2**96 bytes), then silence.
ENDLESS_CHUNK = (
    b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\n"
)


def silent_bodies(server):
    """As many silent bodies as there are threads, and a request meanwhile:
    (silent outcomes, latency of the request, status after)."""
    with Trickler(server, SILENT_BODY, b"", count=THREADS, cap=15) as stalled:
        # Their heads are sent (the Trickler sends them as it starts).
        started = time.monotonic()
        assert request(server, "GET", "/others", timeout=20)[0] == 200
        latency = time.monotonic() - started
        stalled.join(15)
    return outcomes_of(stalled), latency, request(server, "GET", "/after")[0]


@pytest.fixture(scope="module")
def outcomes(module_starter):
    """Every scenario at once, each on a server of its own, so the module
    takes as long as its longest scenario."""
    every = {
        "bodies": lambda server: trickling(server, BODY_HEAD, b"x" * 400),
        "silent body": silent_bodies,
        "endless chunk": lambda server: silent(server, ENDLESS_CHUNK),
    }
    timed_heads = {
        "headers": lambda server: trickling(server, b"", HEADER_LINE),
        "silent headers": lambda server: silent(server, b"GET /x HTTP/1.1\r\nHost: x\r\n"),
    }
    scenarios = {(kind, name): run for kind in SERVERS for name, run in every.items()}
    scenarios.update(
        {(kind, name): run for kind in HEADS_TIMED for name, run in timed_heads.items()}
    )
    servers = {key: module_starter(key[0], SETTINGS) for key in scenarios}
    return at_once(lambda key: scenarios[key](servers[key]), {key: key for key in scenarios})


def test_trickled_bodies_are_cut_at_the_body_deadline(outcomes):
    """2 x threads clients send a 400-byte body a byte every 0.3 s.

    Every one is answered 408 and closed, however steadily it trickles.
    waitress reads bodies in its event loop, before the app: nobody else
    notices.  gunicorn reads a body in the thread that runs the app, so the
    slow clients take turns on the threads, ``threads`` at a time, each for
    at most the deadline; a normal request waits at most one turn per
    ``threads`` slow clients (here two), and the README says so, with the
    remedy: a buffering proxy in front.
    """
    for kind in SERVERS:
        waves = WAVES.get(kind, 1)
        latencies, tricklers = outcomes[kind, "bodies"]
        for trickler in tricklers:
            assert status_of(trickler.reply) == 408, (kind, trickler.reply[:80])
            assert b"Connection: close" in trickler.reply, kind
            assert DEADLINE <= trickler.closed_after < waves * DEADLINE + 1.5, (
                kind,
                trickler.closed_after,
            )
        if waves == 1:
            assert max(latencies) < 1.0, latencies
        else:
            assert max(latencies) < waves * DEADLINE + 1.0, latencies


@pytest.mark.parametrize("kind", HEADS_TIMED)
def test_trickled_headers_are_cut_at_the_header_deadline(outcomes, kind):
    """gunicorn's gthread worker has no deadline for reading headers (see
    docs/servers.md); waitress and the gevent worker do."""
    latencies, tricklers = outcomes[kind, "headers"]
    for trickler in tricklers:
        assert status_of(trickler.reply) == 408, trickler.reply[:80]
        assert DEADLINE <= trickler.closed_after < DEADLINE + 1.5
    assert max(latencies) < 1.0, latencies


@pytest.mark.parametrize("kind", SERVERS)
def test_a_silent_body_gets_408_at_the_deadline_and_others_are_served(outcomes, kind):
    """Everyone else is answered: at once where a silent body costs no thread,
    within the deadline under gthread, whose threads the silent bodies hold."""
    stalled, latency, after = outcomes[kind, "silent body"]
    for reply, elapsed in stalled:
        assert status_of(reply) == 408 and b'"status": 408' in reply
        assert DEADLINE <= elapsed < DEADLINE + 1.5
    assert latency < (1.0 if WAVES.get(kind, 1) == 1 else DEADLINE + 1.0)
    assert after == 200


@pytest.mark.parametrize("kind", HEADS_TIMED)
def test_silent_headers_get_408(outcomes, kind):
    reply, elapsed = outcomes[kind, "silent headers"]
    assert status_of(reply) == 408
    assert DEADLINE <= elapsed < DEADLINE + 1.5


@pytest.mark.parametrize("kind", SERVERS)
def test_a_chunk_size_no_body_will_reach_gets_408_at_the_body_deadline(outcomes, kind):
    """Answered at the body deadline like any body that does not arrive (as
    the README says), rather than waited on for as long as the size says."""
    reply, elapsed = outcomes[kind, "endless chunk"]
    assert status_of(reply) == 408 and b"Connection: close" in reply
    assert DEADLINE <= elapsed < DEADLINE + 1.5
