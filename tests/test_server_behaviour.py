"""Server behaviour from settings.ini, the same under real gunicorn and waitress:
threads, keep-alive and Connection: close, request limits, the access log,
TLS, trusted proxies and graceful shutdown.  Every test starts real server
processes from a temporary settings file and talks to them over sockets."""

import concurrent.futures
import http.client
import json
import os
import re
import signal
import socket
import ssl
import threading
import time

import pytest

from conftest import SERVERS, pure_echo_ini
from http_client import get_json, raw, request, status_of

pytestmark = pytest.mark.server

# One pattern for both servers: [date] client-ip "METHOD target" status ...
ACCESS_LINE = re.compile(
    r'^\[(?P<date>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'(?P<ip>[0-9a-fA-F.:]+) "(?P<method>[A-Z]+) (?P<target>\S+)" (?P<status>\d{3})( .*)?$')


@pytest.fixture(params=SERVERS)
def kind(request):
    return request.param


class Connection:
    """A raw keep-alive connection that reads one framed response at a time."""

    def __init__(self, server, timeout=10):
        self.sock = socket.create_connection((server.host, server.port), timeout=timeout)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def read_response(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", 0))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(lines[0].split()[1]), headers, body

    def closed_by_server(self, wait=3.0):
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(1) == b""
        except (socket.timeout, ConnectionResetError):
            return False

    def close(self):
        self.sock.close()


def get(path, extra=b""):
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: test\r\n" + extra + b"\r\n"


# -- threads ---------------------------------------------------------------------------

def timed_parallel(server, count, delay_ms):
    def one(_):
        return request(server, "GET", "/slow", headers={"X-Echo-Delay": str(delay_ms)})[0]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        statuses = list(pool.map(one, range(count)))
    assert statuses == [200] * count
    return time.monotonic() - started


def test_threads_let_that_many_slow_requests_run_at_once(start_server, kind):
    server = start_server(kind, pure_echo_ini().replace("threads = 4", "threads = 3"))
    delay = 0.6
    # Three delayed requests on three threads: about one delay, not three.
    assert timed_parallel(server, 3, int(delay * 1000)) < 2 * delay
    # Six on three threads need at least two rounds: the setting is what bounds it.
    assert timed_parallel(server, 6, int(delay * 1000)) >= 2 * delay


# -- keep-alive and Connection: close ------------------------------------------------

def test_several_requests_share_one_connection(start_server, kind):
    server = start_server(kind, pure_echo_ini("keepalive = 5"))
    connection = Connection(server)
    try:
        for number in range(5):
            connection.send(get("/ka/%d" % number))
            status, headers, body = connection.read_response()
            assert status == 200 and json.loads(body)["path"] == "/ka/%d" % number
            assert headers.get("connection", "keep-alive").lower() != "close"
        # Pipelined: three requests in one write, three answers in order.
        connection.send(get("/p/1") + get("/p/2") + get("/p/3"))
        paths = [json.loads(connection.read_response()[2])["path"] for _ in range(3)]
        assert paths == ["/p/1", "/p/2", "/p/3"]
    finally:
        connection.close()


def test_idle_keepalive_connection_lives_for_the_keepalive_seconds(start_server, kind):
    server = start_server(kind, pure_echo_ini("keepalive = 4"))
    connection = Connection(server)
    try:
        connection.send(get("/idle"))
        assert connection.read_response()[0] == 200
        # Still open after 2 s (gunicorn's own default would have closed it)...
        assert not connection.closed_by_server(wait=2.0)
        connection.send(get("/again"))
        assert connection.read_response()[0] == 200
        # ... and closed by the server once idle for the 4 s (waitress checks each second).
        started = time.monotonic()
        assert connection.closed_by_server(wait=8.0)
        assert time.monotonic() - started >= 3.0
    finally:
        connection.close()


def test_keepalive_zero_closes_after_every_response(start_server, kind):
    server = start_server(kind, pure_echo_ini("keepalive = 0"))
    connection = Connection(server)
    try:
        connection.send(get("/once"))
        status, headers, _ = connection.read_response()
        assert status == 200
        assert headers["connection"].lower() == "close"
        assert connection.closed_by_server()
    finally:
        connection.close()
    # Static files and errors too, not just the echo.
    status, headers, _ = request(server, "GET", "/x", headers={"X-Echo-Status": "nope"})
    assert status == 400 and headers["Connection"].lower() == "close"


def test_http10_without_keepalive_is_answered_and_closed(start_server, kind):
    server = start_server(kind, pure_echo_ini("keepalive = 5"))
    connection = Connection(server)
    try:
        connection.send(b"GET /old HTTP/1.0\r\nHost: test\r\n\r\n")
        status, _, body = connection.read_response()
        assert status == 200 and json.loads(body)["http_version"] == "1.0"
        assert connection.closed_by_server()
    finally:
        connection.close()


def test_client_connection_close_is_honoured(start_server, kind):
    server = start_server(kind, pure_echo_ini("keepalive = 5"))
    connection = Connection(server)
    try:
        connection.send(get("/bye", b"Connection: close\r\n"))
        status, headers, _ = connection.read_response()
        assert status == 200 and headers["connection"].lower() == "close"
        assert connection.closed_by_server()
    finally:
        connection.close()


# -- limits ---------------------------------------------------------------------------

LIMITS = pure_echo_ini("limit_request_line = 200\nlimit_request_fields = 10\n"
                       "limit_request_field_size = 300\nmax_request_bytes = 1000")


@pytest.fixture(scope="module")
def limited(module_starter):
    return {kind: module_starter(kind, LIMITS) for kind in SERVERS}


def test_long_request_line_is_414(limited, kind):
    server = limited[kind]
    reply = raw(server, b"GET /" + b"a" * 300 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_of(reply) == 414
    ok = raw(server, b"GET /" + b"a" * 150 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(ok) == 200


def test_too_many_header_fields_is_431(limited, kind):
    server = limited[kind]
    fields = b"".join(b"X-F%d: v\r\n" % n for n in range(12))
    assert status_of(raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")) == 431
    fields = b"".join(b"X-F%d: v\r\n" % n for n in range(8))
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + fields + b"\r\n")
    assert status_of(reply) == 200


def test_long_header_field_is_431(limited, kind):
    server = limited[kind]
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"v" * 400 + b"\r\n\r\n")
    assert status_of(reply) == 431
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Long: "
                + b"v" * 200 + b"\r\n\r\n")
    assert status_of(reply) == 200


def test_body_limit_is_413_under_both_servers(limited, kind):
    server = limited[kind]
    status, _, body = request(server, "POST", "/b", body=b"x" * 1001)
    assert status == 413 and json.loads(body)["limit"] == 1000
    head = b"POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    reply = raw(server, head + b"7d0\r\n" + b"y" * 2000 + b"\r\n0\r\n\r\n")
    assert status_of(reply) == 413 and b'"limit": 1000' in reply


def test_other_clients_are_served_while_one_misbehaves(limited, kind):
    server = limited[kind]
    slow = socket.create_connection((server.host, server.port), timeout=10)
    try:
        slow.sendall(b"GET /" + b"a" * 150)  # half a request line, left hanging
        assert request(server, "GET", "/meanwhile")[0] == 200
        slow.sendall(b"a" * 150 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_of(slow.recv(65536)) == 414
    finally:
        slow.close()
    assert request(server, "GET", "/after")[0] == 200
    assert server.alive()


# -- access log -----------------------------------------------------------------------

def wait_for_lines(read, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line for line in read().splitlines() if ACCESS_LINE.match(line)]
        if len(lines) >= count:
            return lines
        time.sleep(0.05)
    return [line for line in read().splitlines() if ACCESS_LINE.match(line)]


def test_access_log_to_stdout_has_date_ip_path_status(start_server, kind):
    server = start_server(kind, pure_echo_ini())
    request(server, "GET", "/logged/path?q=1")
    request(server, "POST", "/other", body=b"x", headers={"X-Echo-Status": "201"})
    lines = wait_for_lines(server.stdout, 2)
    assert len(lines) == 2, server.stdout()
    first, second = (ACCESS_LINE.match(line) for line in lines)
    assert (first["ip"], first["method"], first["target"], first["status"]) == \
        ("127.0.0.1", "GET", "/logged/path?q=1", "200")
    assert (second["method"], second["target"], second["status"]) == ("POST", "/other", "201")
    logged = time.strptime(first["date"].split()[0], "%d/%b/%Y:%H:%M:%S")
    assert abs(time.mktime(logged) - time.mktime(time.localtime())) < 120


def test_access_log_to_file_is_appended_never_truncated(start_server, kind, tmp_path):
    log = tmp_path / ("access-%s.log" % kind)
    log.write_text("an earlier line\n")
    server = start_server(kind, pure_echo_ini() + "[log]\naccess_log = %s\n" % log)
    request(server, "GET", "/to-file")
    lines = wait_for_lines(log.read_text, 1)
    assert log.read_text().startswith("an earlier line\n")
    assert ACCESS_LINE.match(lines[0])["target"] == "/to-file"
    assert not any(ACCESS_LINE.match(line) for line in server.stdout().splitlines())


def test_access_log_off_when_empty(start_server, kind):
    server = start_server(kind, pure_echo_ini() + "[log]\naccess_log =\n")
    request(server, "GET", "/quiet")
    time.sleep(0.3)
    assert not any(ACCESS_LINE.match(line) for line in server.stdout().splitlines())


def test_access_log_lines_are_the_same_under_both_servers(start_server, tmp_path):
    """The same requests leave the same lines (date and duration aside),
    refusals included: app errors and 413 are logged, requests the
    servers' parsers refuse (414 here) are not."""
    logged = {}
    for kind in SERVERS:
        server = start_server(kind, pure_echo_ini("limit_request_line = 100\n"
                                                  "max_request_bytes = 10"))
        request(server, "GET", "/fine?x=1")
        request(server, "GET", "/bad", headers={"X-Echo-Status": "nope"})
        request(server, "POST", "/big", body=b"x" * 100000)
        raw(server, b"GET /" + b"a" * 200 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        request(server, "HEAD", "/last")
        lines = wait_for_lines(server.stdout, 4)
        logged[kind] = [ACCESS_LINE.match(line).group("ip", "method", "target", "status")
                        for line in lines]
    assert logged["gunicorn"] == logged["waitress"]
    assert logged["gunicorn"] == [("127.0.0.1", "GET", "/fine?x=1", "200"),
                                  ("127.0.0.1", "GET", "/bad", "400"),
                                  ("127.0.0.1", "POST", "/big", "413"),
                                  ("127.0.0.1", "HEAD", "/last", "200")]


def test_gunicorn_reopens_the_access_log_on_usr1(start_server, tmp_path):
    log = tmp_path / "rotate.log"
    server = start_server("gunicorn", pure_echo_ini() + "[log]\naccess_log = %s\n" % log)
    request(server, "GET", "/before")
    wait_for_lines(log.read_text, 1)
    rotated = tmp_path / "rotate.log.1"
    os.rename(log, rotated)
    server.process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    request(server, "GET", "/after")
    lines = wait_for_lines(log.read_text, 1)
    assert [ACCESS_LINE.match(line)["target"] for line in lines] == ["/after"]
    assert "/before" in rotated.read_text()


# -- TLS ------------------------------------------------------------------------------

def test_gunicorn_serves_https_with_the_configured_certificate(start_server, certificate):
    cert, key = certificate
    server = start_server("gunicorn", pure_echo_ini() + "[tls]\ncertfile = %s\nkeyfile = %s\n"
                          % (cert, key))
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    connection = http.client.HTTPSConnection(server.host, server.port, context=context,
                                             timeout=10)
    try:
        connection.request("GET", "/tls?x=1")
        response = connection.getresponse()
        data = json.loads(response.read())
        assert response.status == 200
        assert data["scheme"] == "https" and data["secure"] is True
        assert data["url"].startswith("https://")
        peer = connection.sock.getpeercert(binary_form=True)
        assert peer == ssl.PEM_cert_to_DER_cert(cert.read_text())
    finally:
        connection.close()
    # Plain HTTP on the TLS port is not answered as HTTP.
    assert not raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 200")


# -- proxies --------------------------------------------------------------------------

FORWARDED = {"X-Forwarded-For": "203.0.113.9, 127.0.0.1", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "public.example"}


def test_forwarded_headers_honoured_from_a_trusted_proxy(start_server, kind):
    server = start_server(kind, pure_echo_ini() + "[proxy]\ntrusted = 127.0.0.1\n")
    status, _, data = get_json(server, "GET", "/behind?x=1", headers=FORWARDED)
    assert status == 200
    assert data["remote_addr"] == "203.0.113.9"
    assert data["scheme"] == "https" and data["secure"] is True
    assert data["host"] == "public.example"
    assert data["url"] == "https://public.example/behind?x=1"
    lines = wait_for_lines(server.stdout, 1)
    assert ACCESS_LINE.match(lines[0])["ip"] == "203.0.113.9"


def test_forwarded_headers_ignored_from_an_untrusted_address(start_server, kind):
    server = start_server(kind, pure_echo_ini() + "[proxy]\ntrusted = 10.0.0.0/8\n")
    status, _, data = get_json(server, "GET", "/direct", headers=FORWARDED)
    assert status == 200
    assert data["remote_addr"] == "127.0.0.1"
    assert data["scheme"] == "http" and data["secure"] is False
    assert data["host"] == "127.0.0.1:%d" % server.port
    assert data["headers"]["X-Forwarded-For"] == FORWARDED["X-Forwarded-For"]
    assert data["headers"]["X-Forwarded-Proto"] == "https"


def test_forwarded_headers_ignored_when_no_proxy_is_trusted(start_server, kind):
    server = start_server(kind, pure_echo_ini())
    _, _, data = get_json(server, "GET", "/direct", headers=FORWARDED)
    assert data["remote_addr"] == "127.0.0.1" and data["scheme"] == "http"


# -- lifecycle ------------------------------------------------------------------------

def test_sigterm_lets_an_in_flight_request_finish(start_server, kind):
    server = start_server(kind, pure_echo_ini("timeout = 10"))
    result = {}

    def slow():
        result["answer"] = request(server, "GET", "/in-flight",
                                   headers={"X-Echo-Delay": "1500"})

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.4)  # the request is now being served
    server.process.send_signal(signal.SIGTERM)
    worker.join(15)
    status, _, body = result["answer"]
    assert status == 200 and json.loads(body)["path"] == "/in-flight"
    assert server.process.wait(timeout=15) == 0
    with pytest.raises(OSError):
        socket.create_connection((server.host, server.port), timeout=1).close()


def test_header_field_size_limit_counts_alike_under_both(limited, kind):
    server = limited[kind]  # limit_request_field_size = 300, CRLF included
    def field(total):
        return b"X-L: " + b"v" * (total - len(b"X-L: \r\n"))
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + field(300) + b"\r\n\r\n")
    assert status_of(reply) == 200
    reply = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + field(301) + b"\r\n\r\n")
    assert status_of(reply) == 431


def test_a_stalled_body_gets_408_and_does_not_hold_the_server(start_server, kind):
    server = start_server(kind, pure_echo_ini("threads = 2\ntimeout = 2").replace(
        "threads = 4\n", ""))
    stalled = []
    try:
        for _ in range(2):  # as many as there are threads
            sock = socket.create_connection((server.host, server.port), timeout=15)
            sock.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
            stalled.append(sock)
        time.sleep(0.5)
        assert request(server, "GET", "/others", timeout=20)[0] == 200
        for sock in stalled:
            reply = sock.recv(65536)
            assert reply == b"" or status_of(reply) in (400, 408)
    finally:
        for sock in stalled:
            sock.close()
    assert request(server, "GET", "/after")[0] == 200
