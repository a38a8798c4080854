"""The httpbin app in-process with WebTest, route by route, as httpbin's
documentation groups them.

Expected values were taken from httpbin 0.10.4 itself (Flask 3.1,
werkzeug 3.1) given the same request, and are written out here; where this
app deliberately answers differently (see the README's "The httpbin API"),
the test says so.  The app is mounted at ``/httpbin`` unless a
test needs it at the root, so every link and redirect is checked relative
to the mount.
"""

import base64
import gzip
import io
import json
import re
import time
import zlib

import pytest
from digest_client import challenge_params, digest, digest_header

from conftest import app_for, settings_text
from wsgi_echo.apps.httpbin import compressed, json_bytes

M = "/httpbin"
LIMITS = {"max_delay": 1, "max_bytes": 1000, "max_drip_bytes": 500, "max_stream_lines": 5}


def make(tmp_path, mount=M, name="settings.ini", **httpbin):
    routes = {mount: "httpbin"} if mount == "/" else {mount: "httpbin", "/": "echo"}
    return app_for(settings_text(httpbin=dict(LIMITS, **httpbin), routes=routes), tmp_path, name)


@pytest.fixture
def hb(tmp_path):
    return make(tmp_path)


@pytest.fixture
def root_hb(tmp_path):
    return make(tmp_path, "/", "root.ini")


CLIENT = {"REMOTE_ADDR": "10.1.2.3", "HTTP_HOST": "example.test"}


def get(app, path, status=200, **kwargs):
    kwargs.setdefault("extra_environ", CLIENT)
    return app.get(M + path, status=status, **kwargs)


def call(app, method, path, query="", headers=(), body=b""):
    """The app called directly, below WebTest (which buffers and decodes
    bodies): (status, headers, the response iterable as returned)."""
    environ = dict(
        CLIENT,
        REQUEST_METHOD=method,
        SCRIPT_NAME="",
        PATH_INFO=path,
        QUERY_STRING=query,
        SERVER_NAME="example.test",
        SERVER_PORT="80",
        SERVER_PROTOCOL="HTTP/1.1",
    )
    environ.update(
        {"wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO()}
    )
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer = []
    iterable = app.app(
        environ,
        lambda status, headers, exc_info=None: answer.extend(
            [int(status.split()[0]), dict(headers)]
        ),
    )
    return answer[0], answer[1], iterable


def error_of(response, status, parameter=None):
    """A JSON error of ``status`` (naming ``parameter``), with the CORS headers."""
    assert response.status_int == status
    assert response.content_type == "application/json"
    assert response.json["status"] == status
    if parameter is not None:
        assert response.json["parameter"] == parameter
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.json


# -- request echo: /get, /post, /put, /patch, /delete, /anything -------------------------


def test_get_is_byte_for_byte_httpbins_answer(root_hb):
    response = root_hb.get(
        "/get?b=2&a=1&a=%C3%A9",
        extra_environ=CLIENT,
        headers={
            "User-Agent": "test/1.0",
            "Accept": "*/*",
            "X-Request-Id": "hidden",
            "X-B3traceid": "t",
            "X-Empty": "",
        },
    )
    assert response.body == (
        b'{\n  "args": {\n    "a": [\n      "1",\n      "\\u00e9"\n    ],\n    "b": "2"\n  },\n'
        b'  "headers": {\n    "Accept": "*/*",\n    "Host": "example.test",\n'
        b'    "User-Agent": "test/1.0",\n    "X-B3Traceid": "t",\n    "X-Empty": ""\n  },\n'
        b'  "origin": "10.1.2.3",\n  "url": "http://example.test/get?b=2&a=1&a=\\u00e9"\n}\n'
    )
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.body))


