"""Connections held on purpose never stall anyone else: hundreds of slow
routes and streams under gunicorn's gevent worker, a bound with a 503 where
every request holds a thread, a graceful stop with requests in flight, and
the connections of a stopping or confused server closed with an answer.

Every load here is bounded in count and time and stops by itself; the
servers run on loopback, one module's worth at once.
"""

import concurrent.futures
import select
import selectors
import signal
import socket
import time

import pytest

from conftest import SERVERS, THREADED, echo_settings, run_cli, settings_text
from wsgi_echo.testing import procfs
from wsgi_echo.testing.clients import Connection, at_once, message, request, status_of
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

GEVENT = "gunicorn-gevent"
HELD_AND_ECHO = settings_text(
    server={"workers": 1, "threads": 4, "timeout": 10},
    routes={"/echo": "echo", "/httpbin": "httpbin"},
    log={"access_log": ""},
)


@pytest.fixture(scope="module")
def gevent_server(module_starter):
    return module_starter(GEVENT, HELD_AND_ECHO)


def held(server, target, count):
    """``count`` connections that each send a GET of ``target`` now; read later."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((server.host, server.port), timeout=15)
        sock.sendall(message("GET", target))
        sockets.append(sock)
    return sockets


def replies(sockets):
    """What each held connection was answered, read until the server closed
    it, all at once, each closed as its answer ends, as a client per
    connection would (read one after another, a connection the server
    finishes first would wait for its reader: a server lingers up to 2 s
    on each close for the client's)."""
    answers = {sock: b"" for sock in sockets}
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        while selector.get_map():
            events = selector.select(timeout=sockets[0].gettimeout())
            assert events, "no answer came for %gs" % sockets[0].gettimeout()
            for key, _ in events:
                chunk = key.fileobj.recv(65536)
                answers[key.fileobj] += chunk
                if not chunk:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
    return [answers[sock] for sock in sockets]


def ordinary_latencies(server, count):
    """``count`` echo GETs one after another: the seconds each took."""
    latencies = []
    for number in range(count):
        started = time.monotonic()
        assert request(server, "GET", "/echo/ordinary/%d" % number, timeout=10)[0] == 200
        latencies.append(time.monotonic() - started)
    return latencies


def test_200_held_delays_leave_ordinary_requests_answered_at_once_under_gevent(gevent_server):
    """One worker, 200 requests of /httpbin/delay/2 in flight: each ordinary
    GET meanwhile takes under a second (in practice milliseconds), and every
    delay is answered at its time (bounds: 1 s of slack, for a loaded machine)."""
    started = time.monotonic()
    sockets = held(gevent_server, "/httpbin/delay/2", 200)
    latencies = ordinary_latencies(gevent_server, 10)
    assert time.monotonic() - started < 2.0, "the ordinary requests outlasted the delays"
    assert max(latencies) < 1.0, latencies
    answers = replies(sockets)
    assert [status_of(answer) for answer in answers] == [200] * 200
    assert time.monotonic() - started < 3.0


def test_100_sse_listeners_each_get_every_event_under_gevent(gevent_server):
    sockets = held(gevent_server, "/httpbin/sse?count=3&duration=1", 100)
    latencies = ordinary_latencies(gevent_server, 5)
    assert max(latencies) < 1.0, latencies
    for answer in replies(sockets):
        assert status_of(answer) == 200
        assert answer.count(b"event: ping\n") == 3, answer[-200:]


@pytest.mark.parametrize("kind", SERVERS)
def test_held_requests_past_held_requests_get_503_with_retry_after(start_server, kind):
    """``held_requests = 2``: a third delayed request is refused at once, under
    every runner, and the two others are answered."""
    server = start_server(kind, echo_settings(held_requests=2))

    def delayed(_):
        return request(server, "GET", "/held", headers={"X-Echo-Delay": "1500"}, timeout=10)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(delayed, range(3)))
    refused = [answer for answer in answers if answer[0] == 503]
    assert sorted(answer[0] for answer in answers) == [200, 200, 503]
    assert refused[0][1]["Retry-After"] == "1"
    assert b"wait on purpose" in refused[0][2]
    assert time.monotonic() - started < 3.0
    # Each slot is given back once its answer is sent.
    assert request(server, "GET", "/again", headers={"X-Echo-Delay": "10"})[0] == 200


