"""The httpbin app's status codes and time, in-process with WebTest:
``/status/<codes>`` (weighted codes too), ``/delay/<seconds>`` and ``/drip``,
each bounded by the ``[httpbin]`` limits, every bad parameter a 400 naming it.
"""

import time

import pytest
from httpbin_app import M, error_of, get, make

# -- status codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE", "PURGE"]
)
def test_status_takes_any_method(hb, method):
    response = hb.request(M + "/status/418", method=method, status=418)
    assert response.headers["X-More-Info"] == "https://www.rfc-editor.org/rfc/rfc2324"
    if method == "HEAD":
        assert response.body == b""
    else:
        assert b"teapot" in response.body


def test_status_special_cases(hb):
    for code in (301, 302, 303, 305, 307):
        response = get(hb, "/status/%d" % code, status=code)
        assert response.headers["Location"] == M + "/redirect/1" and response.body == b""
    assert get(hb, "/status/401", status=401).headers["WWW-Authenticate"] == (
        'Basic realm="Fake Realm"'
    )
    # httpbin's Proxy-Authenticate is hop-by-hop: gunicorn drops it, waitress
    # would answer 500, so it is not sent (what httpbin's 407 is on the wire)
    assert "Proxy-Authenticate" not in get(hb, "/status/407", status=407).headers
    paid = get(hb, "/status/402", status=402)
    assert paid.headers["X-More-Info"] and paid.body
    refused = get(hb, "/status/406", status=406)
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.json["accept"] == [
        "image/webp",
        "image/svg+xml",
        "image/jpeg",
        "image/png",
        "image/*",
    ]
    assert set(refused.json) == {"message", "accept"}


def test_plain_status_is_empty_html_and_204_304_have_no_type(hb):
    plain = get(hb, "/status/503", status=503)
    assert plain.body == b"" and plain.headers["Content-Type"] == "text/html; charset=utf-8"
    for code in (204, 304):
        bare = get(hb, "/status/%d" % code, status=code)
        assert bare.body == b"" and "Content-Type" not in bare.headers
        assert "Content-Length" not in bare.headers


def test_weighted_status_codes(hb):
    for _ in range(10):
        get(hb, "/status/200:0,418:1,500:0", status=418)
        assert get(hb, "/status/201,201:2", status=201).status_int == 201


# -- delay and drip ----------------------------------------------------------------------


def test_delay_waits_and_is_capped(tmp_path):
    app = make(tmp_path, max_delay=0)
    started = time.monotonic()
    data = app.post(M + "/delay/9?x=1", params=b"body", content_type="text/plain").json
    # Uncapped, the delay would be 9 s: the bound is half of that.
    assert time.monotonic() - started < 4.5
    assert list(data) == ["args", "data", "files", "form", "headers", "origin", "url"]
    assert data["data"] == "body" and data["args"] == {"x": "1"}


def test_delay_really_waits(hb):
    started = time.monotonic()
    get(hb, "/delay/0.2")
    # The time is the thing tested: at least the 0.2 s asked for; the upper
    # bound allows a loaded machine.
    assert 0.2 <= time.monotonic() - started < 1.0


@pytest.mark.parametrize("value", ["-1", "abc", "nan", "inf", "1e1", "0x10"])
def test_bad_delay_is_400(hb, value):
    error_of(hb.request(M + "/delay/" + value, method="PUT", status=400), 400, "delay")


def test_drip_bytes_length_and_code(hb):
    started = time.monotonic()
    response = get(hb, "/drip?numbytes=40&duration=0.2&code=201", status=201)
    elapsed = time.monotonic() - started
    assert response.body == b"*" * 40
    assert response.headers["Content-Length"] == "40"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert 0.19 <= elapsed < 1.0  # the duration asked for; the upper bound allows a loaded machine


def test_drip_defaults_and_case_insensitive_names(hb):
    response = get(hb, "/drip?NumBytes=3&Duration=0")
    assert response.body == b"***"
    assert get(hb, "/drip?duration=0").body == b"*" * 10  # numbytes defaults to 10


def test_drip_is_capped_at_max_drip_bytes(hb):
    assert len(get(hb, "/drip?numbytes=100000&duration=0").body) == 500


def test_drip_generator_waits_inside_and_head_never_starts_it(tmp_path):
    # The delay runs inside the iterable: the app returns at once, and a HEAD
    # closes the generator unstarted.
    app = make(tmp_path, max_delay=10).app
    environ = {
        "REQUEST_METHOD": "HEAD",
        "PATH_INFO": M + "/drip",
        "QUERY_STRING": "numbytes=5&delay=9&duration=0",
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    started = time.monotonic()
    statuses = []
    assert list(app(environ, lambda status, headers, exc_info=None: statuses.append(status))) == []
    # A generator started would wait its 9 s delay: the bound is half of that.
    assert time.monotonic() - started < 4.5 and statuses == ["200 OK"]


@pytest.mark.parametrize(
    "code, line",
    [
        (200, "200 OK"),
        (302, "302 FOUND"),
        (418, "418 I'M A TEAPOT"),
        (207, "207 MULTI STATUS"),
        (511, "511 NETWORK AUTHENTICATION FAILED"),
        (449, "449 RETRY WITH"),
        (599, "599 UNKNOWN"),
    ],
)
def test_status_lines_are_werkzeugs_as_httpbin_sends_them(hb, code, line):
    assert get(hb, "/status/%d" % code, status=code).status == line


def test_content_length_comes_where_httpbin_writes_it(hb):
    def names(response):
        return [name for name, _ in response.headerlist]

    # a body given up front (jsonify): right after the type, CORS last
    assert names(get(hb, "/get"))[:2] == ["Content-Type", "Content-Length"]
    # httpbin's status_code() sets the body after the headers: after CORS
    for path, code in (("/status/418", 418), ("/basic-auth/u/p", 401)):
        written = names(get(hb, path, status=code))
        after_cors = written.index("Access-Control-Allow-Credentials") + 1
        assert written[after_cors] == "Content-Length", path