def test_post_binary_body_is_a_data_url_byte_for_byte(root_hb):
    response = root_hb.post(
        "/post?x=1",
        params=b"\x00\xff binary",
        extra_environ=CLIENT,
        content_type="application/octet-stream",
    )
    assert response.body == (
        b'{\n  "args": {\n    "x": "1"\n  },\n'
        b'  "data": "data:application/octet-stream;base64,AP8gYmluYXJ5",\n'
        b'  "files": {},\n  "form": {},\n  "headers": {\n    "Content-Length": "9",\n'
        b'    "Content-Type": "application/octet-stream",\n    "Host": "example.test"\n  },\n'
        b'  "json": null,\n  "origin": "10.1.2.3",\n  "url": "http://example.test/post?x=1"\n}\n'
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_body_methods_have_httpbins_keys(hb, method):
    response = hb.request(
        M + "/" + method.lower(),
        method=method,
        body=b'{"k": [1, 2.5]}',
        content_type="application/json",
        environ=dict(CLIENT),
    )
    data = response.json
    assert list(data) == ["args", "data", "files", "form", "headers", "json", "origin", "url"]
    assert data["json"] == {"k": [1, 2.5]} and data["data"] == '{"k": [1, 2.5]}'
    assert data["url"] == "http://example.test/httpbin/" + method.lower()


def test_get_keys_and_the_url_under_the_mount(hb):
    data = get(hb, "/get").json
    assert list(data) == ["args", "headers", "origin", "url"]
    assert data["url"] == "http://example.test/httpbin/get"


def test_headers_httpbin_hides_are_shown_with_show_env(hb):
    hidden = {
        "Via": "1.1 proxy",
        "X-Real-Ip": "1.2.3.4",
        "X-Forwarded-Proto": "https",
        "Connect-Time": "0",
        "X-Request-Start": "1",
    }
    plain = get(hb, "/headers", headers=hidden).json["headers"]
    assert not set(hidden) & set(plain)
    shown = get(hb, "/headers?show_env=1", headers=hidden).json["headers"]
    assert {name: shown[name] for name in hidden} == hidden


def test_header_names_are_werkzeugs_title_case_and_empty_values_stay(hb):
    headers = get(
        hb, "/headers", headers={"x-api-key": "k", "X-1a-foo": "v", "Authorization": ""}
    ).json["headers"]
    assert headers["X-Api-Key"] == "k"
    assert headers["X-1A-Foo"] == "v"  # the echo spells it X-1a-Foo
    assert headers["Authorization"] == ""


def test_header_values_are_latin1_as_requests_sends_them(hb):
    # requests and http.client encode header text as latin-1: "é" arrives as
    # byte E9, and httpbin shows it as "é".
    data = get(hb, "/headers", extra_environ=dict(CLIENT, HTTP_X_NAME="Jos\xe9")).json
    assert data["headers"]["X-Name"] == "José"


def test_origin_is_remote_addr_not_a_client_sent_x_forwarded_for(hb):
    data = get(hb, "/get", headers={"X-Forwarded-For": "6.6.6.6"}).json
    assert data["origin"] == "10.1.2.3"  # httpbin would say 6.6.6.6
    assert get(hb, "/ip", headers={"X-Forwarded-For": "6.6.6.6"}).json == {"origin": "10.1.2.3"}


def test_origin_and_scheme_from_a_trusted_proxy(tmp_path):
    app = app_for(settings_text(routes={"/": "httpbin"}, proxy={"trusted": "10.0.0.0/8"}), tmp_path)
    data = app.get(
        "/get",
        extra_environ=CLIENT,
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    ).json
    assert data["origin"] == "203.0.113.9"
    assert data["url"] == "https://example.test/get"


def test_url_is_werkzeugs_iri(root_hb):
    data = root_hb.get(
        "/anything/caf%C3%A9/a%20b?q=%C3%A9%2F&r=%ff",
        extra_environ=dict(CLIENT, HTTP_HOST="Example.TEST:80"),
    ).json
    assert data["url"] == "http://example.test/anything/café/a%20b?q=é/&r=%FF"
    assert data["args"] == {"q": "é/", "r": "%FF"}


def test_https_url_drops_the_default_port(root_hb):
    data = root_hb.get(
        "/get",
        extra_environ=dict(CLIENT, HTTP_HOST="example.test:443", **{"wsgi.url_scheme": "https"}),
    ).json
    assert data["url"] == "https://example.test/get"


def test_urlencoded_form_repeats_become_lists_and_data_is_empty(hb):
    data = hb.post(
        M + "/post",
        params=b"f=v&g=1&g=2&h&k=%C3%A9+x",
        content_type="application/x-www-form-urlencoded",
    ).json
    assert data["form"] == {"f": "v", "g": ["1", "2"], "h": "", "k": "é x"}
    assert data["data"] == "" and data["json"] is None


MULTIPART = (
    b'--bb\r\nContent-Disposition: form-data; name="h"\r\n\r\nv\r\n'
    b'--bb\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\none\r\n"
    b'--bb\r\nContent-Disposition: form-data; name="f"; filename="b.bin"\r\n\r\n\xff\xfe\r\n'
    b'--bb\r\nContent-Disposition: form-data; name="g"; filename=""\r\n'
    b"Content-Type: image/png\r\n\r\n\x89PNG\r\n"
    b'--bb\r\nContent-Disposition: form-data; name="b"; filename="c.bin"\r\n\r\n\xa5\xc6\n\r\n'
    b'--bb\r\nContent-Disposition: form-data; name="h"\r\n\r\nw\r\n--bb--\r\n'
)


def test_multipart_fields_and_files_as_httpbin_shows_them(hb):
    data = hb.request(
        M + "/post", method="POST", body=MULTIPART, content_type="multipart/form-data; boundary=bb"
    ).json
    assert data["form"] == {"h": ["v", "w"]}
    assert data["files"] == {
        "f": "one",  # the first upload of a name only, as httpbin
        "g": "data:image/png;base64,iVBORw==",  # filename="" is still an upload
        "b": "data:application/octet-stream;base64,pcYK",  # no type: octet-stream
    }
    assert data["data"] == "" and data["json"] is None


def test_multipart_with_too_many_parts_is_413(hb):
    body = (
        b"".join(
            b'--bb\r\nContent-Disposition: form-data; name="p"\r\n\r\nx\r\n' for _ in range(1001)
        )
        + b"--bb--\r\n"
    )
    response = hb.request(
        M + "/post",
        method="POST",
        body=body,
        status=413,
        content_type="multipart/form-data; boundary=bb",
    )
    error_of(response, 413)


@pytest.mark.parametrize("depth, shown", [(300, True), (900, False), (5000, False)])
def test_deeply_nested_json_is_shown_or_null_never_a_500(hb, depth, shown):
    body = b"[" * depth + b"]" * depth
    data = hb.post(M + "/anything", params=body, content_type="application/json").json
    assert (data["json"] is not None) is shown and data["data"] == body.decode()


def test_unicode_body_is_text_and_invalid_json_is_null(hb):
    data = hb.post(M + "/post", params="оживлённым".encode(), content_type="text/plain").json
    assert data["data"] == "оживлённым" and data["json"] is None


@pytest.mark.parametrize(
    "method", ["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PURGE", "PROPFIND"]
)
def test_anything_takes_any_method_and_any_subpath(hb, method):
    data = hb.request(M + "/anything/foo/bar?x=1", method=method, environ=dict(CLIENT)).json
    assert list(data) == [
        "args",
        "data",
        "files",
        "form",
        "headers",
        "json",
        "method",
        "origin",
        "url",
    ]
    assert data["method"] == method
    assert data["url"] == "http://example.test/httpbin/anything/foo/bar?x=1"
    assert hb.request(M + "/anything", method=method).json["method"] == method


def test_a_chunked_body_is_echoed(hb):
    # httpbin (on Flask's server) refuses chunked bodies with 501; the body
    # middleware here reads them.
    response = hb.post(
        M + "/post",
        params=b'{"animal":"dog"}',
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
    )
    assert response.json["json"] == {"animal": "dog"}


# -- request inspection ------------------------------------------------------------------


def test_user_agent_ip_and_uuid(hb):
    assert get(hb, "/user-agent", headers={"User-Agent": "test/1"}).body == (
        b'{\n  "user-agent": "test/1"\n}\n'
    )
    assert get(hb, "/user-agent").json == {"user-agent": None}
    assert get(hb, "/ip").body == b'{\n  "origin": "10.1.2.3"\n}\n'
    first, second = get(hb, "/uuid").json["uuid"], get(hb, "/uuid").json["uuid"]
    assert re.match(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z", first)
    assert first != second


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
    assert get(hb, "/status/407", status=407).headers["Proxy-Authenticate"] == (
        'Basic realm="Fake Realm"'
    )
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


@pytest.mark.parametrize(
    "codes, parameter",
    [
        ("abc", "status code"),
        ("4!9", "status code"),
        ("200,402,foo", "status code"),
        ("99", "status code"),
        ("100", "status code"),
        ("600", "status code"),
        ("-1", "status code"),
        ("1e3", "status code"),
        ("200:x", "status code"),
        ("200:x,201", "weight"),
        ("200:-1,201", "weight"),
        ("200:0,500:0", "status code"),
    ],
)
def test_bad_status_codes_are_400(hb, codes, parameter):
    error_of(get(hb, "/status/" + codes, status=400), 400, parameter)


# -- delay and drip ----------------------------------------------------------------------


def test_delay_waits_and_is_capped(tmp_path):
    app = make(tmp_path, max_delay=0)
    started = time.monotonic()
    data = app.post(M + "/delay/9?x=1", params=b"body", content_type="text/plain").json
    assert time.monotonic() - started < 0.5
    assert list(data) == ["args", "data", "files", "form", "headers", "origin", "url"]
    assert data["data"] == "body" and data["args"] == {"x": "1"}


def test_delay_really_waits(hb):
    started = time.monotonic()
    get(hb, "/delay/0.2")
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
    assert 0.19 <= elapsed < 1.0


def test_drip_defaults_and_case_insensitive_names(hb):
    response = get(hb, "/drip?NumBytes=3&Duration=0")
    assert response.body == b"***"
    assert get(hb, "/drip?duration=0").body == b"*" * 10  # numbytes defaults to 10


def test_drip_is_capped_at_max_drip_bytes(hb):
    assert len(get(hb, "/drip?numbytes=100000&duration=0").body) == 500


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("numbytes=0&duration=0", "numbytes"),
        ("numbytes=-1&duration=0", "numbytes"),
        ("numbytes=x&duration=0", "numbytes"),
        ("duration=x", "duration"),
        ("duration=-1", "duration"),
        ("duration=2", "duration"),
        ("delay=x&duration=0", "delay"),
        ("duration=0.6&delay=0.6", "duration"),
        ("code=700&duration=0", "status code"),
        ("code=abc&duration=0", "status code"),
    ],
)
def test_bad_drip_parameters_are_400(hb, query, parameter):
    error_of(get(hb, "/drip?" + query, status=400), 400, parameter)


