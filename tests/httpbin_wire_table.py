"""The table of requests ``test_httpbin_servers.py`` sends to the httpbin app
under real gunicorn and waitress, with what each must answer: rows of
(method, path, body, headers, status, check(headers, body, server)), the
server being a pure httpbin (``[routes] / = httpbin``).
"""

import gzip
import json
import zlib

import pytest


def as_json(body):
    return json.loads(body)


def _brotli(body):
    brotli = pytest.importorskip("brotli")
    return brotli.decompress(body)


# (method, path, body, headers, status, check(headers, body, server))
TABLE = [
    (
        "GET",
        "/get?a=1&a=2",
        None,
        {"User-Agent": "table/1"},
        200,
        lambda h, b, s: (
            as_json(b)
            == {
                "args": {"a": ["1", "2"]},
                "origin": "127.0.0.1",
                "headers": {
                    "Host": "127.0.0.1:%d" % s.port,
                    "User-Agent": "table/1",
                    "Accept-Encoding": "identity",
                },
                "url": "http://127.0.0.1:%d/get?a=1&a=2" % s.port,
            }
        ),
    ),
    (
        "POST",
        "/post",
        b'{"k": [1, 2]}',
        {"Content-Type": "application/json"},
        200,
        lambda h, b, s: (
            as_json(b)["json"] == {"k": [1, 2]} and as_json(b)["data"] == '{"k": [1, 2]}'
        ),
    ),
    (
        "POST",
        "/post",
        b"\x00\xffbin",
        {"Content-Type": "application/octet-stream"},
        200,
        lambda h, b, s: as_json(b)["data"] == "data:application/octet-stream;base64,AP9iaW4=",
    ),
    (
        "PUT",
        "/put",
        b"a=1&a=2",
        {"Content-Type": "application/x-www-form-urlencoded"},
        200,
        lambda h, b, s: as_json(b)["form"] == {"a": ["1", "2"]},
    ),
    ("PURGE", "/anything/x", None, {}, 200, lambda h, b, s: as_json(b)["method"] == "PURGE"),
    (
        "GET",
        "/headers",
        None,
        {"Via": "1.1 p", "X-Forwarded-For": "6.6.6.6"},
        200,
        lambda h, b, s: "Via" not in as_json(b)["headers"],
    ),
    (
        "GET",
        "/ip",
        None,
        {"X-Forwarded-For": "6.6.6.6"},
        200,
        lambda h, b, s: as_json(b) == {"origin": "127.0.0.1"},
    ),
    ("TRACE", "/status/418", None, {}, 418, lambda h, b, s: b"teapot" in b and h["X-More-Info"]),
    ("GET", "/status/204", None, {}, 204, lambda h, b, s: b == b""),
    ("GET", "/status/302", None, {}, 302, lambda h, b, s: h["Location"] == "/redirect/1"),
    ("GET", "/status/abc", None, {}, 400, lambda h, b, s: as_json(b)["parameter"] == "status code"),
    ("GET", "/redirect/2", None, {}, 302, lambda h, b, s: h["Location"] == "/relative-redirect/1"),
    (
        "GET",
        "/absolute-redirect/1",
        None,
        {},
        302,
        lambda h, b, s: h["Location"] == "http://127.0.0.1:%d/get" % s.port,
    ),
    (
        "DELETE",
        "/redirect-to?url=/get&status_code=307",
        None,
        {},
        307,
        lambda h, b, s: h["Location"] == "/get",
    ),
    (
        "GET",
        "/cookies/set?a=1&b=x%20y",
        None,
        {},
        302,
        lambda h, b, s: h.get_all("Set-Cookie") == ["a=1; Path=/", 'b="x y"; Path=/'],
    ),
    (
        "GET",
        "/cookies",
        None,
        {"Cookie": "a=1; b=2"},
        200,
        lambda h, b, s: as_json(b) == {"cookies": {"a": "1", "b": "2"}},
    ),
    (
        "GET",
        "/response-headers?X-A=1&X-A=2",
        None,
        {},
        200,
        lambda h, b, s: (
            h.get_all("X-A") == ["1", "2"]
            and as_json(b)["Content-Length"] == h["Content-Length"] == str(len(b))
        ),
    ),
    (
        "GET",
        "/gzip",
        None,
        {"Accept-Encoding": "gzip"},
        200,
        lambda h, b, s: (
            h["Content-Encoding"] == "gzip" and as_json(gzip.decompress(b))["gzipped"] is True
        ),
    ),
    (
        "GET",
        "/deflate",
        None,
        {},
        200,
        lambda h, b, s: as_json(zlib.decompress(b))["deflated"] is True,
    ),
    ("GET", "/brotli", None, {}, 200, lambda h, b, s: as_json(_brotli(b))["brotli"] is True),
    (
        "GET",
        "/bytes/10?seed=0",
        None,
        {},
        200,
        lambda h, b, s: b == b"\xc5\xd7\x14\x84\xf8\xcf\x9b\xf4\xb7o",
    ),
    (
        "GET",
        "/range/26",
        None,
        {"Range": "bytes=20-"},
        206,
        lambda h, b, s: b == b"uvwxyz" and h["Content-Range"] == "bytes 20-25/26",
    ),
    (
        "GET",
        "/range/26",
        None,
        {"Range": "bytes=30-40"},
        416,
        lambda h, b, s: h["Content-Range"] == "bytes */26",
    ),
    ("GET", "/etag/abc", None, {"If-None-Match": '"abc"'}, 304, lambda h, b, s: h["ETag"] == "abc"),
    (
        "GET",
        "/basic-auth/u/p",
        None,
        {"Authorization": "Basic dTpw"},
        200,
        lambda h, b, s: as_json(b) == {"authenticated": True, "user": "u"},
    ),
    ("GET", "/bearer", None, {}, 401, lambda h, b, s: h["WWW-Authenticate"] == "Bearer"),
    (
        "GET",
        "/image",
        None,
        {"Accept": "image/webp"},
        200,
        lambda h, b, s: h["Content-Type"] == "image/webp" and b[:4] == b"RIFF",
    ),
    ("GET", "/robots.txt", None, {}, 200, lambda h, b, s: b"Disallow: /deny" in b),
    ("GET", "/", None, {}, 200, lambda h, b, s: b'href="/get"' in b),
    (
        "GET",
        "/nope",
        None,
        {"Origin": "https://o.example"},
        404,
        lambda h, b, s: h["Access-Control-Allow-Origin"] == "https://o.example",
    ),
    ("POST", "/get", None, {}, 405, lambda h, b, s: h["Allow"] == "GET, HEAD, OPTIONS"),
    (
        "OPTIONS",
        "/post",
        None,
        {"Access-Control-Request-Headers": "X-Y"},
        200,
        lambda h, b, s: h["Access-Control-Allow-Headers"] == "X-Y" and b == b"",
    ),
]
