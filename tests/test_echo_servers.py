"""The echo under real gunicorn and waitress processes, over sockets: the
reference examples, the same JSON from both servers, and bad input answered
with a 4xx while the server keeps serving."""

import json

import pytest
from echo_reference import check_post_json_reference

from conftest import SERVERS, echo_settings, settings_text
from wsgi_echo.testing import procfs
from wsgi_echo.testing.clients import get_json, raw, request, status_of

pytestmark = pytest.mark.server

LIMIT = 4096


@pytest.fixture(scope="module")
def servers(module_starter):
    return module_starter.both(
        settings_text(
            server={"workers": 1, "threads": 4, "max_request_bytes": LIMIT},
            echo={"max_delay_ms": 1000},
            routes={"/": "echo"},
        )
    )


BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
    "image/webp,*/*;q=0.8",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36",
    "Accept-Language": "en-US,en;q=0.9",
}


def test_reference_get_index(server):
    status, headers, data = get_json(server, "GET", "/index", headers=BROWSER_HEADERS)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert data["method"] == "GET"
    assert data["host"] == "127.0.0.1:%d" % server.port
    assert data["path"] == "/index"
    assert data["query_string"] == "" and data["query"] == {}
    assert data["scheme"] == "http" and data["secure"] is False
    assert data["http_version"] == "1.1"
    for name, value in BROWSER_HEADERS.items():
        assert data["headers"][name] == value
    assert data["cookies"] == {} and data["json"] is None
    assert data["remote_addr"] == "127.0.0.1"


def test_reference_post_method(server):
    status, _, data = get_json(
        server,
        "POST",
        "/method?a=b&b=a",
        body=b'{"data": "value"}',
        headers={
            "Content-Type": "application/json",
            "X-Header": "value",
            "Cookie": "xcookie=value",
        },
    )
    assert status == 200
    check_post_json_reference(data)


def comparable(data, server):
    """What must be identical under both servers: everything but the port."""
    text = json.dumps(data).replace(str(server.port), "PORT")
    return json.loads(text)


@pytest.mark.parametrize(
    "method, path, body, headers",
    [
        ("GET", "/a/b%20c?x=1&x=2&y=", None, {"X-Api-Key": "k", "Cookie": "a=1; b=2"}),
        ("POST", "/form", b"a=1&a=2&b=3", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("PUT", "/bin", bytes(range(256)), {"Content-Type": "application/octet-stream"}),
        ("DELETE", "/x", None, {}),
        ("PATCH", "/j", b'{"k": [1, 2]}', {"Content-Type": "application/json"}),
        ("OPTIONS", "/o", None, {}),
        ("PURGE", "/cache", None, {}),
    ],
)
def test_both_servers_answer_the_same_json(servers, method, path, body, headers):
    answers = []
    for kind in SERVERS:
        status, response_headers, data = get_json(servers[kind], method, path, body, headers)
        assert status == 200
        answers.append(comparable(data, servers[kind]))
        if method == "OPTIONS":
            assert response_headers["Allow"].startswith("GET, HEAD")
    assert answers[0] == answers[1]
    assert answers[0]["method"] == method


def test_repeated_header_lines_are_joined_with_a_comma_as_gunicorn_joins_them(server):
    reply = raw(
        server,
        b"GET /h HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\nX-Multi: b,c\r\nConnection: close\r\n\r\n",
    )
    body = json.loads(reply.split(b"\r\n\r\n", 1)[1])
    assert body["headers"]["X-Multi"] == "a,b,c"


def test_head_has_headers_and_no_body(server):
    status, headers, body = request(server, "HEAD", "/h")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) > 0


def test_shaping_over_the_wire(server):
    status, headers, _ = request(
        server, "GET", "/s", headers={"X-Echo-Status": "418", "X-Echo-Header": "X-Test: yes"}
    )
    assert status == 418 and headers["X-Test"] == "yes"
    status, _, body = request(server, "GET", "/s", headers={"X-Echo-Status": "204"})
    assert status == 204 and body == b""


@pytest.mark.parametrize(
    "name, value",
    [("X-Echo-Status", "700"), ("X-Echo-Delay", "5000"), ("X-Echo-Header", "Connection: close")],
)
def test_bad_shaping_header_is_400_naming_it(server, name, value):
    status, _, data = get_json(server, "GET", "/s", headers={name: value})
    assert status == 400 and data["header"] == name