def test_drip_generator_waits_inside_and_head_never_starts_it(hb):
    # The delay runs inside the iterable: the app returns at once, and a HEAD
    # closes the generator unstarted.
    app = hb.app
    environ = {
        "REQUEST_METHOD": "HEAD",
        "PATH_INFO": M + "/drip",
        "QUERY_STRING": "numbytes=5&delay=0.9&duration=0",
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    started = time.monotonic()
    statuses = []
    assert list(app(environ, lambda status, headers, exc_info=None: statuses.append(status))) == []
    assert time.monotonic() - started < 0.3 and statuses == ["200 OK"]


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


@pytest.mark.parametrize(
    "path, parameter",
    [
        ("/bytes/abc", "n"),
        ("/bytes/-1", "n"),
        ("/bytes/10?seed=x", "seed"),
        ("/stream-bytes/x", "n"),
        ("/stream-bytes/10?chunk_size=x", "chunk_size"),
        ("/stream/x", "n"),
        ("/stream/-2", "n"),
        ("/range/abc", "numbytes"),
        ("/range/0", "numbytes"),
        ("/range/1001", "numbytes"),
        ("/range/10?duration=x", "duration"),
        ("/range/10?duration=5", "duration"),
        ("/range/10?chunk_size=1.5", "chunk_size"),
        ("/links/x", "n"),
        ("/links/x/0", "n"),
        ("/links/3/y", "offset"),
        ("/cache/x", "n"),
        ("/redirect/0", "n"),
        ("/redirect/abc", "n"),
        ("/relative-redirect/-1", "n"),
        ("/absolute-redirect/x", "n"),
    ],
)
def test_bad_numbers_are_400_naming_the_parameter(hb, path, parameter):
    error_of(get(hb, path, status=400), 400, parameter)


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


@pytest.mark.parametrize(
    "query, name",
    [
        ("Content-Length=5", "Content-Length"),
        ("Transfer-Encoding=chunked", "Transfer-Encoding"),
        ("Connection=close", "Connection"),
        ("bad%20name=1", "bad name"),
        ("X-A=a%0D%0Ab", "X-A"),
    ],
)
def test_response_headers_that_would_break_the_response_are_400(hb, query, name):
    error_of(get(hb, "/response-headers?" + query, status=400), 400, name)


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


# -- redirects ---------------------------------------------------------------------------


def test_redirect_chains(hb):
    assert get(hb, "/redirect/1", status=302).headers["Location"] == "/httpbin/get"
    five = get(hb, "/redirect/5", status=302)
    assert five.headers["Location"] == "/httpbin/relative-redirect/4"
    assert five.content_type == "text/html" and "/httpbin/relative-redirect/4" in five.text
    assert get(hb, "/redirect/5?absolute=TRUE", status=302).headers["Location"] == (
        "http://example.test/httpbin/absolute-redirect/4"
    )
    assert get(hb, "/redirect/1?absolute=true", status=302).headers["Location"] == (
        "http://example.test/httpbin/get"
    )
    relative = get(hb, "/relative-redirect/7", status=302)
    assert relative.headers["Location"] == "/httpbin/relative-redirect/6"
    assert relative.body == b""
    assert get(hb, "/relative-redirect/1", status=302).headers["Location"] == "/httpbin/get"
    assert get(hb, "/absolute-redirect/5", status=302).headers["Location"] == (
        "http://example.test/httpbin/absolute-redirect/4"
    )
    assert get(hb, "/absolute-redirect/1", status=302).headers["Location"] == (
        "http://example.test/httpbin/get"
    )


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PURGE"])
def test_redirect_to_on_every_method(hb, method):
    response = hb.request(
        M + "/redirect-to?url=/post&status_code=307", method=method, body=b"\x01\x02", status=307
    )
    assert response.headers["Location"] == "/post" and response.body == b""


def test_redirect_to_status_codes_and_names(hb):
    assert (
        get(hb, "/redirect-to?URL=http://example.com/&Status_Code=303", status=303).headers[
            "Location"
        ]
        == "http://example.com/"
    )
    # A number outside 3xx is 302, as httpbin; one that is no number is 400.
    assert get(hb, "/redirect-to?url=/x&status_code=200", status=302)
    error_of(get(hb, "/redirect-to?url=/x&status_code=x", status=400), 400, "status_code")
    error_of(get(hb, "/redirect-to", status=400), 400, "url")
    error_of(get(hb, "/redirect-to?url=/a%0D%0ASet-Cookie:x=1", status=400), 400, "url")
    assert get(hb, "/redirect-to?url=/caf%C3%A9", status=302).headers["Location"] == ("/caf%C3%A9")


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("/relative/path", True),
        ("relative", True),
        ("https://good.example/x", True),
        ("http://GOOD.example./", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("javascript:alert(1)", False),
        ("https://good.example@evil.example/", False),
        # Hosts spelled the ways browsers still read as hosts.
        ("///evil.example", False),
        ("/\\/evil.example", False),
        ("\\\\\\evil.example", False),
        ("https:///evil.example", False),
        ("http:/\\evil.example", False),
        ("http:evil.example", False),
        ("//evil.example", False),
    ],
)
def test_redirect_hosts_limits_redirect_to(tmp_path, url, allowed):
    app = make(tmp_path, redirect_hosts="good.example")
    response = app.get(M + "/redirect-to", params={"url": url}, status="*")
    if allowed:
        assert response.status_int == 302 and response.headers["Location"] == url
    else:
        assert "good.example" in error_of(response, 403, "url")["detail"]


