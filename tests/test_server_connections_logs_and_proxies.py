"""Server behaviour from settings.ini, the same under real gunicorn and waitress:
keep-alive and Connection: close, the access log (stdout, file, off, the
same line under both, reopened on SIGUSR1), TLS, and trusted proxies.  Every
test talks to real server processes over sockets.
"""

import http.client
import json
import os
import signal
import ssl
import time

import pytest

from conftest import ACCESS_LINE, access_lines, echo_settings
from wsgi_echo.testing.clients import (
    Connection,
    at_once,
    exchange,
    get_json,
    message,
    raw,
    request,
    status_of,
)
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def servers(module_starter):
    """Both servers with the defaults a user gets (keepalive 5, access log on)."""
    return module_starter.both(echo_settings(keepalive=5))


# -- keep-alive and Connection: close ------------------------------------------------


def test_several_requests_share_one_connection(server):
    with Connection(server) as connection:
        for number in range(5):
            connection.send(message("GET", "/ka/%d" % number, close=False))
            status, headers, body = connection.read_response()
            assert status == 200 and json.loads(body)["path"] == "/ka/%d" % number
            assert headers.get("connection", "keep-alive").lower() != "close"
        # Pipelined: three requests in one write, three answers in order.
        connection.send(
            b"".join(message("GET", "/p/%d" % number, close=False) for number in (1, 2, 3))
        )
        paths = [json.loads(connection.read_response()[2])["path"] for _ in range(3)]
        assert paths == ["/p/1", "/p/2", "/p/3"]


def test_idle_keepalive_connection_lives_for_the_keepalive_seconds(start_server):
    servers = start_server.both(echo_settings(keepalive=3))

    def check(server):
        with Connection(server) as connection:
            connection.send(message("GET", "/idle", close=False))
            assert connection.read_response()[0] == 200
            # Still open after 2 s (gunicorn's own default would have closed it)...
            assert not connection.closed_by_server(wait=2.0)
            connection.send(message("GET", "/again", close=False))
            assert connection.read_response()[0] == 200
            # ... and closed by the server once idle for the 3 s (waitress checks each second).
            started = time.monotonic()
            assert connection.closed_by_server(wait=6.0)
            assert time.monotonic() - started >= 2.0

    at_once(check, servers)


def test_keepalive_zero_closes_after_every_response(start_server, kind):
    server = start_server(kind, echo_settings(keepalive=0))
    with Connection(server) as connection:
        connection.send(message("GET", "/once", close=False))
        status, headers, _ = connection.read_response()
        assert status == 200
        assert headers["connection"].lower() == "close"
        assert connection.closed_by_server()
    # Errors too, not just the echo.
    status, headers, _ = request(server, "GET", "/x", headers={"X-Echo-Status": "nope"})
    assert status == 400 and headers["Connection"].lower() == "close"


def test_http10_without_keepalive_is_answered_and_closed(server):
    with Connection(server) as connection:
        connection.send(b"GET /old HTTP/1.0\r\nHost: test\r\n\r\n")
        status, _, body = connection.read_response()
        assert status == 200 and json.loads(body)["http_version"] == "1.0"
        assert connection.closed_by_server()


def test_client_connection_close_is_honoured(server):
    with Connection(server) as connection:
        connection.send(message("GET", "/bye"))
        status, headers, _ = connection.read_response()
        assert status == 200 and headers["connection"].lower() == "close"
        assert connection.closed_by_server()


# -- access log -----------------------------------------------------------------------


def test_access_log_to_stdout_has_date_ip_path_status(server, kind):
    request(server, "GET", "/logged/%s?q=1" % kind)
    request(server, "POST", "/other/%s" % kind, body=b"x", headers={"X-Echo-Status": "201"})
    first, second = (
        ACCESS_LINE.match(line) for line in access_lines(server.log, 2, containing="/%s" % kind)
    )
    assert (first["ip"], first["method"], first["target"], first["status"]) == (
        "127.0.0.1",
        "GET",
        "/logged/%s?q=1" % kind,
        "200",
    )
    assert (second["method"], second["target"], second["status"]) == (
        "POST",
        "/other/%s" % kind,
        "201",
    )
    logged = time.strptime(first["date"].split()[0], "%d/%b/%Y:%H:%M:%S")
    assert abs(time.mktime(logged) - time.mktime(time.localtime())) < 120


def test_access_log_to_file_is_appended_never_truncated(start_server, kind, tmp_path):
    log = tmp_path / ("access-%s.log" % kind)
    log.write_text("an earlier line\n")
    server = start_server(kind, echo_settings() + "[log]\naccess_log = %s\n" % log)
    request(server, "GET", "/to-file")
    lines = access_lines(log.read_text, 1)
    assert log.read_text().startswith("an earlier line\n")
    assert ACCESS_LINE.match(lines[0])["target"] == "/to-file"
    assert not access_lines(server.log)


def test_access_log_off_when_empty(start_server, kind):
    server = start_server(kind, echo_settings() + "[log]\naccess_log =\n")
    for _ in range(2):
        # The server closes the connection after the app's close(), where
        # the line is written: once closed, a line would be in the log.
        reply, closed = exchange(server, message("GET", "/quiet"))
        assert status_of(reply) == 200 and closed
    assert not access_lines(server.log)