def test_by_default_a_thread_per_request_keeps_a_quarter_of_its_threads_free(start_server):
    """threads = 4: three requests may wait on purpose at once (slow bodies of
    2 s, known to be running once their heads have come); a fourth is 503,
    and an ordinary request meanwhile is answered at once by the thread left
    for it."""
    settings = settings_text(
        server={"workers": 1, "threads": 4}, routes={"/echo": "echo", "/httpbin": "httpbin"}
    )
    servers = {kind: start_server(kind, settings) for kind in THREADED}

    def check(server):
        slow = [Connection(server, timeout=10) for _ in range(3)]
        try:
            for connection in slow:
                connection.send(message("GET", "/httpbin/fault/slow?bytes=2&rate=1"))
                connection.wait_for_head()
            # A fourth request that would wait (1 ms) is refused, now.
            fourth = request(server, "GET", "/echo/held", headers={"X-Echo-Delay": "1"})
            started = time.monotonic()
            assert request(server, "GET", "/echo/ordinary")[0] == 200
            ordinary = time.monotonic() - started
            return fourth[0], ordinary, [connection.read_response().status for connection in slow]
        finally:
            for connection in slow:
                connection.close()

    for kind, (fourth, ordinary, statuses) in at_once(check, servers).items():
        assert fourth == 503, kind
        assert ordinary < 1.0, (kind, ordinary)  # at once; the bound allows a loaded machine
        assert statuses == [200, 200, 200], kind


# The line each runner logs as it takes SIGTERM (gunicorn's arbiter, before
# it signals its worker); waitress logs none.
TAKES_SIGTERM = {
    "gunicorn": "Handling signal: term",
    "gunicorn-gevent": "Handling signal: term",
    "waitress": None,
}


@pytest.mark.parametrize("kind", SERVERS)
def test_sigterm_with_held_requests_answers_them_and_exits_within_the_timeout(start_server, kind):
    """timeout = 10: three requests of /httpbin/delay/3 in flight when SIGTERM
    comes: the server stops accepting while they are still in flight (its
    listening socket is closed, so a new connection is refused rather than
    left in a backlog no one reads), then answers them, and exits 0 well
    within the graceful timeout.

    When it stops accepting differs by runner: gthread's worker and waitress
    close their listening socket as they take the signal, gevent's worker at
    its next look at the signal, within a second, answering until then.  No
    runner logs that moment, so the test watches the socket (in /proc)."""
    server = start_server(kind, HELD_AND_ECHO)
    sockets = held(server, "/httpbin/delay/3", 3)
    # They are in: a request sent after them is answered first.
    assert request(server, "GET", "/echo/in")[0] == 200
    logged = len(server.log())
    started = time.monotonic()
    server.signal(signal.SIGTERM)
    if TAKES_SIGTERM[kind]:
        wait_for(lambda: TAKES_SIGTERM[kind] in server.log()[logged:], what=TAKES_SIGTERM[kind])
    wait_for(
        lambda: not procfs.sockets(server.port, procfs.LISTEN),
        timeout=3,
        what="port %d to stop listening" % server.port,
    )
    answered, _, _ = select.select(sockets, [], [], 0)
    assert answered == [], "a held request was answered before the server stopped accepting"
    assert [status_of(answer) for answer in replies(sockets)] == [200, 200, 200]
    assert server.wait(timeout=10) == 0
    # The time is the thing tested: the delays' 3 s, and the exit well
    # within the 10 s timeout (the bound allows a loaded machine).
    assert time.monotonic() - started < 6.0


@pytest.mark.parametrize("kind", SERVERS)
def test_a_malformed_chunk_is_400_with_connection_close_and_the_connection_ends(start_server, kind):
    server = start_server(kind, echo_settings())
    with Connection(server) as connection:
        connection.send(
            b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"zz\r\nab\r\n0\r\n\r\n"  # "zz": not a chunk size
            + message("GET", "/next", close=False)
        )
        answer = connection.read_all()
        assert status_of(answer) == 400
        head = answer.split(b"\r\n\r\n", 1)[0].lower()
        assert b"connection: close" in head and b"keep-alive" not in head
        assert connection.closed and b"/next" not in answer


def test_gevent_under_waitress_is_refused_in_one_line(ini):
    result = run_cli(
        "--config", ini("[routes]\n/ = echo\n"), "--server", "waitress", "--worker-class", "gevent"
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wsgi-echo: command line: [server] worker_class = gevent: waitress runs gthread "
        "only; gevent is for server = gunicorn"
    ]