# -- cookies -----------------------------------------------------------------------------


def test_cookies_read_as_werkzeug_reads_them(hb):
    cookie = 'a=1; a=2; b="x\\"y\\073"; c; __utma=1; _gauges_unique=1'
    assert get(hb, "/cookies", headers={"Cookie": cookie}).json == {
        "cookies": {"a": "1", "b": 'x"y;', "c": ""}
    }
    assert get(hb, "/cookies?show_env", headers={"Cookie": cookie}).json["cookies"]["__utma"] == "1"
    assert get(hb, "/cookies").body == b'{\n  "cookies": {}\n}\n'


def test_cookies_set_quotes_as_werkzeug_and_redirects_to_cookies(hb):
    response = get(hb, '/cookies/set?a=b%20c&d=%C3%A9&e=x;y&f=a"b&a=2&plain=v', status=302)
    assert response.headers["Location"] == "/httpbin/cookies"
    assert response.headers.getall("Set-Cookie") == [
        'a="b c"; Path=/',
        'd="\\303\\251"; Path=/',
        'e="x\\073y"; Path=/',
        'f="a\\"b"; Path=/',
        "plain=v; Path=/",
    ]


def test_cookie_set_by_path_delete_and_secure_over_https(hb):
    assert get(hb, "/cookies/set/n/b%20c", status=302).headers["Set-Cookie"] == ('n="b c"; Path=/')
    secure = hb.get(M + "/cookies/set/n/v", status=302, extra_environ={"wsgi.url_scheme": "https"})
    assert secure.headers["Set-Cookie"] == "n=v; Path=/; Secure"
    deleted = get(hb, "/cookies/delete?a&b=", status=302)
    assert deleted.headers.getall("Set-Cookie") == [
        "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
    ]