def test_access_log_lines_are_the_same_under_both_servers(start_server):
    """The same requests leave the same lines (date and duration aside),
    refusals included: app errors and 413 are logged, requests the
    servers' parsers refuse (414 here) are not."""
    servers = start_server.both(echo_settings(limit_request_line=100, max_request_bytes=10))
    logged = {}
    for kind, server in servers.items():
        request(server, "GET", "/fine?x=1")
        request(server, "GET", "/bad", headers={"X-Echo-Status": "nope"})
        request(server, "POST", "/big", body=b"x" * 100000)
        raw(server, message("GET", "/" + "a" * 200))
        request(server, "HEAD", "/last")
        logged[kind] = [
            ACCESS_LINE.match(line).group("ip", "method", "target", "status")
            for line in access_lines(server.log, 4)
        ]
    assert logged["gunicorn"] == logged["waitress"]
    assert logged["gunicorn"] == [
        ("127.0.0.1", "GET", "/fine?x=1", "200"),
        ("127.0.0.1", "GET", "/bad", "400"),
        ("127.0.0.1", "POST", "/big", "413"),
        ("127.0.0.1", "HEAD", "/last", "200"),
    ]


def holding(server, path):
    """The server's processes that have ``path`` open (from /proc)."""
    found = set()
    for pid in server.pids():
        try:
            fds = os.listdir("/proc/%d/fd" % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == str(path):
                    found.add(pid)
            except OSError:
                pass
    return found


def test_usr1_reopens_the_access_log(start_server, kind, tmp_path):
    log = tmp_path / "rotate.log"
    server = start_server(kind, echo_settings() + "[log]\naccess_log = %s\n" % log)
    request(server, "GET", "/before")
    access_lines(log.read_text, 1)
    assert holding(server, log), "no server process has the access log open"
    rotated = tmp_path / "rotate.log.1"
    os.rename(log, rotated)
    server.signal(signal.SIGUSR1)
    # The master passes the signal on to its workers; the rotation is done
    # once no process has the rotated file open any more (each has opened a
    # new one by the old name, or will at its next line, as waitress does).
    wait_for(
        lambda: not holding(server, rotated),
        what=lambda: (
            "every server process to close the rotated log; %s still hold it"
            % sorted(holding(server, rotated))
        ),
    )
    request(server, "GET", "/after")
    lines = access_lines(log.read_text, 1)
    assert [ACCESS_LINE.match(line)["target"] for line in lines] == ["/after"]
    assert "/before" in rotated.read_text() and "/after" not in rotated.read_text()


# -- TLS ------------------------------------------------------------------------------


def test_gunicorn_serves_https_with_the_configured_certificate(start_server, tls_kind, certificate):
    cert, key = certificate
    server = start_server(
        tls_kind, echo_settings() + "[tls]\ncertfile = %s\nkeyfile = %s\n" % (cert, key)
    )
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    connection = http.client.HTTPSConnection(server.host, server.port, context=context, timeout=10)
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
    assert not raw(server, message("GET", "/")).startswith(b"HTTP/1.1 200")


# -- proxies --------------------------------------------------------------------------

FORWARDED = {
    "X-Forwarded-For": "203.0.113.9, 127.0.0.1",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "public.example",
}


@pytest.fixture(scope="module")
def behind_proxy(module_starter):
    return {
        trusted: module_starter.both(echo_settings() + "[proxy]\ntrusted = %s\n" % trusted)
        for trusted in ("127.0.0.1", "10.0.0.0/8")
    }


def forwarded(server, target):
    """The echo's document for a GET of ``target`` sent with FORWARDED, and
    who it says the client is: (remote_addr, scheme, host)."""
    status, _, data = get_json(server, "GET", target, headers=FORWARDED)
    assert status == 200
    return data, (data["remote_addr"], data["scheme"], data["host"])


def test_forwarded_headers_honoured_from_a_trusted_proxy(behind_proxy, kind):
    server = behind_proxy["127.0.0.1"][kind]
    data, client = forwarded(server, "/behind?x=1")
    assert client == ("203.0.113.9", "https", "public.example") and data["secure"] is True
    assert data["url"] == "https://public.example/behind?x=1"
    lines = access_lines(server.log, 1, containing="/behind")
    assert ACCESS_LINE.match(lines[0])["ip"] == "203.0.113.9"


def test_forwarded_headers_ignored_from_an_untrusted_address(behind_proxy, kind):
    server = behind_proxy["10.0.0.0/8"][kind]
    data, client = forwarded(server, "/direct")
    assert client == ("127.0.0.1", "http", "127.0.0.1:%d" % server.port)
    assert data["secure"] is False
    assert data["headers"]["X-Forwarded-For"] == FORWARDED["X-Forwarded-For"]
    assert data["headers"]["X-Forwarded-Proto"] == "https"


def test_forwarded_headers_ignored_when_no_proxy_is_trusted(server):
    _, _, data = get_json(server, "GET", "/direct", headers=FORWARDED)
    assert data["remote_addr"] == "127.0.0.1" and data["scheme"] == "http"
