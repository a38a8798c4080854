"""HTTP/2 and TLS inspection under real gunicorn processes (certificates from
tests/tls_pki.py): ALPN picks h2 or HTTP/1.1 on one port, the echo reports
which and the TLS it ran over, client certificates are asked for, verified
and described, several streams share one HTTP/2 connection, and every app
works over h2.
"""

import asyncio
import gzip
import hashlib
import json
import socket

import h2.connection
import h2.events
import h2.exceptions
import httpx
import pytest
from tls_pki import client_context, get, tls_settings

from conftest import access_lines, settings_text

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "page.txt").write_bytes(b"0123456789" * 100)
    (root / "page.txt.gz").write_bytes(gzip.compress(b"0123456789" * 100))
    return root


@pytest.fixture(scope="module")
def servers(module_starter, pki, site, tls_kind):
    return {
        mode: module_starter(tls_kind, tls_settings(pki, mode, site=site))
        for mode in ("off", "optional", "required")
    }


# -- protocol negotiation ----------------------------------------------------------------


def test_http2_is_negotiated_by_alpn_and_reported_by_the_echo(servers, pki):
    response = get(servers["off"], "/echo/x", pki)
    assert response.http_version == "HTTP/2"
    data = response.json()
    assert data["http_version"] == "2" and data["scheme"] == "https"
    assert data["tls"]["alpn"] == "h2"


def test_an_http11_only_client_gets_http11_on_the_same_port(servers, pki):
    response = get(servers["off"], "/echo/x", pki, http2=False)
    assert response.http_version == "HTTP/1.1"
    assert response.json()["http_version"] == "1.1"
    assert response.json()["tls"]["alpn"] == "http/1.1"
    # A client that offers no ALPN at all is served HTTP/1.1 too.
    with socket.create_connection(("127.0.0.1", servers["off"].port), timeout=10) as raw:
        context = client_context(pki, alpn=None)
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"GET /echo/plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 200")
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["tls"]["alpn"] is None


def test_http2_off_offers_only_http11(start_server, tls_kind, pki):
    server = start_server(tls_kind, tls_settings(pki, http2=False))
    response = get(server, "/x", pki)
    assert response.http_version == "HTTP/1.1"
    assert response.json()["tls"]["alpn"] is None


def test_the_echo_over_http2_shows_only_the_headers_the_client_sent(servers, pki):
    headers = get(servers["off"], "/echo/x", pki).json()["headers"]
    assert "Version" not in headers  # gunicorn marks HTTP/2 with HTTP_VERSION
    sent = get(servers["off"], "/echo/x", pki, headers={"Version": "7"}).json()["headers"]
    assert sent["Version"] == "7"


def test_plain_http_has_a_null_tls_key(start_server, tls_kind):
    server = start_server(tls_kind, settings_text(routes={"/": "echo"}))
    response = httpx.get("http://127.0.0.1:%d/x" % server.port)
    assert response.json()["tls"] is None


# -- the tls object and client certificates ----------------------------------------------


def test_the_tls_object_describes_the_connection(servers, pki):
    tls = get(servers["off"], "/echo/x", pki).json()["tls"]
    assert tls["version"] in ("TLSv1.2", "TLSv1.3")
    assert tls["cipher"] and isinstance(tls["cipher"], str)
    assert tls["client_cert"] is None
    # SNI: the name the client asked for (none for an IP address, RFC 6066 section 3).
    assert tls["sni"] is None
    with httpx.Client(http2=True, verify=client_context(pki)) as client:
        by_name = client.get("https://localhost:%d/echo/x" % servers["off"].port).json()
    assert by_name["tls"]["sni"] == "localhost"


def test_an_optional_client_certificate_is_described_when_sent(servers, pki):
    absent = get(servers["optional"], "/echo/x", pki).json()["tls"]
    assert absent["client_cert"] is None
    cert = get(servers["optional"], "/echo/x", pki, cert="client").json()["tls"]["client_cert"]
    assert cert["subject"]["CN"] == "alice"
    assert cert["issuer"]["O"].startswith("trustme")
    assert cert["san"] == ["email:client@example.com"]
    assert cert["not_before"].endswith("Z") and cert["not_after"] > cert["not_before"]
    from cryptography import x509

    parsed = x509.load_pem_x509_certificate(pki["client_der"])
    assert int(cert["serial"], 16) == parsed.serial_number
    der = parsed.public_bytes(
        encoding=__import__(
            "cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]
        ).Encoding.DER
    )
    assert cert["sha256"] == hashlib.sha256(der).hexdigest()


@pytest.mark.parametrize("mode", ["optional", "required"])
def test_a_certificate_from_another_ca_ends_the_handshake(servers, pki, mode):
    # TLS 1.3: the server's refusal may meet the client already writing its request.
    failed = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
    with pytest.raises(failed):
        get(servers[mode], "/echo/x", pki, cert="outsider")
    assert get(servers[mode], "/echo/x", pki, cert="client").status_code == 200