def test_cookie_round_trip_through_webtest(hb):
    hb.get(M + "/cookies/set?flavour=oat", status=302).follow()
    assert hb.get(M + "/cookies").json == {"cookies": {"flavour": "oat"}}


@pytest.mark.parametrize(
    "path", ["/cookies/set?a%3Bb=1", "/cookies/set/a%20b/v", "/cookies/delete?a%3Db"]
)
def test_a_cookie_name_that_is_not_a_token_is_400(hb, path):
    error_of(get(hb, path, status=400), 400, "name")


# -- auth --------------------------------------------------------------------------------


def basic(user, password):
    return {
        "Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    }


def test_basic_auth(hb):
    assert get(hb, "/basic-auth/user/p%C3%A4sswd", headers=basic("user", "pässwd")).body == (
        b'{\n  "authenticated": true,\n  "user": "user"\n}\n'
    )
    for headers in (
        {},
        basic("user", "wrong"),
        basic("other", "pässwd"),
        {"Authorization": "Basic !!!"},
        {"Authorization": "Digest a=b"},
    ):
        refused = get(hb, "/basic-auth/user/p%C3%A4sswd", status=401, headers=headers)
        assert refused.headers["WWW-Authenticate"] == 'Basic realm="Fake Realm"'
        assert refused.headers["Access-Control-Allow-Credentials"] == "true"


def test_hidden_basic_auth_is_404_without_a_challenge(hb):
    assert get(hb, "/hidden-basic-auth/u/p", headers=basic("u", "p")).json == {
        "authenticated": True,
        "user": "u",
    }
    refused = get(hb, "/hidden-basic-auth/u/p", status=404, headers=basic("u", "x"))
    assert "WWW-Authenticate" not in refused.headers and refused.body == b""


def test_bearer(hb):
    assert get(hb, "/bearer", headers={"Authorization": "Bearer abcd1234"}).json == {
        "authenticated": True,
        "token": "abcd1234",
    }
    for headers in (
        {},
        {"Authorization": "Basic 1234abcd"},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "bearer x"},
    ):
        refused = get(hb, "/bearer", status=401, headers=headers)
        assert refused.headers["WWW-Authenticate"] == "Bearer"


