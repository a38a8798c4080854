"""Request bodies over HTTP/2 without a Content-Length: HTTP/2 frames a body
itself (RFC 9113 section 8.1), so a client may send DATA frames and no
length.  The body reaches the app whole, and one that stops arriving is cut
at the body deadline, as a chunked one is over HTTP/1.1."""

import json
import socket
import ssl
import time

import h2.connection
import h2.events
import pytest
from tls_pki import client_context, tls_settings

pytestmark = pytest.mark.server

BODY_TIMEOUT = 1  # seconds: the deadline the silent upload must meet


@pytest.fixture(scope="module")
def server(module_starter, pki, tls_kind):
    return module_starter(tls_kind, tls_settings(pki, body_timeout=BODY_TIMEOUT))


def exchange(port, pki, headers, chunks, end=True, wait=10.0):
    """Send one request on a fresh HTTP/2 connection: (status, body, whether
    the server ended the connection), reading until the stream or the
    connection ends or ``wait`` seconds pass."""
    context = client_context(pki, alpn=("h2",))
    raw = socket.create_connection(("127.0.0.1", port), timeout=wait)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
        connection = h2.connection.H2Connection()
        connection.initiate_connection()
        base = [(":method", "POST"), (":path", "/echo/h2"), (":scheme", "https")]
        connection.send_headers(1, [*base, (":authority", "127.0.0.1"), *headers])
        for index, chunk in enumerate(chunks):
            connection.send_data(1, chunk, end_stream=end and index == len(chunks) - 1)
        sock.sendall(connection.data_to_send())
        status, body, ended = None, b"", False
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except (TimeoutError, ssl.SSLError, OSError):
                break
            if not data:
                ended = True
                break
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    status = int(dict(event.headers)[b":status"])
                elif isinstance(event, h2.events.DataReceived):
                    body += event.data
                    connection.acknowledge_received_data(len(event.data), 1)
                elif isinstance(event, h2.events.StreamEnded):
                    return status, body, ended
                elif isinstance(event, h2.events.ConnectionTerminated):
                    return status, body, True
            sock.sendall(connection.data_to_send())
        return status, body, ended


def test_a_body_without_content_length_reaches_the_echo_whole(server, pki):
    chunks = [b'{"parts": ', b"[1, 2, 3]", b"}"]
    headers = [("content-type", "application/json")]
    status, body, _ = exchange(server.port, pki, headers, chunks)
    answer = json.loads(body)
    assert status == 200 and answer["http_version"] == "2"
    assert answer["json"] == {"parts": [1, 2, 3]} and answer["body"] == '{"parts": [1, 2, 3]}'


def test_a_request_that_ends_with_its_headers_has_no_body(server, pki):
    status, body, _ = exchange(server.port, pki, [], [b""])
    assert status == 200 and json.loads(body)["body"] == ""


def test_a_body_that_stops_arriving_is_cut_at_the_deadline(server, pki):
    started = time.monotonic()
    status, body, _ = exchange(server.port, pki, [], [b"half a bo"], end=False)
    elapsed = time.monotonic() - started
    assert status == 408 and json.loads(body)["limit"] == BODY_TIMEOUT
    # The deadline, with room for a loaded machine; never the 10 s read timeout.
    assert BODY_TIMEOUT - 0.5 <= elapsed < BODY_TIMEOUT + 3
