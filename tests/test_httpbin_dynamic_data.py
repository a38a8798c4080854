"""The httpbin app's dynamic data, in-process with WebTest: ``/bytes`` (httpbin's
bytes for a ``seed``), ``/stream-bytes``, ``/stream``, ``/range`` (ranges,
416s, durations), ``/base64`` and ``/links``, every number bounded and every
bad one a 400 naming the parameter.
"""

import base64
import json
import time

import pytest
from httpbin_app import M, call, error_of, get

# -- dynamic data ------------------------------------------------------------------------


def test_bytes_with_a_seed_are_httpbins_bytes(hb):
    response = get(hb, "/bytes/10?seed=0")
    assert response.body == b"\xc5\xd7\x14\x84\xf8\xcf\x9b\xf4\xb7o"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert get(hb, "/bytes/20?Seed=-5").body == get(hb, "/bytes/20?seed=5").body


def test_bytes_length_and_cap(hb):
    assert len(get(hb, "/bytes/100").body) == 100
    assert len(get(hb, "/bytes/5000").body) == 1000  # max_bytes
    assert get(hb, "/bytes/0").body == b""
    assert get(hb, "/bytes/16").body != get(hb, "/bytes/16").body


def test_stream_bytes_match_bytes_for_a_seed_in_chunks(hb):
    response = get(hb, "/stream-bytes/10?seed=0&chunk_size=3")
    assert response.body == b"\xc5\xd7\x14\x84\xf8\xcf\x9b\xf4\xb7o"
    _status, headers, iterable = call(hb, "GET", M + "/stream-bytes/10", "seed=0&chunk_size=3")
    assert list(iterable) == [b"\xc5\xd7\x14", b"\x84\xf8\xcf", b"\x9b\xf4\xb7", b"o"]
    assert "Content-Length" not in headers  # streamed: chunked on the wire
    assert len(get(hb, "/stream-bytes/5000").body) == 1000


def test_stream_lines(hb):
    response = get(hb, "/stream/3?a=1", headers={"User-Agent": "u"})
    lines = response.body.decode().splitlines()
    assert len(lines) == 3 and "Content-Length" not in call(hb, "GET", M + "/stream/3")[1]
    for number, line in enumerate(lines):
        document = json.loads(line)
        assert list(document) == ["url", "args", "headers", "origin", "id"]
        assert document["id"] == number and document["args"] == {"a": "1"}
        assert document["url"] == "http://example.test/httpbin/stream/3?a=1"
        assert ", " in line and "\n" not in line  # json.dumps's one-line form
    assert len(get(hb, "/stream/50").body.splitlines()) == 5  # max_stream_lines
    assert get(hb, "/stream/0").body == b""


def test_range_whole_resource(hb):
    response = get(hb, "/range/30")
    assert response.body == b"abcdefghijklmnopqrstuvwxyzabcd"
    assert response.headers["ETag"] == "range30"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Range"] == "bytes 0-29/30"


@pytest.mark.parametrize(
    "header, status, body, content_range",
    [
        ("bytes=10-24", 206, b"klmnopqrstuvwxy", "bytes 10-24/100"),
        ("bytes=0-15", 206, b"abcdefghijklmnop", "bytes 0-15/100"),
        ("bytes=90-", 206, b"mnopqrstuv", "bytes 90-99/100"),
        ("bytes=-5", 206, b"rstuv", "bytes 95-99/100"),
        ("bytes=-500", 200, None, "bytes 0-99/100"),
        ("bytes=5-9,20-30", 200, None, "bytes 0-99/100"),  # several ranges: ignored
        ("items=1-2", 200, None, "bytes 0-99/100"),
    ],
)
def test_range_requests(hb, header, status, body, content_range):
    response = get(hb, "/range/100", status=status, headers={"Range": header})
    assert response.headers["Content-Range"] == content_range
    assert response.headers["Content-Length"] == str(len(response.body))
    if body is not None:
        assert response.body == body


@pytest.mark.parametrize("header", ["bytes=10-5", "bytes=32-40", "bytes=0-40", "bytes=-0"])
def test_unsatisfiable_range_is_416(hb, header):
    response = get(hb, "/range/26", status=416, headers={"Range": header})
    assert response.body == b""
    assert response.headers["Content-Range"] == "bytes */26"
    assert response.headers["ETag"] == "range26"
    assert response.headers["Content-Length"] == "0"


def test_range_with_duration_streams_in_chunks(hb):
    started = time.monotonic()
    response = get(
        hb, "/range/100?duration=0.2&chunk_size=5", status=206, headers={"Range": "bytes=0-49"}
    )
    assert 0.09 <= time.monotonic() - started < 0.8  # half the bytes: half the duration
    assert response.status_int == 206 and response.headers["Content-Length"] == "50"
    assert response.body == (b"abcdefghijklmnopqrstuvwxyz" * 2)[:50]


def test_base64_decodes_urlsafe_utf8(hb):
    encoded = base64.urlsafe_b64encode("Здравствуй, мир!".encode()).decode()
    response = get(hb, "/base64/" + encoded)
    assert response.text == "Здравствуй, мир!"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert get(hb, "/base64/SFRUUEJJTiBpcyBhd2Vzb21l").body == b"HTTPBIN is awesome"
    assert get(hb, "/base64/YQ").body == b"a"  # unpadded is fine here


@pytest.mark.parametrize("value", ["!!!", "YQ%3D%3D%3D", "Y", "_-8", "%C3%A9"])
def test_bad_base64_is_400(hb, value):
    error_of(get(hb, "/base64/" + value, status=400), 400, "value")


def test_links_page_and_redirect(hb):
    assert get(hb, "/links/4/2").body == (
        b"<html><head><title>Links</title></head><body>"
        b"<a href='/httpbin/links/4/0'>0</a> <a href='/httpbin/links/4/1'>1</a> 2 "
        b"<a href='/httpbin/links/4/3'>3</a> </body></html>"
    )
    assert get(hb, "/links/3", status=302).headers["Location"] == "/httpbin/links/3/0"
    assert get(hb, "/links/0/0").text.count("href") == 0  # at least one link: itself
    assert get(hb, "/links/500/0").text.count("href") == 199  # at most 200