def challenge_of(response):
    """The parameters of a response's ``WWW-Authenticate: Digest ...`` challenge."""
    return challenge_params(response.headers["WWW-Authenticate"])


@pytest.mark.parametrize("qop", [None, "auth", "auth-int"])
@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-512"])
def test_digest_auth_round_trip(hb, qop, algorithm):
    uri = "%s/digest-auth/%s/user/passwd/%s" % (M, qop or "any", algorithm)
    first = hb.get(uri, status=401)
    challenge = challenge_of(first)
    assert challenge["algorithm"] == algorithm and challenge["stale"] == "false"
    assert challenge["qop"] == (qop or "auth, auth-int")
    assert len(challenge["nonce"]) == len(digest("", algorithm))
    assert first.headers.getall("Set-Cookie") == [
        "stale_after=never; Path=/",
        "fake=fake_value; Path=/",
    ]
    body = b"request payload" if qop == "auth-int" else b""
    ok = hb.request(
        uri,
        method="GET",
        body=body,
        headers=digest_header(uri, "user", "passwd", challenge, qop, body=body),
    )
    assert ok.json == {"authenticated": True, "user": "user"}
    wrong = hb.get(uri, status=401, headers=digest_header(uri, "user", "nope", challenge, qop))
    assert challenge_of(wrong)["stale"] == "false"


def test_digest_auth_stale_after_counts_down(hb):  # hb is fresh per test: its own cookie jar
    uri = M + "/digest-auth/auth/user/passwd/MD5/2"
    challenge = challenge_of(hb.get(uri, status=401))
    assert hb.cookies["stale_after"] == "2"
    for nc in (1, 2):
        hb.get(uri, headers=digest_header(uri, "user", "passwd", challenge, "auth", nc))
    assert hb.cookies["stale_after"] == "0"
    stale = hb.get(
        uri, status=401, headers=digest_header(uri, "user", "passwd", challenge, "auth", 3)
    )
    assert challenge_of(stale)["stale"] == "true"


def test_digest_auth_reusing_a_failed_nonce_is_stale(hb):
    uri = M + "/digest-auth/auth/user/passwd"
    challenge = challenge_of(hb.get(uri, status=401))
    hb.get(uri, status=401, headers=digest_header(uri, "user", "wrong", challenge, "auth"))
    again = hb.get(uri, status=401, headers=digest_header(uri, "user", "passwd", challenge, "auth"))
    assert challenge_of(again)["stale"] == "true"


def test_digest_auth_checks_user_and_uri(hb):
    uri = M + "/digest-auth/auth/user/passwd"
    challenge = challenge_of(hb.get(uri, status=401))
    # httpbin would accept another user name with the right password.
    hb.get(uri, status=401, headers=digest_header(uri, "other", "passwd", challenge, "auth"))
    other = M + "/digest-auth/auth/user/passwd/MD5"
    hb.get(uri, status=401, headers=digest_header(other, "user", "passwd", challenge, "auth"))


def test_digest_auth_require_cookie(hb):
    uri = M + "/digest-auth/auth/user/passwd?require-cookie=true"
    challenge = challenge_of(hb.get(uri, status=401))
    ok = hb.get(uri, headers=digest_header(uri, "user", "passwd", challenge, "auth"))
    assert ok.json["authenticated"] is True
    hb.reset()  # no cookies sent: challenged again, then refused without "fake"
    hb.get(uri, status=401, headers=digest_header(uri, "user", "passwd", challenge, "auth"))
    refused = hb.get(
        uri,
        status=403,
        headers=dict(digest_header(uri, "user", "passwd", challenge, "auth"), Cookie="other=1"),
    )
    assert refused.json == {"errors": ["missing cookie set on challenge"]}


def test_digest_auth_other_schemes_get_a_challenge(hb):
    for headers in ({}, {"Authorization": "Basic 1234abcd"}, {"Authorization": ""}):
        response = hb.get(M + "/digest-auth/auth/myname/mysecret", status=401, headers=headers)
        assert response.headers["WWW-Authenticate"].startswith("Digest ")


