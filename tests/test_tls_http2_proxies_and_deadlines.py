"""HTTP/2 and TLS settings under real servers (certificates from
tests/tls_pki.py): cleartext HTTP/2 is accepted from trusted proxies only,
waitress refuses TLS and HTTP/2 settings in one line, bad client-certificate
settings are refused, and a body trickled over TLS (HTTP/1.1 or HTTP/2)
gets its 408 at the body deadline.
"""

import socket
import ssl

import h2.connection
import h2.events
import h2.exceptions
import httpx
import pytest
from tls_pki import client_context, get, tls_settings

from conftest import run_cli, settings_text

pytestmark = pytest.mark.server

# -- cleartext HTTP/2 behind a proxy, and refusals -------------------------------------------


@pytest.mark.parametrize("trusted, version", [("127.0.0.1", "HTTP/2"), ("10.0.0.0/8", None)])
def test_cleartext_http2_is_accepted_from_trusted_proxies_only(
    start_server, tls_kind, trusted, version
):
    server = start_server(
        tls_kind,
        settings_text(
            proxy={"trusted": trusted, "http2_cleartext": "prior-knowledge"}, routes={"/": "echo"}
        ),
    )
    url = "http://127.0.0.1:%d/h2c" % server.port
    if version:
        with httpx.Client(http1=False, http2=True) as client:
            response = client.get(url)
        assert response.http_version == version and response.json()["http_version"] == "2"
    else:
        # An untrusted peer's preface is not HTTP/2 to this server: refused as HTTP/1.
        with httpx.Client(http1=False, http2=True) as client, pytest.raises(httpx.HTTPError):
            client.get(url)
        assert httpx.get(url).json()["http_version"] == "1.1"


@pytest.mark.parametrize(
    "section, key, value",
    [("tls", "certfile", None), ("proxy", "http2_cleartext", "prior-knowledge")],
)
def test_waitress_refuses_tls_and_http2_settings_in_one_line(ini, pki, section, key, value):
    if section == "tls":
        path = ini(tls_settings(pki))
        expected = "[tls] certfile = %s: waitress cannot serve HTTPS" % pki["server"]
    else:
        path = ini(settings_text(proxy={"trusted": "127.0.0.1", key: value}, routes={"/": "echo"}))
        expected = "[proxy] http2_cleartext = prior-knowledge: waitress cannot serve HTTP/2"
    result = run_cli("--config", path, "--server", "waitress")
    assert result.returncode == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "tls, error",
    [
        ({"client_cert": "required"}, "[tls] client_cert = required: needs certfile and keyfile"),
        (
            {"client_cert": "optional", "certfile": "SERVER", "keyfile": "SERVER"},
            '[tls] client_ca = "": client_cert = optional needs the CA bundle',
        ),
        (
            {
                "client_cert": "required",
                "client_ca": "SERVER_KEYLESS",
                "certfile": "SERVER",
                "keyfile": "SERVER",
            },
            "[tls] client_ca = ",
        ),
    ],
)
def test_bad_client_certificate_settings_are_refused(ini, pki, tmp_path, tls, error):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    values = {
        key: {"SERVER": pki["server"], "SERVER_KEYLESS": junk}.get(value, value)
        for key, value in tls.items()
    }
    result = run_cli("--config", ini(settings_text(tls=values, routes={"/": "echo"})))
    assert result.returncode == 2 and error in result.stderr


# -- the body deadline over TLS and HTTP/2 ------------------------------------------------

TRICKLE_EVERY = 0.4  # seconds between the slow client's bytes; the deadline is 1 s


def trickle_over_http11(port, pki):
    context = client_context(pki, alpn=("http/1.1",))
    with context.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="127.0.0.1"
    ) as sock:
        sock.sendall(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n")
        sock.settimeout(TRICKLE_EVERY)
        reply = b""
        for _ in range(40):
            try:
                sock.sendall(b"x")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except (ssl.SSLError, OSError):
                break
            if not chunk:
                break
            reply += chunk
        return reply


def trickle_over_http2(port, pki):
    """A body sent a byte at a time on one HTTP/2 stream: the :status the
    server answered with, and whether it then ended the connection."""
    import time

    context = client_context(pki, alpn=("h2",))
    with context.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="127.0.0.1"
    ) as sock:
        connection = h2.connection.H2Connection()
        connection.initiate_connection()
        connection.send_headers(
            1,
            [
                (":method", "POST"),
                (":path", "/slow"),
                (":scheme", "https"),
                (":authority", "127.0.0.1"),
                ("content-length", "50"),
            ],
        )
        sock.sendall(connection.data_to_send())
        sock.settimeout(0.1)
        status, ended = None, False
        deadline = time.monotonic() + 4
        next_byte = 0.0
        while time.monotonic() < deadline and not ended:
            if time.monotonic() >= next_byte:
                next_byte = time.monotonic() + TRICKLE_EVERY
                try:
                    connection.send_data(1, b"x")
                    sock.sendall(connection.data_to_send())
                except (ssl.SSLError, OSError, h2.exceptions.ProtocolError):
                    pass
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            except (ssl.SSLError, OSError):
                break
            ended = not data
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    status = dict(event.headers)[b":status"]
        return status, ended


def test_a_trickled_body_over_tls_gets_its_408_at_the_deadline(start_server, tls_kind, pki):
    """Over TLS the deadline still ends the read, and the 408 still reaches
    the client (HTTP/1.1), or ends the connection after it (HTTP/2)."""
    import time

    server = start_server(tls_kind, tls_settings(pki, body_timeout=1))
    started = time.monotonic()
    reply = trickle_over_http11(server.port, pki)
    assert reply.startswith(b"HTTP/1.1 408") and b"Connection: close" in reply
    assert 1.0 <= time.monotonic() - started < 3.0
    started = time.monotonic()
    assert trickle_over_http2(server.port, pki) == (b"408", True)
    assert 1.0 <= time.monotonic() - started < 3.0
    assert get(server, "/after", pki).status_code == 200


# -- handshakes that fail ------------------------------------------------------------------


def test_a_failed_or_abandoned_handshake_is_one_warning_at_most_never_a_traceback(
    start_server, tls_kind, pki
):
    server = start_server(tls_kind, tls_settings(pki))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass  # connects and goes: a port probe
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as garbage:
        garbage.sendall(b"\x16\x03\x01\xff\xffnot a ClientHello")
        garbage.settimeout(5)
        try:
            garbage.recv(100)  # the server ends the connection; what it sends does not matter
        except OSError:
            pass
    # Both are over once a real client is answered after them.
    assert get(server, "/echo/after", pki).status_code == 200
    log = server.log()
    assert "Traceback" not in log
    failures = [line for line in log.splitlines() if "handshake" in line.lower()]
    assert len(failures) <= 1, failures