def test_a_required_certificate_that_is_missing_ends_the_handshake(servers, pki):
    failed = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
    for http2 in (True, False):
        with pytest.raises(failed):
            get(servers["required"], "/echo/x", pki, http2=http2)
    # ... and the server is still serving.
    response = get(servers["required"], "/echo/x", pki, cert="client")
    assert response.status_code == 200
    assert response.json()["tls"]["client_cert"]["subject"]["CN"] == "alice"
    assert servers["required"].alive()


# -- HTTP/2 streams and the other apps -----------------------------------------------------


def test_several_streams_share_one_http2_connection(servers, pki):
    """Ten requests on one connection, sent before any answer is read; each
    answer carries its own stream's path."""
    context = client_context(pki, alpn=("h2",))
    with (
        socket.create_connection(("127.0.0.1", servers["off"].port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        assert sock.selected_alpn_protocol() == "h2"
        connection = h2.connection.H2Connection()
        connection.initiate_connection()
        streams = {}
        for number in range(10):
            stream_id = connection.get_next_available_stream_id()
            streams[stream_id] = "/echo/stream/%d" % number
            connection.send_headers(
                stream_id,
                [
                    (":method", "GET"),
                    (":path", streams[stream_id]),
                    (":scheme", "https"),
                    (":authority", "127.0.0.1"),
                ],
                end_stream=True,
            )
        sock.sendall(connection.data_to_send())
        bodies, ended = {stream: b"" for stream in streams}, set()
        while len(ended) < len(streams):
            data = sock.recv(65536)
            assert data, "the server closed the connection"
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.DataReceived):
                    bodies[event.stream_id] += event.data
                    connection.acknowledge_received_data(
                        event.flow_controlled_length, event.stream_id
                    )
                elif isinstance(event, h2.events.StreamEnded):
                    ended.add(event.stream_id)
            sock.sendall(connection.data_to_send())
    for stream_id, path in streams.items():
        answer = json.loads(bodies[stream_id])
        assert answer["path"] == path and answer["http_version"] == "2"


def test_concurrent_requests_from_an_http2_client_are_all_answered(servers, pki):
    async def many():
        async with httpx.AsyncClient(http2=True, verify=client_context(pki)) as client:
            return await asyncio.gather(
                *[
                    client.get("https://127.0.0.1:%d/echo/c/%d" % (servers["off"].port, number))
                    for number in range(20)
                ]
            )

    responses = asyncio.run(many())
    assert [response.json()["path"] for response in responses] == [
        "/echo/c/%d" % number for number in range(20)
    ]
    assert {response.http_version for response in responses} == {"HTTP/2"}


def test_static_files_over_http2_keep_validators_ranges_and_variants(servers, pki, site):
    server = servers["off"]
    whole = get(server, "/page.txt", pki)
    assert whole.http_version == "HTTP/2" and whole.content == b"0123456789" * 100
    etag = whole.headers["etag"]
    assert get(server, "/page.txt", pki, headers={"If-None-Match": etag}).status_code == 304
    part = get(
        server, "/page.txt", pki, headers={"Range": "bytes=5-14", "Accept-Encoding": "identity"}
    )
    assert part.status_code == 206 and part.content == b"5678901234"
    with httpx.Client(http2=True, verify=client_context(pki)) as client:
        raw = client.get(
            "https://127.0.0.1:%d/page.txt" % server.port, headers={"Accept-Encoding": "gzip"}
        )
        assert raw.headers["content-encoding"] == "gzip"
        assert raw.content == b"0123456789" * 100  # httpx decoded our .gz sibling


def test_the_access_log_shows_the_protocol(servers, pki):
    server = servers["off"]
    get(server, "/echo/log-h2", pki)
    get(server, "/echo/log-h1", pki, http2=False)
    lines = access_lines(server.log, 2, containing="/echo/log-")
    assert any('"GET /echo/log-h2 HTTP/2.0" 200' in line for line in lines), lines
    assert any('"GET /echo/log-h1 HTTP/1.1" 200' in line for line in lines), lines


def test_non_ascii_header_values_read_the_same_over_http2_and_http11(servers, pki):
    value = "café €".encode()
    for http2 in (True, False):
        response = get(servers["off"], "/echo/x", pki, http2=http2, headers={"X-A": value})
        assert response.status_code == 200
        assert response.json()["headers"]["X-A"] == "café €", http2
    response = get(servers["off"], "/echo/x?q=caf%C3%A9", pki)
    assert response.json()["query"] == {"q": "café"}


def test_plain_http_sent_to_the_https_port_gets_a_400_naming_the_https_url(servers, pki):
    from wsgi_echo.testing.clients import raw

    server = servers["off"]
    warnings_before = server.log().count("WARNING")
    reply = raw(server, b"GET /echo/x?a=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % server.port)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 400 Bad Request"
    assert b"Connection: close" in head
    assert json.loads(body)["detail"] == (
        "this port serves HTTPS, and the request was plain HTTP; use "
        "https://127.0.0.1:%d/echo/x?a=1" % server.port
    )
    # An HTTPS client on the same port still gets its answer, and the log has
    # no warning about a failed handshake (it used to: "[SSL: HTTP_REQUEST]").
    assert get(server, "/echo/after", pki).status_code == 200
    assert server.log().count("WARNING") == warnings_before
