"""The httpbin app's response inspection and encodings, in-process with
WebTest: ``/cache`` (validators and 304s), ``/cache/<n>``, ``/etag``,
``/response-headers`` byte for byte (and refused where a header would break
the response), ``/gzip``, ``/deflate`` and ``/brotli``.
"""

import gzip
import json
import re
import zlib

import pytest
from httpbin_app import M, call, error_of, get

from wsgi_echo.apps.httpbin import compressed

# -- response inspection: caching --------------------------------------------------------


def test_cache_validators_and_304(hb):
    fresh = get(hb, "/cache")
    assert list(fresh.json) == ["args", "headers", "origin", "url"]
    assert re.match(r"[0-9a-f]{32}\Z", fresh.headers["ETag"])
    assert fresh.headers["Last-Modified"].endswith(" GMT")
    for header in ("If-Modified-Since", "If-None-Match"):
        not_modified = get(hb, "/cache", status=304, headers={header: "anything"})
        assert not_modified.body == b"" and "ETag" not in not_modified.headers
    assert get(hb, "/cache", headers={"If-None-Match": ""}).status_int == 200


def test_cache_control_seconds(hb):
    response = get(hb, "/cache/60")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.json["url"] == "http://example.test/httpbin/cache/60"


@pytest.mark.parametrize(
    "headers, status, etag",
    [
        ({}, 200, "abc"),
        ({"If-None-Match": "abc"}, 304, "abc"),
        ({"If-None-Match": '"123", "abc"'}, 304, "abc"),
        ({"If-None-Match": "*"}, 304, "abc"),
        ({"If-None-Match": 'W/"xyzzy", W/"abc"'}, 304, "abc"),
        ({"If-None-Match": "123"}, 200, "abc"),
        ({"If-None-Match": "123", "If-Match": "456"}, 200, "abc"),  # If-Match ignored then
        ({"If-Match": "abc"}, 200, "abc"),
        ({"If-Match": '"123", "abc"'}, 200, "abc"),
        ({"If-Match": "*"}, 200, "abc"),
        ({"If-Match": "123"}, 412, None),
    ],
)
def test_etag(hb, headers, status, etag):
    response = get(hb, "/etag/abc", status=status, headers=headers)
    assert response.headers.get("ETag") == etag
    if status != 200:
        assert response.body == b""


def test_etag_with_a_control_character_is_400(hb):
    error_of(get(hb, "/etag/a%0Db", status=400), 400, "etag")


# -- response headers and encodings ------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_response_headers_byte_for_byte(root_hb, method):
    response = root_hb.request("/response-headers?X-A=1&X-A=2&b=c", method=method)
    assert response.body == (
        b'{\n  "Content-Length": "113",\n  "Content-Type": "application/json",'
        b'\n  "X-A": [\n    "1",\n    "2"\n  ],\n  "b": "c"\n}\n'
    )
    assert response.headers.getall("X-A") == ["1", "2"]
    assert response.headers["b"] == "c"
    assert response.headers["Content-Length"] == "113"


def test_response_headers_content_type_replaces_ours(hb):
    response = get(hb, "/response-headers?Content-Type=text/plain&a=%C3%A9")
    assert response.headers.getall("Content-Type") == ["text/plain"]
    assert json.loads(response.body) == {
        "Content-Length": str(len(response.body)),
        "Content-Type": "text/plain",
        "a": "é",
    }
    assert response.headers["a"] == "é"  # latin-1 on the wire, as werkzeug sends it


def _encoded(hb, path, decode, flag):
    status, headers, iterable = call(hb, "GET", M + path, headers=[("User-Agent", "u")])
    body = b"".join(iterable)
    assert status == 200 and headers["Content-Length"] == str(len(body))
    assert json.loads(decode(body)) == {
        "headers": {"Host": "example.test", "User-Agent": "u"},
        "method": "GET",
        "origin": "10.1.2.3",
        flag: True,
    }
    assert headers["Content-Type"] == "application/json"
    return headers


def test_gzip_and_deflate(hb):
    assert _encoded(hb, "/gzip", gzip.decompress, "gzipped")["Content-Encoding"] == "gzip"
    assert _encoded(hb, "/deflate", zlib.decompress, "deflated")["Content-Encoding"] == "deflate"


def test_brotli(hb):
    brotli = pytest.importorskip("brotli")
    assert _encoded(hb, "/brotli", brotli.decompress, "brotli")["Content-Encoding"] == "br"


def test_brotli_without_the_package_is_a_clear_501(hb, monkeypatch):
    monkeypatch.setattr(compressed, "_brotli", None)
    data = error_of(get(hb, "/brotli", status=501), 501, "brotli")
    assert "pip install" in data["detail"]
