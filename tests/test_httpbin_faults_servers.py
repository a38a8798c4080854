"""Each fault as real clients see it, under every runner, over HTTP/1.1:
requests, httpx and curl, the exception each raises (type and message) or
curl's exit status and message, written out as each gives them.  After
every fault the worker is the same process, a request on a fresh
connection is answered, and the server's log holds no traceback; other
connections are served meanwhile (a kept-alive one, and ordinary requests
while a stall is held).  HTTP/2 is ``test_httpbin_faults_http2``; the bounds
and the 501 without a runner, in-process, ``test_httpbin_faults``.
"""

import json
import socket
import time

import httpx
import pytest
import requests
from fault_clients import CLIENTS, READ_TIMEOUT, SEEN, SLOW, STALLED, fits

from conftest import access_lines, settings_text
from wsgi_echo.testing.clients import Connection, at_once, curl, message, request

pytestmark = [
    pytest.mark.server,
    pytest.mark.usefixtures("curl_required"),
]

FAULT_SECONDS = 3
HELD = 3


@pytest.fixture(scope="module")
def servers(module_starter):
    """Every runner, once its worker has answered a request (its processes
    are then all up)."""
    started = module_starter.both(
        settings_text(
            # Three requests that wait on purpose at a time, under every
            # runner: a fourth is refused with a 503 while three are held.
            server={"workers": 1, "threads": 4, "held_requests": HELD},
            routes={"/": "httpbin"},
            httpbin={"max_fault_seconds": FAULT_SECONDS},
        )
    )
    for server in started.values():
        assert request(server, "GET", "/get")[0] == 200
    return started


def as_seen_by(client, url, **timeouts):
    """What ``client`` reports for a GET of ``url``: (exception type, message),
    (curl's exit status, message), or the answer's status and body."""
    if client == "curl":
        status, _, said = curl(*(["--max-time", str(timeouts["total"])] if timeouts else []), url)
        return status, said
    try:
        if client == "requests":
            response = requests.get(url, timeout=timeouts.get("read", 10))
            return response.status_code, response.content
        response = httpx.get(url, timeout=httpx.Timeout(10, read=timeouts.get("read", 10)))
        return response.status_code, response.content
    except (requests.RequestException, httpx.HTTPError) as error:
        return type(error), str(error)


class Unharmed:
    """The server before a fault: its processes and how much it has logged,
    to check after that nothing else was touched."""

    def __init__(self, server):
        self.server, self.pids, self.logged = server, sorted(server.pids()), len(server.log())

    def check(self):
        server = self.server
        assert request(server, "GET", "/get?fresh=1")[0] == 200  # on a fresh connection
        assert sorted(server.pids()) == self.pids, "a worker died or was replaced"
        log = server.log()[self.logged :]
        assert "Traceback" not in log and "[ERROR]" not in log, log


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("fault", sorted(SEEN))
def test_each_fault_as_each_client_sees_it(servers, kind, fault, client):
    server = servers[kind]
    unharmed = Unharmed(server)
    assert as_seen_by(client, server.url + "/fault/" + fault) == SEEN[fault][client]
    unharmed.check()


def test_a_stall_is_a_read_timeout_to_each_client(servers):
    """A stall of 2 s, read with a timeout of half a second by each client in
    turn, under every runner at once; done when the three stalls have
    ended (their access lines)."""
    target = "/fault/stall?duration=2&for=timeouts"

    def check(server):
        unharmed = Unharmed(server)
        kind, message = STALLED["requests"]
        assert as_seen_by("requests", server.url + target, read=READ_TIMEOUT) == (
            kind,
            message.replace("port=N", "port=%d" % server.port),
        )
        seen = as_seen_by("httpx", server.url + target, read=READ_TIMEOUT)
        assert seen == STALLED["httpx"]
        status, said = as_seen_by("curl", server.url + target, total=READ_TIMEOUT)
        assert status == STALLED["curl"][0] and fits(STALLED["curl"][1], said), said
        access_lines(server.log, count=3, containing=target)
        unharmed.check()

    at_once(check, servers)


