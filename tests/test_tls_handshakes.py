"""The TLS port under the gunicorn runners: a connection that does not shake
hands in time is closed at ``header_timeout``, a plain-HTTP client that
trickles its request does not hold a thread past the refusal's own bound,
and TLS sessions resume (one SSL context per worker process).  Real server
processes; certificates from tests/tls_pki.py.
"""

import socket
import threading
import time

import pytest
from tls_pki import client_context, get, tls_settings

from conftest import TLS_RUNNERS
from wsgi_echo.servers import selection
from wsgi_echo.testing.clients import at_once

pytestmark = pytest.mark.server

HEADER_TIMEOUT = 1  # seconds
KEEPALIVE = 2  # seconds
# How long gunicorn's gthread worker waits for a new connection's first byte
# in a thread before it hands the connection to its poller
# (gunicorn.workers.gthread.DEFAULT_WORKER_DATA_TIMEOUT): a silent
# connection there never reaches the TLS layer, and is closed by gthread's
# own bound, that wait and then ``keepalive``.
GTHREAD_FIRST_BYTE_WAIT = 5.0
MARGIN = 1.5  # seconds of scheduling slack on a busy two-core machine
TRICKLE_EVERY = 0.3  # seconds between the bytes of a trickled ClientHello
GIVE_UP = 12.0  # seconds: a connection still open then was never going to be closed


def seconds_until_closed(port, opening=b"", trickle=False):
    """Connect, send ``opening`` (then, with ``trickle``, one more byte every
    TRICKLE_EVERY seconds) and return how long the server took to close the
    connection, or None when it was still open after GIVE_UP seconds."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP) as sock:
        if opening:
            sock.sendall(opening)
        sock.settimeout(TRICKLE_EVERY if trickle else GIVE_UP)
        while time.monotonic() - started < GIVE_UP:
            try:
                if sock.recv(4096) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                try:
                    sock.sendall(b"\x01")
                except OSError:
                    return time.monotonic() - started
            except OSError:  # reset
                return time.monotonic() - started
        return None


# A TLS record header announcing a 512-byte handshake message (RFC 8446
# section 5.1): a ClientHello whose body never comes whole.
RECORD_HEADER = b"\x16\x03\x01\x02\x00"
STALLED = {
    "silent": (b"", False),
    "one byte": (b"\x16", False),
    "trickled ClientHello": (RECORD_HEADER + b"\x01", True),
}


@pytest.mark.parametrize("tls_runner", TLS_RUNNERS)
def test_a_connection_that_does_not_shake_hands_is_closed_at_the_header_deadline(
    start_server, pki, tls_runner
):
    server = start_server(
        tls_runner, tls_settings(pki, header_timeout=HEADER_TIMEOUT, keepalive=KEEPALIVE)
    )
    took = at_once(
        lambda stalled: seconds_until_closed(server.port, *stalled),
        {name: stalled for name, stalled in STALLED.items()},
    )
    bounds = {name: HEADER_TIMEOUT + MARGIN for name in STALLED}
    if selection(tls_runner)[1] == "gthread":
        bounds["silent"] = GTHREAD_FIRST_BYTE_WAIT + KEEPALIVE + MARGIN
    for name, seconds in took.items():
        assert seconds is not None and seconds <= bounds[name], (name, took)
    assert get(server, "/after", pki).status_code == 200
    log = server.log()
    assert "Traceback" not in log and "WARNING" not in log, log


def test_a_plain_http_trickler_does_not_hold_the_only_thread(start_server, pki):
    """gthread, one thread: the plain-HTTP refusal (a 400) takes two seconds
    at most, however slowly its client sends (plain_http.WAIT_SECONDS)."""
    server = start_server("gunicorn", tls_settings(pki, threads=1, header_timeout=HEADER_TIMEOUT))
    stop = threading.Event()
    opened = threading.Event()

    def trickle():
        with socket.create_connection(("127.0.0.1", server.port), timeout=1) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            opened.set()
            while not stop.wait(0.2):
                try:
                    sock.sendall(b"X")
                except OSError:
                    return

    trickler = threading.Thread(target=trickle)
    trickler.start()
    try:
        assert opened.wait(5)
        started = time.monotonic()
        assert get(server, "/meanwhile", pki).status_code == 200
        # The refusal's two seconds, then the request's own handshake.
        assert time.monotonic() - started < 2.0 + MARGIN
    finally:
        stop.set()
        trickler.join()


def resumed(port, pki):
    """Whether a second connection resumes the first one's TLS session."""
    context = client_context(pki, alpn=("http/1.1",))
    request = b"GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    session = None
    for _ in range(2):
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        with context.wrap_socket(raw, server_hostname="127.0.0.1", session=session) as sock:
            sock.sendall(request)
            while sock.recv(65536):  # the answer, and with it TLS 1.3's session tickets
                pass
            reused, session = sock.session_reused, sock.session
    return reused


@pytest.mark.parametrize("tls_runner", TLS_RUNNERS)
def test_a_tls_session_resumes(start_server, pki, tls_runner):
    server = start_server(tls_runner, tls_settings(pki))
    assert resumed(server.port, pki)
