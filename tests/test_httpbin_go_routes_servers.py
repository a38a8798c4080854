"""go-httpbin's routes under real gunicorn and waitress processes, over
HTTP/1.1: ``/jsonl`` and ``/sse`` spread over time and stopped when their
client hangs up, ``/upload`` streaming a body larger than memory should
hold (and its 413, 408 and a hung-up uploader), ``/trailers``' 501, and
the small routes answering as in-process.  HTTP/2 (trailers) is
``test_httpbin_go_routes_http2``."""

import hashlib
import json
import socket
import time

import pytest
from hostile_requests import FAULTS, HTTPBIN, ROUTE_5XX, fault_seen

from conftest import ACCESS_LINE, access_lines, settings_text
from wsgi_echo.testing.clients import Connection, at_once, message, raw, request, status_lines

pytestmark = pytest.mark.server

MIB = 1024 * 1024
UPLOAD_LIMIT = 40 * MIB
BODY_TIMEOUT = 3


@pytest.fixture(scope="module")
def servers(module_starter):
    return module_starter.both(
        settings_text(
            routes={"/": "httpbin"},
            server={
                "workers": 1,
                "threads": 4,
                # Every thread may hold a stream here: the hang-up test takes all four.
                "held_requests": 4,
                "max_request_bytes": 65536,
                "body_timeout": BODY_TIMEOUT,
            },
            httpbin={
                "max_upload_bytes": UPLOAD_LIMIT,
                "hostname_route": True,
                "env_route": True,
                # The fault routes among the hostile targets stall for 0 s.
                "max_fault_seconds": 0,
            },
        ),
        HTTPBIN_ENV_REGION="eu-west",
        HTTPBIN_ENV_API_TOKEN="planted-secret",
    )


def arrivals(server, path, pieces):
    """GET ``path``; (the head, and seconds from the request to the arrival
    of each of the body's first ``pieces`` newline-ended pieces)."""
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(message("GET", path))
        data, times = b"", []
        while len(times) < pieces:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            now = time.monotonic() - started
            times += [now] * (min(data.count(b"}\n"), pieces) - len(times))
        return data.partition(b"\r\n\r\n")[0].decode("latin-1").lower(), times


def spread_over(times, duration):
    """The pieces came over the stream's ``duration``, not together: the last
    the duration after the request (the server's pauses add up to it; 2% off
    for rounding), and at least half of it after the first (pieces sent
    together, or held back and sent at the end, would arrive together).  The
    upper bound for the last allows a loaded machine."""
    assert 0.98 * duration <= times[-1] < duration + 1.5, times
    assert times[-1] - times[0] >= duration / 2, times


def test_jsonl_lines_arrive_one_by_one(servers):
    def check(server):
        head, times = arrivals(server, "/jsonl?count=3&duration=1s", 3)
        assert "transfer-encoding: chunked" in head
        assert "content-type: application/x-ndjson; charset=utf-8" in head
        assert len(times) == 3
        spread_over(times, 1.0)

    at_once(check, servers)


def test_sse_with_jitter_still_ends_at_its_duration(servers):
    def check(server):
        _, times = arrivals(server, "/sse?count=5&duration=1s&jitter=1", 5)
        assert len(times) == 5
        spread_over(times, 1.0)

    at_once(check, servers)


@pytest.mark.parametrize("path", ["/jsonl?count=40&duration=2s", "/sse?count=40&duration=2s"])
def test_a_client_that_hangs_up_mid_stream_frees_its_thread(servers, path):
    """Four clients (one per server thread) hang up on a 2-second stream; the
    server's next write fails and it closes the stream, so the threads are
    free again long before the streams' end."""

    def hang_up(server):
        sock = socket.create_connection((server.host, server.port), timeout=5)
        sock.sendall(message("GET", path))
        assert b"200" in sock.recv(200)
        sock.close()

    def check(server):
        for _ in range(4):
            hang_up(server)
        started = time.monotonic()
        assert request(server, "GET", "/get", timeout=5)[0] == 200
        assert time.monotonic() - started < 1.0
        target = '"GET %s ' % path
        lines = [ACCESS_LINE.match(line) for line in access_lines(server.log, 4, containing=target)]
        assert max(int(line["millis"]) for line in lines) < 1000, server.log()[-2000:]

    at_once(check, servers)


