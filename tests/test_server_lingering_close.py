"""A connection the server ends after a ``Connection: close`` answer is
closed gracefully (RFC 9112 section 9.6: half-closed, what the client still
sends drained, then closed), so unread request bytes never make the kernel
reset it and truncate the answer; and a client that then keeps its end open
stalls no one else.  gunicorn's gthread worker lingered on its event loop,
one such client after another, up to 2 s each (``thread_worker.py`` hands
the linger to ``lingering_close.py``).  Real server processes.
"""

import signal
import socket
import time

import pytest

from conftest import SERVERS, echo_settings
from wsgi_echo.servers.gunicorn.lingering_close import Closer
from wsgi_echo.testing.clients import Connection, message, request
from wsgi_echo.testing.procfs import ESTABLISHED, tcp_rows
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

GTHREAD = "gunicorn"
LIMIT = 300000  # max_request_bytes: a longer declared body is refused unread (413)
SETTINGS = echo_settings(max_request_bytes=LIMIT, timeout=10)
LINGER = 2.0  # gunicorn's, at most, on each lingering connection
LINGERING_CLIENTS = 5
LARGE = 200000  # an echoed body: more than the client's kernel takes unread
UNREAD = b"x" * 60000  # request bytes sent but not read: under the 64 KB drained at most


def server_side(server, sock):
    """(TCP state, inode) of the server's end of the client socket ``sock``
    (/proc/net/tcp), or (None, "0") once the kernel has let it go."""
    client_port = sock.getsockname()[1]
    for local, remote, state, inode in tcp_rows():
        if local == server.port and remote == client_port:
            return state, inode
    return None, "0"


def held_by_server(server, sock):
    """Whether the server still holds its end of ``sock`` open: a closed one,
    left to the kernel (FIN_WAIT2) or gone, has no inode."""
    return server_side(server, sock)[1] != "0"


def let_go(server, sock):
    """Wait for the server to close its end of ``sock``, within the linger."""
    wait_for(
        lambda: not held_by_server(server, sock),
        timeout=LINGER + 3,
        what="the server to close a lingering socket",
    )


def answered_and_kept_open(server, target, body=b"", headers=()):
    """A connection whose request says ``Connection: close``, its whole
    answer read; the client keeps its end open.  (Connection, Response)."""
    connection = Connection(server, timeout=15)
    connection.send(message("POST" if body else "GET", target, headers, body))
    response = connection.read_response()
    assert response.ending == "complete", response
    assert connection.closed_by_server(wait=5), "no end of the answer (FIN) came"
    return connection, response


@pytest.fixture(scope="module")
def servers(module_starter):
    return {kind: module_starter(kind, SETTINGS) for kind in SERVERS}


@pytest.mark.parametrize("kind", SERVERS)
def test_clients_that_keep_their_end_open_stall_no_one(servers, kind):
    """Five clients are answered with ``Connection: close`` and keep their
    sockets open: an ordinary request is still answered at once (gthread
    lingered on its loop 2 s on each: ~2 s to 10 s), and the server closes
    each lingering socket itself, after lingering, within about 2 s."""
    server = servers[kind]
    lingering = []
    try:
        for number in range(LINGERING_CLIENTS):
            connection = Connection(server, timeout=15)
            lingering.append(connection)
            connection.send(message("GET", "/linger/%d" % number))
        answered_at = []
        for connection in lingering:
            assert connection.read_response().status == 200
            answered_at.append(time.monotonic())
        started = time.monotonic()
        status = request(server, "GET", "/ordinary", timeout=15)[0]
        waited = time.monotonic() - started
        assert status == 200
        assert waited < 1.0, "an ordinary request waited %.2fs behind %d lingering clients" % (
            waited,
            LINGERING_CLIENTS,
        )
        for connection, answered in zip(lingering, answered_at, strict=True):
            let_go(server, connection.sock)
            assert time.monotonic() - answered < LINGER + 3
    finally:
        for connection in lingering:
            connection.close()


# gthread's only: gunicorn's gevent worker and waitress close at once, so
# the echo's end is lost to their RST (not fixed here).
@pytest.mark.parametrize(
    "request_bytes",
    [
        # An echo of 200 KB, more than the client's kernel takes unread.
        message("POST", "/large", [("Content-Length", "%d" % LARGE)], b"x" * LARGE) + UNREAD,
        # A refusal of a body far over the limit, sent but not read.
        message("POST", "/refused", [("Content-Length", "%d" % (LIMIT * 10))], UNREAD),
        b"NOT HTTP AT ALL\r\n\r\n" + UNREAD,  # 400
    ],
    ids=["echo-then-bytes", "413-body-unread", "400-then-bytes"],
)
def test_an_answer_is_whole_though_the_request_was_not_read(servers, request_bytes):
    """Request bytes the server never read are drained, not reset: the
    answer, read once the server is done writing it (no longer in
    ESTABLISHED), arrives whole, then the server's close.  Closed at once,
    with bytes unread, the socket would send RST, and what of the answer
    its kernel had not sent yet would be lost."""
    server = servers[GTHREAD]
    with Connection(server, timeout=15) as connection:
        connection.send(request_bytes)
        wait_for(
            lambda: server_side(server, connection.sock)[0] != ESTABLISHED,
            timeout=10,
            what="the server to end its answer",
        )
        response = connection.read_response()
        assert response.status in (200, 400, 413) and response.ending == "complete", (
            response.status,
            response.ending,
            len(response.body),
        )
        assert response.status != 200 or len(response.body) > LARGE
        assert connection.closed_by_server(wait=5)
        let_go(server, connection.sock)


def test_a_stop_closes_the_sockets_still_lingering(start_server):
    """SIGTERM with a client lingering (its request's body unread): the
    worker still exits cleanly, its answer whole, the socket closed."""
    server = start_server(GTHREAD, SETTINGS)
    connection, response = answered_and_kept_open(
        server, "/refused", UNREAD, [("Content-Length", "%d" % (LIMIT * 100))]
    )
    try:
        assert response.status == 413
        assert held_by_server(server, connection.sock)
        server.signal(signal.SIGTERM)
        assert server.wait(timeout=LINGER + 10) == 0
        assert not held_by_server(server, connection.sock)
    finally:
        connection.close()


def test_the_closer_lingers_on_a_bounded_number_of_sockets():
    """In-process: past ``most`` sockets lingering a socket is closed at once;
    a lingering one is closed at its client's close, or at its deadline;
    ``stop`` waits for them."""
    closer = Closer(linger=1.0, most=2)
    pairs = [socket.socketpair() for _ in range(4)]
    ours = [server_end for server_end, _ in pairs]
    try:
        for sock in ours[:3]:
            closer.close(sock)
        assert ours[2].fileno() == -1, "closed at once, past the bound"
        assert ours[0].fileno() >= 0 and ours[1].fileno() >= 0, "lingering"
        assert pairs[0][1].recv(1) == b"", "half-closed: the client has its end"
        pairs[0][1].close()
        wait_for(lambda: ours[0].fileno() == -1, timeout=5, what="a close at the client's")
        closer.close(ours[3])  # room again
        assert ours[3].fileno() >= 0
        wait_for(lambda: ours[1].fileno() == -1, timeout=5, what="a close at the deadline")
        closer.stop()
        assert ours[3].fileno() == -1
    finally:
        closer.stop()
        for pair in pairs:
            for sock in pair:
                sock.close()