def test_oversized_body_with_content_length_is_413_and_server_goes_on(server):
    status, headers, body = request(server, "POST", "/big", body=b"x" * (LIMIT + 1))
    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["status"] == 413
    assert request(server, "POST", "/ok", body=b"x" * LIMIT)[0] == 200
    assert server.alive()


def chunked(body, size=1000):
    out = b""
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    return out + b"0\r\n\r\n"


def test_oversized_chunked_body_is_413_and_server_goes_on(server):
    head = (
        b"POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: text/plain\r\nConnection: close\r\n\r\n"
    )
    reply = raw(server, head + chunked(b"y" * (LIMIT * 2)))
    assert status_of(reply) == 413
    assert b'"status": 413' in reply
    reply = raw(server, head + chunked(b"z" * 3000))
    assert status_of(reply) == 200
    data = json.loads(reply.split(b"\r\n\r\n", 1)[1])
    assert data["body"] == "z" * 3000
    assert data["headers"]["Content-Length"] == "3000"
    assert server.alive()


@pytest.mark.parametrize(
    "payload",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_malformed_requests_get_a_4xx_and_the_server_goes_on(server, payload):
    reply = raw(server, payload)
    assert reply.startswith(b"HTTP/1.")
    assert 400 <= status_of(reply) < 500
    assert b"Traceback" not in reply
    assert request(server, "GET", "/still-there")[0] == 200


def test_request_without_host_reports_the_same_host_under_both(servers):
    hosts = set()
    for kind in SERVERS:
        server = servers[kind]
        reply = raw(server, b"GET /nohost HTTP/1.0\r\n\r\n")
        data = json.loads(reply.split(b"\r\n\r\n", 1)[1])
        hosts.add(data["host"].replace(str(server.port), "PORT"))
    assert hosts == {"127.0.0.1:PORT"}


def test_doubled_leading_slash_is_echoed_the_same_under_both(servers):
    paths = set()
    for kind in SERVERS:
        reply = raw(servers[kind], b"GET //echo/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        paths.add(json.loads(reply.split(b"\r\n\r\n", 1)[1])["path"])
    assert paths == {"/echo/x"}


@pytest.mark.parametrize("fields", [b"Host: a\r\nHost: b\r\n", b"Host: a\r\nX-Fold: a\r\n b\r\n"])
def test_double_host_and_folded_headers_are_400_under_both(server, fields):
    reply = raw(server, b"GET /x HTTP/1.1\r\n" + fields + b"Connection: close\r\n\r\n")
    assert status_of(reply) == 400


def test_trailers_echo_header_is_400_not_500(server):
    status, _, _ = request(server, "GET", "/x", headers={"X-Echo-Header": "Trailers: x"})
    assert status == 400


# -- browsers, webhooks and compressed uploads, over the wire ----------------------------


def rss_kb(server):
    """The resident memory of the server's processes together, in KiB."""
    return sum(procfs.rss_kb(pid) for pid in [server.pid, *server.children()])


def test_a_decompression_bomb_is_413_and_never_reaches_memory(start_server, kind):
    """10 MB of zeros gzipped into under 20 KB: the compressed body is well
    within the 1 MiB body limit, the decoded one far over it."""
    import gzip

    server = start_server(kind, echo_settings())  # max_request_bytes = 1048576
    bomb = gzip.compress(b"\0" * 10_000_000, 9)
    assert len(bomb) < 20_000
    request(server, "GET", "/warm-up")
    before = rss_kb(server)
    for _ in range(5):
        status, _, body = request(
            server, "POST", "/bomb", body=bomb, headers={"Content-Encoding": "gzip"}
        )
        assert status == 413 and json.loads(body)["limit"] == 1048576
    assert rss_kb(server) - before < 20 * 1024
    status, _, body = request(
        server,
        "POST",
        "/ok",
        body=gzip.compress(b'{"a": 1}'),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    data = json.loads(body)
    assert status == 200 and data["json"] == {"a": 1} and data["content_encoding"] == ["gzip"]


def test_query_shaping_and_a_cors_preflight_over_the_wire(server):
    status, headers, _ = request(server, "POST", "/hook?echo_status=202", body=b"x")
    assert status == 202 and headers["X-Content-Type-Options"] == "nosniff"
    status, headers, body = request(
        server,
        "OPTIONS",
        "/x",
        headers={
            "Origin": "http://app.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-custom",
        },
    )
    assert status == 204 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Headers"] == "x-custom"