# -- samples -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, content_type, start",
    [
        ("/html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("/xml", "application/xml", b"<?xml"),
        ("/json", "application/json", b'{\n  "slideshow": {'),
        ("/encoding/utf8", "text/html; charset=utf-8", b"<h1>"),
        ("/deny", "text/plain", b"\n"),
        ("/forms/post", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("/image/png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("/image/jpeg", "image/jpeg", b"\xff\xd8\xff"),
        ("/image/webp", "image/webp", b"RIFF"),
        ("/image/svg", "image/svg+xml", b"<svg"),
    ],
)
def test_samples_have_httpbins_types(hb, path, content_type, start):
    response = get(hb, path)
    assert response.headers["Content-Type"] == content_type
    assert response.body.startswith(start)
    assert int(response.headers["Content-Length"]) == len(response.body) > 10


def test_json_sample_has_the_slideshow_shape(hb):
    show = get(hb, "/json").json["slideshow"]
    assert sorted(show) == ["author", "date", "slides", "title"]
    assert [sorted(slide) for slide in show["slides"]] == [
        ["title", "type"],
        ["items", "title", "type"],
    ]


def test_utf8_sample_is_utf8_beyond_latin(hb):
    text = get(hb, "/encoding/utf8").body.decode("utf-8")
    assert any(ord(c) > 0xFFFF for c in text) and any(0x3040 <= ord(c) < 0x30A0 for c in text)


def test_robots_and_form_point_into_the_mount(hb):
    assert get(hb, "/robots.txt").body == b"User-agent: *\nDisallow: /httpbin/deny\n"
    assert 'action="/httpbin/post"' in get(hb, "/forms/post").text


@pytest.mark.parametrize(
    "accept, content_type",
    [
        (None, "image/png"),
        ("image/webp,*/*", "image/webp"),
        ("image/svg+xml", "image/svg+xml"),
        ("image/jpeg", "image/jpeg"),
        ("image/png", "image/png"),
        ("IMAGE/*", "image/png"),
    ],
)
def test_image_by_accept(hb, accept, content_type):
    headers = {"Accept": accept} if accept else {}
    assert get(hb, "/image", headers=headers).headers["Content-Type"] == content_type


def test_image_not_acceptable(hb):
    for accept in ("*/*", "text/html"):
        response = get(hb, "/image", status=406, headers={"Accept": accept})
        assert response.json["accept"][-1] == "image/*"


def test_index_lists_the_routes(hb):
    page = get(hb, "").text
    assert 'href="/httpbin/get"' in page and "/httpbin/status/&lt;codes&gt;" in page


def test_index_is_styled_like_the_site_wherever_it_is_mounted(hb):
    from wsgi_echo import pages

    page = get(hb, "").text
    # Inlined, not linked: a pure httpbin mount has no static site beside it.
    assert "<style>\n%s</style>" % pages.stylesheet() in page
    assert "--accent: #1e3c78" in pages.stylesheet()  # the demo site's colours
    assert "<table>" in page and '<td class="methods">GET</td>' in page


# -- /sse and /dump/request (go-httpbin) -------------------------------------------------


def test_sse_events(hb):
    started = time.monotonic()
    response = get(hb, "/sse?count=3&duration=100ms")
    assert 0.09 <= time.monotonic() - started < 0.8
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    events = response.body.decode().split("\n\n")
    assert events[-1] == "" and len(events) == 4
    for number, event in enumerate(events[:-1]):
        kind, data = event.split("\n")
        assert kind == "event: ping"
        parsed = json.loads(data[len("data: ") :])
        assert parsed["id"] == number and abs(parsed["timestamp"] / 1000 - time.time()) < 5
        assert data.startswith('data: {"id":')  # Go's compact JSON


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("count=0", "count"),
        ("count=6", "count"),
        ("count=x", "count"),
        ("count=3&duration=0", "duration"),
        ("count=3&duration=1m", "duration"),
        ("count=3&duration=-1ms", "duration"),
        ("count=3&duration=0.1&delay=foo", "delay"),
        ("count=3&duration=0.6&delay=0.5", "duration"),
    ],
)
def test_sse_bad_parameters_are_400(hb, query, parameter):
    error_of(get(hb, "/sse?" + query, status=400), 400, parameter)


def test_dump_request(hb):
    response = hb.post(
        M + "/dump/request?foo=bar",
        params=b"hello",
        extra_environ={
            "HTTP_HOST": "test-host",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REQUEST_URI": "/httpbin/dump/request?foo=bar",
        },
        headers={"x-test-header2": "Test-Value2", "X-Test-Header1": "Test-Value1"},
        content_type="text/plain",
    )
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body == (
        b"POST /httpbin/dump/request?foo=bar HTTP/1.1\r\nHost: test-host\r\n"
        b"Content-Length: 5\r\nContent-Type: text/plain\r\n"
        b"X-Test-Header1: Test-Value1\r\nX-Test-Header2: Test-Value2\r\n"
        b"\r\nhello"
    )


# -- what every answer shares: CORS, HEAD, OPTIONS, 404, 405 -----------------------------


