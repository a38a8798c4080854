"""The faults over HTTPS, under each runner that serves TLS and HTTP/2 itself
(a CA and certificates made at test time, ``tls_pki``).

Over HTTP/2 a connection carries other requests' streams: ``/fault/reset``
resets its stream alone (RST_STREAM, INTERNAL_ERROR), and the connection
goes on serving the next stream; ``/fault/truncate`` ends its stream short
of its ``content-length``; the faults that would close the connection or
break a framing HTTP/2 does not have are a 501 saying so.  httpx (with h2)
and curl, as each reports it.  HTTP/1.1 on the same port has every fault,
as over plain TCP (``test_httpbin_faults_servers``).
"""

import socket

import h2.connection
import h2.events
import h2.exceptions
import httpx
import pytest
from fault_clients import SEEN
from tls_pki import client_context

from conftest import settings_text
from wsgi_echo.testing.clients import curl

pytestmark = [
    pytest.mark.server,
    pytest.mark.usefixtures("curl_required"),
]

NOT_ON_A_STREAM = {
    "close": "closing the connection would end the other requests' streams on it; "
    "/fault/reset resets this stream alone",
    "bad-status-line": "HTTP/2 has no status line to break (the status is a header field)",
    "bad-chunk": "HTTP/2 has no chunked framing to break (RFC 9113 section 8.2.2)",
}


@pytest.fixture(scope="module")
def server(module_starter, tls_kind, pki):
    """The server, once its worker has answered a request: its processes are
    then all up, and what its start-up logged (the harness's check that the
    port accepts, a connection closed before any TLS handshake) is logged."""
    pem = pki["server"]
    started = module_starter(
        tls_kind,
        settings_text(
            server={"workers": 1, "threads": 4},
            tls={"certfile": pem, "keyfile": pem, "http2": True},
            routes={"/": "httpbin"},
        ),
    )
    httpx.get(url(started, "/get"), verify=client_context(pki), timeout=10).raise_for_status()
    return started


@pytest.fixture
def unharmed(server):
    """After the test: the same processes, and nothing more logged that is a
    traceback or an error (the log is read from the test's start)."""
    pids, logged = sorted(server.pids()), len(server.log())
    yield
    assert sorted(server.pids()) == pids, "a worker died or was replaced"
    log = server.log()[logged:]
    assert "Traceback" not in log and "[ERROR]" not in log, log


def curl_verified(pki, *args):
    """curl verifying with the test CA: (exit status, the HTTP status, what it said)."""
    return curl("-w", "%{http_code}", "--cacert", str(pki["ca"]), *args)


def url(server, path):
    return "https://127.0.0.1:%d%s" % (server.port, path)


def h2_streams(server, pki, paths):
    """GETs of ``paths``, one stream each, one after another on one HTTP/2
    connection: for each, ("reset", error code) or ("answer", status, body)."""
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw,
        client_context(pki, alpn=["h2"]).wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        connection = h2.connection.H2Connection()
        connection.initiate_connection()
        outcomes = []
        for path in paths:
            stream = connection.get_next_available_stream_id()
            head = [(":method", "GET"), (":path", path), (":scheme", "https")]
            head.append((":authority", "127.0.0.1"))
            connection.send_headers(stream, head, end_stream=True)
            sock.sendall(connection.data_to_send())
            status, body, outcome = None, b"", None
            while outcome is None:
                received = sock.recv(65536)
                assert received, "the server closed the connection"
                for event in connection.receive_data(received):
                    if isinstance(event, h2.events.ResponseReceived):
                        status = int(dict(event.headers)[b":status"])
                    elif isinstance(event, h2.events.DataReceived):
                        body += event.data
                        connection.acknowledge_received_data(event.flow_controlled_length, stream)
                    elif isinstance(event, h2.events.StreamReset):
                        outcome = ("reset", event.error_code)
                    elif isinstance(event, h2.events.StreamEnded):
                        outcome = ("answer", status, body)
                sock.sendall(connection.data_to_send())
            outcomes.append(outcome)
        return outcomes


def test_a_reset_resets_its_stream_and_the_connection_serves_the_next(server, pki, unharmed):
    first, second = h2_streams(server, pki, ["/fault/reset", "/get"])
    assert first == ("reset", h2.errors.ErrorCodes.INTERNAL_ERROR)
    assert second[:2] == ("answer", 200)


def test_a_reset_stream_as_httpx_and_curl_see_it(server, pki, unharmed):
    with httpx.Client(http2=True, verify=client_context(pki, alpn=["h2"]), timeout=10) as client:
        with pytest.raises(httpx.RemoteProtocolError) as raised:
            client.get(url(server, "/fault/reset"))
        assert str(raised.value) == "<StreamReset stream_id:1, error_code:2, remote_reset:True>"
        assert client.get(url(server, "/get")).http_version == "HTTP/2"
    assert curl_verified(pki, "--http2", url(server, "/fault/reset")) == (
        92,
        "000",
        "curl: (92) HTTP/2 stream 1 was not closed cleanly: INTERNAL_ERROR (err 2)",
    )


def test_a_truncated_stream_ends_short_of_its_length(server, pki, unharmed):
    """The stream ends (END_STREAM) after 50 of the 100 bytes its
    content-length promised: a malformed response (RFC 9113 section
    8.1.1), which h2 under httpx raises as it is, and curl resets."""
    with httpx.Client(http2=True, verify=client_context(pki, alpn=["h2"]), timeout=10) as client:
        with pytest.raises(h2.exceptions.InvalidBodyLengthError) as raised:
            client.get(url(server, "/fault/truncate"))
        assert str(raised.value) == "InvalidBodyLengthError: Expected 100 bytes, received 50"
    assert curl_verified(pki, "--http2", url(server, "/fault/truncate")) == (
        92,
        "200",
        "curl: (92) HTTP/2 stream 1 was not closed cleanly: PROTOCOL_ERROR (err 1)",
    )


@pytest.mark.parametrize("fault", sorted(NOT_ON_A_STREAM))
def test_faults_that_need_the_whole_connection_are_501_over_http2(server, pki, unharmed, fault):
    with httpx.Client(http2=True, verify=client_context(pki, alpn=["h2"]), timeout=10) as client:
        response = client.get(url(server, "/fault/" + fault))
    assert (response.http_version, response.status_code) == ("HTTP/2", 501)
    assert response.json()["detail"] == "/fault/%s needs an HTTP/1.x connection: %s" % (
        fault,
        NOT_ON_A_STREAM[fault],
    )
    assert curl_verified(pki, "--http2", url(server, "/fault/" + fault))[:2] == (0, "501")


def test_stall_and_slow_over_http2(server, pki, unharmed):
    verify = client_context(pki, alpn=["h2"])
    with httpx.Client(http2=True, verify=verify, timeout=httpx.Timeout(10, read=0.5)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(url(server, "/fault/stall?duration=1"))
        response = client.get(url(server, "/fault/slow?bytes=100&rate=200"))
        assert (response.http_version, response.content) == ("HTTP/2", b"*" * 100)


@pytest.mark.parametrize("fault", sorted(SEEN))
def test_every_fault_over_http11_on_the_tls_port(server, pki, unharmed, fault):
    """curl over HTTP/1.1 on the TLS port: as over plain TCP."""
    status, _, said = curl_verified(pki, "--http1.1", url(server, "/fault/" + fault))
    assert (status, said) == SEEN[fault]["curl"]