def pages(count, size=MIB):
    """``count`` pages of ``size`` random-looking bytes, and their SHA-256."""
    page = hashlib.sha512(b"seed").digest() * (size // 64)
    digest = hashlib.sha256()
    for _ in range(count):
        digest.update(page)
    return [page] * count, digest.hexdigest()


def peak_memory(server, reset=False):
    """The largest peak resident size (VmHWM, kB) of the server's processes;
    ``reset``: first bring each peak down to its current size (Linux's
    ``clear_refs`` code 5), so an earlier test's peak does not hide this one's."""
    peaks = []
    for pid in server.pids():
        if reset:
            with open("/proc/%d/clear_refs" % pid, "w") as handle:
                handle.write("5")
        with open("/proc/%d/status" % pid) as handle:
            peaks += [int(line.split()[1]) for line in handle if line.startswith("VmHWM:")]
    return max(peaks)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_upload_streams_a_large_body_without_holding_it(servers, framing):
    body, digest = pages(32)

    def check(server):
        before = peak_memory(server, reset=True)
        headers = {"Content-Type": "application/octet-stream"}
        if framing == "content-length":
            headers["Content-Length"] = str(32 * MIB)
        # An iterable body without a length goes out chunked (http.client).
        status, _, answer = request(server, "POST", "/upload", iter(body), headers, timeout=30)
        assert status == 200, answer[:300]
        data = json.loads(answer)
        assert data["bytes_received"] == 32 * MIB and data["sha256"] == digest
        # Held whole, the body would raise the peak by 32 MiB; streamed, by
        # the pieces in flight (the bound leaves room for the allocator).
        assert peak_memory(server) - before < 12 * 1024

    at_once(check, servers)


def test_an_upload_over_its_limit_is_413(servers):
    body, _ = pages(UPLOAD_LIMIT // MIB + 1)

    def check(server):
        status, _, answer = request(server, "POST", "/upload", iter(body), timeout=30)
        assert status == 413 and json.loads(answer)["status"] == 413
        with Connection(server) as connection:  # a declared length: refused before the body
            connection.send(message("PUT", "/upload", [("Content-Length", UPLOAD_LIMIT + 1)]))
            response = connection.read_response()
        assert response.status == 413 and json.loads(response.body)["limit"] == UPLOAD_LIMIT

    at_once(check, servers)


def test_other_routes_keep_max_request_bytes(server):
    body = b"x" * 100000
    assert request(server, "POST", "/post", body)[0] == 413
    assert json.loads(request(server, "POST", "/upload", body)[2])["bytes_received"] == 100000
    # Refused from the declared length, before the body is sent: waitress,
    # which receives bodies itself, holds each to its route's limit too.
    with Connection(server, timeout=2) as connection:
        connection.send(message("POST", "/post", [("Content-Length", 100000)]))
        response = connection.read_response()
    assert response.status == 413 and json.loads(response.body)["limit"] == 65536


def test_a_slow_upload_is_408_at_the_body_deadline(servers):
    def check(server):
        with Connection(server, timeout=BODY_TIMEOUT + 5) as connection:
            started = time.monotonic()
            connection.send(message("POST", "/upload", [("Content-Length", 1000)], b"x" * 10))
            response = connection.read_response()
            waited = time.monotonic() - started
        assert response.status == 408 and json.loads(response.body)["status"] == 408
        assert BODY_TIMEOUT - 0.5 <= waited < BODY_TIMEOUT + 2

    at_once(check, servers)


def test_a_client_that_hangs_up_mid_upload_frees_its_thread(servers):
    def check(server):
        for _ in range(4):
            sock = socket.create_connection((server.host, server.port), timeout=5)
            sock.sendall(message("POST", "/upload", [("Content-Length", 20 * MIB)], b"x" * MIB))
            sock.close()
        started = time.monotonic()
        assert request(server, "GET", "/get", timeout=5)[0] == 200
        assert time.monotonic() - started < 1.0

    at_once(check, servers)


def test_trailers_over_http11_are_a_501_saying_why(server):
    status, _, answer = request(server, "GET", "/trailers?X-Check=1")
    assert status == 501 and "HTTP/1.1 connection" in json.loads(answer)["detail"]


def test_the_small_routes_answer_as_in_process(server):
    assert request(server, "GET", "/hostname")[2] == (
        b'{\n  "hostname": "%s"\n}\n' % socket.gethostname().encode()
    )
    assert json.loads(request(server, "GET", "/env")[2]) == {
        "env": {"HTTPBIN_ENV_REGION": "eu-west"}
    }
    assert request(server, "GET", "/base64/decode/aGk")[2] == b"hi"
    codes = {seed: request(server, "GET", "/unstable?seed=%d" % seed)[0] for seed in range(8)}
    assert codes == {seed: request(server, "GET", "/unstable?seed=%d" % seed)[0] for seed in codes}
    assert set(codes.values()) == {200, 500}
    assert "Traceback" not in server.log()  # a 500 asked for is an answer, not an error


def test_durations_with_units_wait_that_long(servers):
    def check(server):
        started = time.monotonic()
        assert request(server, "GET", "/delay/300ms")[0] == 200
        assert 0.3 <= time.monotonic() - started < 1.5

    at_once(check, servers)


def test_every_hostile_httpbin_target_is_answered_without_a_5xx(server):
    """The fuzz draws these targets now and then; here each gets a GET and a
    POST with a small chunked body, so every one reaches every server.  A
    fault route sends what it sends on purpose (``FAULTS``) instead."""
    body = b"5\r\nhello\r\n0\r\n\r\n"
    for target in HTTPBIN:
        path = target[len("/httpbin") :]
        allowed = ROUTE_5XX.get(target.partition("?")[0], set())
        fault = FAULTS.get(target.partition("?")[0])
        for method, headers, data in (
            ("GET", [], b""),
            ("POST", [("Transfer-Encoding", "chunked")], body),
        ):
            reply = raw(server, message(method, path, headers, data), timeout=5)
            if fault is not None:
                assert fault_seen(fault, reply), (method, target, reply[:300])
                continue
            statuses = status_lines(reply)
            assert statuses, (method, target, reply[:300])
            assert statuses[-1] < 500 or statuses[-1] in allowed, (method, target, reply[:300])
            assert b"Traceback" not in reply