@pytest.mark.parametrize(
    "path, status",
    [
        ("/get", 200),
        ("/status/500", 500),
        ("/nope", 404),
        ("/bytes/x", 400),
        ("/basic-auth/a/b", 401),
    ],
)
def test_cors_headers_on_every_answer(hb, path, status):
    response = get(hb, path, status=status, headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert get(hb, path, status=status).headers["Access-Control-Allow-Origin"] == "*"


def test_options_is_a_preflight_answer(hb):
    response = hb.options(
        M + "/get",
        headers={"Origin": "https://app.example", "Access-Control-Request-Headers": "X-Test"},
    )
    assert response.status_int == 200 and response.body == b""
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert response.headers["Access-Control-Allow-Methods"] == (
        "GET, POST, PUT, DELETE, PATCH, OPTIONS"
    )
    assert response.headers["Access-Control-Max-Age"] == "3600"
    assert response.headers["Access-Control-Allow-Headers"] == "X-Test"
    assert "Access-Control-Allow-Headers" not in hb.options(M + "/post").headers


@pytest.mark.parametrize("path", ["/get", "/json", "/bytes/10", "/status/418", "/range/10"])
def test_head_is_get_without_the_body(hb, path):
    same = dict(CLIENT, CONTENT_LENGTH="0")  # WebTest's HEAD sends "Content-Length: 0"
    got = hb.get(M + path, status="*", extra_environ=same)
    head = hb.head(M + path, status="*", extra_environ=same)
    assert head.status_int == got.status_int and head.body == b""
    assert head.headers["Content-Length"] == str(len(got.body))


def test_head_of_a_stream_sends_no_body(hb):
    response = hb.head(M + "/stream/3")
    assert response.body == b"" and response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/get/",
        "/status/",
        "/status/200/x",
        "/basic-auth/u",
        "/cookies/set/a",
        "/anythingelse",
        "/links/1/2/3",
    ],
)
def test_paths_that_are_no_route_are_404(hb, path):
    error_of(get(hb, path, status=404), 404)


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("POST", "/get", "GET, HEAD, OPTIONS"),
        ("GET", "/post", "POST, OPTIONS"),
        ("DELETE", "/response-headers", "GET, POST, HEAD, OPTIONS"),
        ("PUT", "/bytes/1", "GET, HEAD, OPTIONS"),
    ],
)
def test_a_method_a_route_does_not_take_is_405(hb, method, path, allow):
    response = hb.request(M + path, method=method, status=405)
    error_of(response, 405)
    assert response.headers["Allow"] == allow


def test_the_default_mount_table_serves_httpbin_at_slash_httpbin(default_app):
    assert default_app.get("/httpbin/get").json["url"] == "http://localhost/httpbin/get"
    assert default_app.get("/echo/x").json["path"] == "/echo/x"


def test_a_root_mount_is_a_pure_httpbin(root_hb):
    assert root_hb.get("/redirect/1", status=302).headers["Location"] == "/get"
    assert root_hb.get("/status/302", status=302).headers["Location"] == "/redirect/1"
    assert root_hb.get("/get").json["url"] == "http://localhost/get"


# -- the JSON writer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"a": []},
        {"b": {"z": "1", "a": ["x", "y"], "m": {}}, "a": None},
        {"n": [1, -2, 2.5, 1e-7, 1e300, -0.0, 10**30, True, False, None, {"q": [[], {}]}]},
        {"s": 'é\u2028\ud800"\\\n\x00', "é": {"ü": "\U0001f642"}},
        {"deep": {"x": {"y": {"z": [1, {"k": "v"}]}}}},
        {"a%s": "%d", "%": {"%%": ["%"]}},
    ],
)
def test_json_bytes_writes_what_flask_jsonify_writes(document):
    expected = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    assert json_bytes.dumps(document) == expected.encode("ascii")


@pytest.mark.parametrize(
    "target, parameter",
    [
        # Every other parameter within LIMITS, so the non-ASCII one is the one refused.
        ("/bytes/10?seed=%E2%82%AC", "seed"),
        ("/drip?duration=0&numbytes=%E2%82%AC", "numbytes"),
        ("/drip?duration=0&delay=%C3%A9", "delay"),
        ("/sse?count=%E2%82%AC", "count"),
        ("/sse?count=2&duration=0.5&delay=%E2%82%AC", "delay"),
        ("/range/10?duration=%E2%82%AC", "duration"),
        ("/stream-bytes/10?chunk_size=%E2%82%AC", "chunk_size"),
        ("/bytes/%E2%82%AC", "n"),
    ],
)
def test_a_non_ascii_parameter_is_a_400_naming_it(root_hb, target, parameter):
    error_of(root_hb.get(target, status=400), 400, parameter)


def test_an_unreadable_redirect_host_is_a_400(tmp_path):
    app = make(tmp_path, "/", redirect_hosts="example.com")
    assert app.get("/redirect-to?url=http://%5B::1", status=400).json["parameter"] == "url"


def test_cors_credentials_can_be_turned_off(tmp_path):
    app = make(tmp_path, "/", cors_credentials="false")
    response = app.get(
        "/cookies", headers={"Origin": "https://evil.example", "Cookie": "session=s3cret"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    default = make(tmp_path, "/", name="default.ini")
    reflected = default.get("/cookies", headers={"Origin": "https://evil.example"})
    assert reflected.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    assert reflected.headers["Access-Control-Allow-Credentials"] == "true"