def test_a_slow_body_arrives_whole_at_its_rate_and_outlasts_a_total_timeout(servers):
    """400 bytes at 400 a second: a client reading with a half-second read
    timeout gets them all in a second (each read waits a hundredth); curl
    with a half-second limit on the whole transfer gives up partway.  Done
    when the server has ended the three (their access lines)."""
    target = "/fault/slow?bytes=400&rate=400&for=timeouts"

    def check(server):
        url = server.url + target
        unharmed = Unharmed(server)
        for client in ("requests", "httpx"):
            started = time.monotonic()
            assert as_seen_by(client, url, read=READ_TIMEOUT) == (200, b"*" * 400)
            # The bound above allows for a loaded machine.
            assert 0.95 <= time.monotonic() - started < 3.0, client
        status, said = as_seen_by("curl", url, total=READ_TIMEOUT)
        received = fits(SLOW["curl"][1], said)
        assert status == SLOW["curl"][0] and received, said
        assert 0 < int(received.group(2)) < 400, said
        access_lines(server.log, count=3, containing=target)
        unharmed.check()

    at_once(check, servers)


def test_other_requests_are_answered_at_once_while_stalls_are_held(servers):
    """Three stalls of 2 s on connections of their own: ordinary requests on
    other connections are answered at once, before the stalls end, which
    then answer."""
    target = "/fault/stall?duration=2&for=others"

    def check(server):
        stalled = [Connection(server, timeout=10) for _ in range(HELD)]
        try:
            started = time.monotonic()
            for connection in stalled:
                connection.send(message("GET", target))
            for number in range(5):
                begun = time.monotonic()
                assert request(server, "GET", "/get?n=%d" % number)[0] == 200
                assert time.monotonic() - begun < 0.5
            assert time.monotonic() - started < 2.0, "the ordinary requests waited for the stalls"
            for connection in stalled:
                answer = connection.read_response()
                document = {"fault": "stall", "seconds": 2.0}
                assert (answer.status, json.loads(answer.body)) == (200, document)
            assert time.monotonic() - started >= 2.0
            access_lines(server.log, count=HELD, containing=target)  # their slots given back
        finally:
            for connection in stalled:
                connection.close()

    at_once(check, servers)


def test_a_stall_and_a_slow_body_each_take_a_held_slot(servers):
    """With every slot (``held_requests``) taken by slow bodies, known to be
    running once their heads have come, a stall and another slow body are
    refused at once with a 503, as /delay is."""

    target = "/fault/slow?bytes=150&rate=100&for=slots"

    def check(server):
        slow = [Connection(server, timeout=10) for _ in range(HELD)]
        try:
            for connection in slow:
                connection.send(message("GET", target))
                connection.wait_for_head()
            for refused in ("/fault/stall?duration=1", "/fault/slow?bytes=10&rate=5"):
                begun = time.monotonic()
                status, headers, _ = request(server, "GET", refused)
                assert (status, headers["Retry-After"]) == (503, "1"), refused
                assert time.monotonic() - begun < 0.5, refused
            for connection in slow:
                assert connection.read_response().body == b"*" * 150
            access_lines(server.log, count=HELD, containing=target)  # their slots given back
        finally:
            for connection in slow:
                connection.close()

    at_once(check, servers)


def test_a_kept_alive_connection_is_served_on_through_every_fault(servers, kind):
    """Each fault on a connection of its own, while one kept-alive connection
    asks between them: it is answered each time, on the same connection."""
    server = servers[kind]
    unharmed = Unharmed(server)
    with Connection(server, timeout=10) as kept:
        for fault in sorted(SEEN):
            assert (
                as_seen_by("requests", server.url + "/fault/" + fault) == (SEEN[fault]["requests"])
            )
            kept.send(message("GET", "/get?after=" + fault, close=False))
            assert kept.read_response().status == 200
            assert not kept.closed
    unharmed.check()


def test_a_reset_is_a_tcp_reset_not_an_orderly_close(servers, kind):
    """Below the clients: the reset ends the connection with RST (recv fails
    with ECONNRESET), where the close ends it with FIN (recv returns b"")."""
    server = servers[kind]
    for fault, ending in (("reset", ConnectionResetError), ("close", b"")):
        with socket.create_connection((server.host, server.port), timeout=5) as sock:
            sock.sendall(message("GET", "/fault/" + fault))
            try:
                got = sock.recv(1024)
            except ConnectionResetError as error:
                got = type(error)
            assert got == ending, fault


def test_the_malformed_answers_are_the_bytes_documented(servers, kind):
    server = servers[kind]
    for fault, sent in (
        (
            "bad-status-line",
            b"HTTP/1.1 2OO OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n",
        ),
        (
            "bad-chunk",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"6\r\nchunk \r\nnot-hex\r\nbroken\r\n",
        ),
    ):
        with Connection(server, timeout=5) as connection:
            connection.send(message("GET", "/fault/" + fault, close=False))
            assert connection.read_all() == sent and connection.closed, fault
