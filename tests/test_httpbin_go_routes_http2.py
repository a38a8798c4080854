"""go-httpbin's routes over HTTP/2, under a real gunicorn process with TLS
(a CA and certificate made at test time with trustme): ``/trailers`` sends
its trailers after the body, read by a plain h2 client; the same route
over HTTP/1.1 on the same port is a 501; ``/upload`` streams an HTTP/2
request body.  gunicorn is the runner with HTTP/2 (``contract.TRAILERS``
rides on it); waitress's 501 is in ``test_httpbin_go_routes_servers``."""

import hashlib
import json
import socket
import ssl

import h2.connection
import h2.events
import httpx
import pytest
import trustme

from conftest import settings_text
from wsgi_echo import servers as runners
from wsgi_echo.servers.contract import TRAILERS

pytestmark = pytest.mark.server

UPLOAD_LIMIT = 4 * 1024 * 1024


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    authority = trustme.CA()
    authority.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "server.pem")
    )
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    return folder


@pytest.fixture(scope="module")
def server(module_starter, ca):
    assert runners.supports("gunicorn", TRAILERS)
    pem = str(ca / "server.pem")
    return module_starter(
        "gunicorn",
        settings_text(
            server={"workers": 1, "threads": 4, "max_request_bytes": 65536},
            tls={"certfile": pem, "keyfile": pem, "http2": True},
            httpbin={"max_upload_bytes": UPLOAD_LIMIT},
            routes={"/": "httpbin"},
        ),
    )


def context(ca, alpn):
    tls = ssl.create_default_context(cafile=str(ca / "ca.pem"))
    tls.set_alpn_protocols(alpn)
    return tls


def h2_request(server, ca, method, path, body=b"", length=None):
    """One request on an HTTP/2 connection: (headers, body, trailers, the
    order the events came in), names and values as bytes.  ``length``: a
    Content-Length to declare instead of the body's, its data left unsent."""
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw,
        context(ca, ["h2"]).wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        assert sock.selected_alpn_protocol() == "h2"
        connection = h2.connection.H2Connection()
        connection.initiate_connection()
        stream = connection.get_next_available_stream_id()
        head = [(":method", method), (":path", path), (":scheme", "https")]
        length = len(body) if length is None else length
        head += [(":authority", "127.0.0.1"), ("content-length", str(length))]
        connection.send_headers(stream, head, end_stream=not length)
        if body:
            connection.send_data(stream, body, end_stream=True)
        sock.sendall(connection.data_to_send())
        headers, data, trailers, order = [], b"", [], []
        while "end" not in order:
            received = sock.recv(65536)
            assert received, "the server closed the connection"
            for event in connection.receive_data(received):
                if isinstance(event, h2.events.ResponseReceived):
                    headers, _ = event.headers, order.append("headers")
                elif isinstance(event, h2.events.DataReceived):
                    data += event.data
                    order.append("data")
                    connection.acknowledge_received_data(event.flow_controlled_length, stream)
                elif isinstance(event, h2.events.TrailersReceived):
                    trailers, _ = event.headers, order.append("trailers")
                elif isinstance(event, h2.events.StreamEnded):
                    order.append("end")
            sock.sendall(connection.data_to_send())
        return dict(headers), data, trailers, order


def test_trailers_arrive_after_the_body_over_http2(server, ca):
    headers, body, trailers, order = h2_request(
        server, ca, "POST", "/trailers?X-Check=abc&Server-Timing=app;dur=1", b"hello"
    )
    assert headers[b":status"] == b"200" and headers[b"trailer"] == b"X-Check, Server-Timing"
    assert trailers == [(b"x-check", b"abc"), (b"server-timing", b"app;dur=1")]
    assert order[0] == "headers" and order[-2:] == ["trailers", "end"] and "data" in order
    data = json.loads(body)
    assert data["data"] == "hello" and data["method"] == "POST"


def test_trailers_without_names_end_the_stream_plainly(server, ca):
    headers, body, trailers, order = h2_request(server, ca, "GET", "/trailers")
    assert headers[b":status"] == b"200" and b"trailer" not in headers
    assert trailers == [] and "trailers" not in order
    assert json.loads(body)["method"] == "GET"


def test_trailers_over_http11_on_the_same_port_are_501(server, ca):
    with httpx.Client(http2=False, verify=context(ca, ["http/1.1"]), timeout=10) as client:
        response = client.get("https://127.0.0.1:%d/trailers?X-Check=1" % server.port)
    assert response.http_version == "HTTP/1.1" and response.status_code == 501
    assert "HTTP/1.1 connection" in response.json()["detail"]


def test_upload_streams_an_http2_body_under_its_own_limit(server, ca):
    body = hashlib.sha512(b"h2").digest() * (1024 * 1024 // 64)  # 1 MiB, over max_request_bytes
    with httpx.Client(http2=True, verify=context(ca, ["h2"]), timeout=10) as client:
        url = "https://127.0.0.1:%d/upload" % server.port
        response = client.put(url, content=body)
        assert response.http_version == "HTTP/2" and response.status_code == 200
        data = response.json()
        assert data["bytes_received"] == len(body)
        assert data["sha256"] == hashlib.sha256(body).hexdigest()
    # Refused from its declared length, before a byte of it is read.
    headers, body, _, order = h2_request(server, ca, "POST", "/upload", length=UPLOAD_LIMIT + 1)
    assert headers[b":status"] == b"413" and json.loads(body)["limit"] == UPLOAD_LIMIT
    assert order[-1] == "end"
