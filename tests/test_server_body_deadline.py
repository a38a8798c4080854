"""``body_timeout`` bounds the arrival of a request's body, not its answer:
once the body is read to its end, an answer that takes longer than the
deadline still keeps the connection, over HTTP/1.1 under every runner and
over HTTP/2 under the runners that serve it.  Real server processes.
"""

import socket
import time

import h2.connection
import h2.events
import pytest
from tls_pki import client_context, tls_settings

from conftest import TLS_RUNNERS, echo_settings
from wsgi_echo.testing.clients import Connection, message

pytestmark = pytest.mark.server

DEADLINE = 1  # body_timeout, seconds
# The answer's own wait: well past the body deadline, so a deadline still
# armed when it fires would cut the connection.
DELAY_MS = 2500
BODY = b"hello"


def test_a_slow_answer_to_a_quick_body_keeps_its_http11_connection(start_server, kind):
    server = start_server(kind, echo_settings(body_timeout=DEADLINE))
    with Connection(server, timeout=10) as connection:
        started = time.monotonic()
        connection.send(
            message(
                "POST",
                "/slow",
                [("Content-Length", str(len(BODY))), ("X-Echo-Delay", str(DELAY_MS))],
                BODY,
                close=False,
            )
        )
        first = connection.read_response()
        assert time.monotonic() - started >= DELAY_MS / 1000
        assert first.status == 200 and first.ending == "complete"
        assert first.headers.get("connection", "").lower() != "close", first.headers
        connection.send(message("GET", "/second", close=False))
        second = connection.read_response()
        assert second.status == 200 and b'"/second"' in second.body
    assert "Traceback" not in server.log()


def exchange_h2(sock, connection, stream_id, headers, body=b""):
    """One request on an open HTTP/2 connection: its :status, or None when
    the connection ended first."""
    connection.send_headers(stream_id, headers, end_stream=not body)
    sock.sendall(connection.data_to_send())
    if body:
        time.sleep(0.2)
        connection.send_data(stream_id, body, end_stream=True)
        sock.sendall(connection.data_to_send())
    status = None
    while True:
        try:
            data = sock.recv(65536)
        except OSError:
            return None
        if not data:
            return None
        for event in connection.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                status = int(dict(event.headers)[b":status"])
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                return status
            elif isinstance(event, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                return None
        pending = connection.data_to_send()
        if pending:
            sock.sendall(pending)


@pytest.mark.parametrize("tls_runner", TLS_RUNNERS)
def test_a_slow_answer_to_a_quick_body_keeps_its_http2_connection(start_server, pki, tls_runner):
    server = start_server(tls_runner, tls_settings(pki, body_timeout=DEADLINE))
    context = client_context(pki, alpn=("h2",))
    logged_before = len(server.log())
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        connection = h2.connection.H2Connection()
        connection.initiate_connection()
        base = [(":scheme", "https"), (":authority", "127.0.0.1")]
        slow = [
            (":method", "POST"),
            (":path", "/slow"),
            *base,
            ("content-length", str(len(BODY))),
            ("x-echo-delay", str(DELAY_MS)),
        ]
        started = time.monotonic()
        assert exchange_h2(sock, connection, 1, slow, BODY) == 200
        assert time.monotonic() - started >= DELAY_MS / 1000
        assert (
            exchange_h2(sock, connection, 3, [(":method", "GET"), (":path", "/next"), *base]) == 200
        )
    log = server.log()[logged_before:]
    assert "Traceback" not in log and "WARNING" not in log, log
