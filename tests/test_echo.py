"""The echo responder in-process with WebTest: every key, every method, the
response shaping headers and the body limit."""

import base64
import hashlib
import json

import pytest

from conftest import app_for
from wsgi_echo.request import header_names

KEYS = [
    "method",
    "host",
    "path",
    "query_string",
    "query",
    "scheme",
    "secure",
    "http_version",
    "headers",
    "cookies",
    "json",
    "remote_addr",
    "url",
    "form",
    "files",
    "body",
    "body_encoding",
    "tls",
    "content_encoding",
    "instance",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "PROPFIND"]


def test_keys_come_in_the_documented_order(echo_app):
    response = echo_app.get("/anything")
    assert response.content_type == "application/json"
    assert list(json.loads(response.text)) == KEYS


@pytest.mark.parametrize("method", METHODS)
def test_every_method_is_echoed_as_sent(echo_app, method):
    response = echo_app.request("/m", method=method)
    assert response.status_int == 200
    assert response.json["method"] == method


def test_head_has_the_get_headers_and_no_body(echo_app):
    get = echo_app.request("/same", method="GET")
    head = echo_app.request("/same", method="HEAD")
    assert head.body == b""
    assert head.headers["Content-Type"] == "application/json"
    # The length of the JSON a HEAD would describe: the same, but "HEAD" for "GET".
    assert int(head.headers["Content-Length"]) == len(get.body) + 1


def test_options_adds_allow(echo_app):
    response = echo_app.options("/x")
    assert response.headers["Allow"] == "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    assert "Allow" not in echo_app.get("/x").headers


def test_browser_like_get_reference_example(echo_app):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"
    data = echo_app.get(
        "/index",
        headers={"Accept": accept, "User-Agent": agent},
        extra_environ={"HTTP_HOST": "127.0.0.1:8080", "SERVER_PROTOCOL": "HTTP/1.1"},
    ).json
    assert data["method"] == "GET"
    assert data["host"] == "127.0.0.1:8080"
    assert data["path"] == "/index"
    assert data["query_string"] == "" and data["query"] == {}
    assert data["scheme"] == "http" and data["secure"] is False
    assert data["http_version"] == "1.1"
    assert data["headers"]["Accept"] == accept
    assert data["headers"]["User-Agent"] == agent
    assert data["cookies"] == {} and data["json"] is None


def test_post_json_reference_example(echo_app):
    response = echo_app.post(
        "/method?a=b&b=a",
        params=b'{"data": "value"}',
        content_type="application/json",
        headers={"X-Header": "value", "Cookie": "xcookie=value"},
    )
    data = response.json
    assert data["method"] == "POST"
    assert data["path"] == "/method"
    assert data["query_string"] == "a=b&b=a"
    assert data["query"] == {"a": "b", "b": "a"}
    assert data["headers"]["Content-Type"] == "application/json"
    assert data["headers"]["X-Header"] == "value"
    assert data["cookies"] == {"xcookie": "value"}
    assert data["json"] == {"data": "value"}


def test_query_repeats_become_lists_and_blank_values_stay(echo_app):
    data = echo_app.get("/q?a=1&b=&a=2&c&a=3&sp=x+y&pct=%C3%A9").json
    assert data["query"] == {"a": ["1", "2", "3"], "b": "", "c": "", "sp": "x y", "pct": "é"}
    assert data["query_string"] == "a=1&b=&a=2&c&a=3&sp=x+y&pct=%C3%A9"


def test_path_is_percent_decoded_utf8(echo_app):
    data = echo_app.get("/caf%C3%A9/a%20b").json
    assert data["path"] == "/café/a b"
    assert data["url"] == "http://localhost:80/caf%C3%A9/a%20b"


def test_host_falls_back_to_server_name_and_port(echo_app):
    data = echo_app.get(
        "/h", extra_environ={"HTTP_HOST": "", "SERVER_NAME": "example", "SERVER_PORT": "81"}
    ).json
    assert data["host"] == "example:81"


def test_https_is_reported_as_secure(echo_app):
    data = echo_app.get("/s", extra_environ={"wsgi.url_scheme": "https"}).json
    assert data["scheme"] == "https" and data["secure"] is True
    assert data["url"].startswith("https://")


def test_header_names_are_title_cased_per_word(echo_app):
    headers = echo_app.get(
        "/h", headers={"x-api-key": "k", "content-type": "text/plain", "ACCEPT-language": "en"}
    ).json["headers"]
    assert headers["X-Api-Key"] == "k"
    assert headers["Content-Type"] == "text/plain"
    assert headers["Accept-Language"] == "en"


def test_cookies_are_an_object(echo_app):
    data = echo_app.get("/c", headers={"Cookie": "a=1; b=two; c="}).json
    assert data["cookies"] == {"a": "1", "b": "two", "c": ""}


@pytest.mark.parametrize("body", [b"{not json", b"NaN", b"[1, 2", b"\xff\xfe", b"[" * 100000])
def test_invalid_json_body_is_null_not_an_error(echo_app, body):
    response = echo_app.post("/j", params=body, content_type="application/json")
    assert response.status_int == 200
    assert response.json["json"] is None


def test_json_without_json_content_type_is_still_parsed(echo_app):
    assert echo_app.put("/j", params=b"[1, 2, 3]").json["json"] == [1, 2, 3]


def test_body_text_or_base64(echo_app):
    text = echo_app.post("/b", params="héllo".encode()).json
    assert text["body"] == "héllo" and text["body_encoding"] == "utf-8"
    raw = bytes(range(256))
    binary = echo_app.post("/b", params=raw, content_type="application/octet-stream").json
    assert binary["body_encoding"] == "base64"
    assert base64.b64decode(binary["body"]) == raw


def test_urlencoded_form_fields_with_repeats(echo_app):
    data = echo_app.post("/f", params=[("a", "1"), ("b", "x y"), ("a", "2")]).json
    assert data["form"] == {"a": ["1", "2"], "b": "x y"}
    assert data["files"] == {}


def test_multipart_fields_and_files(echo_app):
    png = bytes(range(256)) * 4
    data = echo_app.post(
        "/f",
        params=[("name", "ada"), ("tag", "1"), ("tag", "2")],
        upload_files=[("upload", "pic.png", png, "image/png")],
    ).json
    assert data["form"] == {"name": "ada", "tag": ["1", "2"]}
    assert data["files"] == {
        "upload": {
            "filename": "pic.png",
            "content_type": "image/png",
            "size": 1024,
            "sha256": hashlib.sha256(png).hexdigest(),
        }
    }
    assert data["body_encoding"] == "base64"  # the raw multipart body is not UTF-8


def test_malformed_multipart_is_not_an_error(echo_app):
    response = echo_app.request(
        "/f",
        method="POST",
        body=b"--x\r\ngarbage",
        headers={"Content-Type": "multipart/form-data; boundary=zz"},
    )
    assert response.status_int == 200
    assert response.json["form"] == {}


def test_remote_addr_and_url(echo_app):
    data = echo_app.get("/u/v?x=1", extra_environ={"REMOTE_ADDR": "192.0.2.7"}).json
    assert data["remote_addr"] == "192.0.2.7"
    assert data["url"] == "http://localhost:80/u/v?x=1"


def test_lone_surrogate_in_json_body_still_answers(echo_app):
    response = echo_app.post("/j", params=b'["\\ud800"]', content_type="application/json")
    assert response.status_int == 200
    assert response.json["json"] == ["\ud800"]


# -- response shaping -----------------------------------------------------------


@pytest.mark.parametrize("status", [200, 201, 302, 404, 418, 503, 599])
def test_echo_status_sets_the_status(echo_app, status):
    response = echo_app.get("/s", headers={"X-Echo-Status": str(status)}, status=status)
    assert response.json["path"] == "/s"


@pytest.mark.parametrize("status", [204, 304])
def test_bodyless_statuses_carry_no_body(echo_app, status):
    response = echo_app.get("/s", headers={"X-Echo-Status": str(status)}, status=status)
    assert response.body == b""
    assert "Content-Type" not in response.headers


@pytest.mark.parametrize("value", ["abc", "100", "600", "-1", "2OO", "", "20 0", "99999999999"])
def test_invalid_echo_status_is_a_400_naming_the_header(echo_app, value):
    response = echo_app.get("/s", headers={"X-Echo-Status": value}, status=400)
    assert response.json["header"] == "X-Echo-Status"
    assert response.json["status"] == 400


def test_echo_delay_waits(echo_app):
    import time

    started = time.monotonic()
    echo_app.get("/d", headers={"X-Echo-Delay": "150"})
    assert time.monotonic() - started >= 0.15


@pytest.mark.parametrize("value", ["soon", "-5", "1.5", "10001"])
def test_invalid_or_too_long_delay_is_a_400(echo_app, value):
    response = echo_app.get("/d", headers={"X-Echo-Delay": value}, status=400)
    assert response.json["header"] == "X-Echo-Delay"


def test_delay_cap_comes_from_settings(tmp_path):
    app = app_for("[echo]\nmax_delay_ms = 5\n[routes]\n/ = echo\n", tmp_path)
    app.get("/d", headers={"X-Echo-Delay": "5"})
    assert "0 to 5" in app.get("/d", headers={"X-Echo-Delay": "6"}, status=400).json["detail"]


def test_echo_header_adds_response_headers(echo_app):
    response = echo_app.get(
        "/h",
        headers={
            "X-Echo-Header": "X-One: 1, Cache-Control: max-age=5, public, Content-Type: text/plain"
        },
    )
    assert response.headers["X-One"] == "1"
    assert response.headers["Cache-Control"] == "max-age=5, public"
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers.getall("Content-Type") == ["text/plain"]


def test_echo_header_from_repeated_lines(echo_app):
    # What the servers hand the app for two X-Echo-Header lines.
    response = echo_app.get("/h", extra_environ={"HTTP_X_ECHO_HEADER": "X-A: 1, X-B: 2"})
    assert (response.headers["X-A"], response.headers["X-B"]) == ("1", "2")


@pytest.mark.parametrize(
    "value",
    [
        "Connection: close",
        "content-length: 5",
        "Transfer-Encoding: chunked",
        "no colon here",
        "Bad Name: x",
        "X-Ok: 1, Keep-Alive: 5",
        ": empty",
    ],
)
def test_refused_or_malformed_echo_header_is_a_400(echo_app, value):
    response = echo_app.get("/h", headers={"X-Echo-Header": value}, status=400)
    assert response.json["header"] == "X-Echo-Header"


def test_shaping_errors_never_500_on_head(echo_app):
    response = echo_app.head("/h", headers={"X-Echo-Status": "nope"}, status=400)
    assert response.body == b""


# -- body limit -------------------------------------------------------------------


def test_body_over_the_limit_is_413_json(tmp_path):
    app = app_for("[server]\nmax_request_bytes = 10\n[routes]\n/ = echo\n", tmp_path)
    assert app.post("/b", params=b"x" * 10).json["body"] == "x" * 10
    response = app.post("/b", params=b"x" * 11, status=413)
    assert response.json["status"] == 413 and response.json["limit"] == 10


def streamed(body):
    """A request as gunicorn presents a chunked one: no length, input to EOF."""
    import io

    from webob import Request

    request = Request.blank("/b", method="POST")
    request.environ.pop("CONTENT_LENGTH", None)
    request.environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body)})
    return request


def test_chunked_body_over_the_limit_is_413(tmp_path):
    app = app_for("[server]\nmax_request_bytes = 10\n[routes]\n/ = echo\n", tmp_path).app
    assert streamed(b"y" * 11).get_response(app).status_int == 413
    data = streamed(b"y" * 10).get_response(app).json
    assert data["body"] == "y" * 10
    assert data["headers"]["Content-Length"] == "10"
    assert "Transfer-Encoding" not in data["headers"]


def test_non_numeric_content_length_is_a_400(echo_app):
    from webob import Request

    request = Request.blank("/b", method="POST", body=b"x")
    request.environ["CONTENT_LENGTH"] = "1x"
    response = request.get_response(echo_app.app)
    assert response.status_int == 400
    assert response.json["header"] == "Content-Length"


def test_header_name_conversion():
    assert header_names.capitalized("HTTP_X_API_KEY") == "X-Api-Key"
    assert header_names.capitalized("CONTENT_TYPE") == "Content-Type"


# -- odd input that once reached a 500 -------------------------------------------


def test_cookie_with_non_utf8_bytes_is_not_an_error(echo_app):
    response = echo_app.get("/c", extra_environ={"HTTP_COOKIE": 'a="\xff"; b=2'})
    assert response.status_int == 200
    assert response.json["cookies"]["b"] == "2"


def test_quoted_cookie_values_lose_their_quotes(echo_app):
    assert echo_app.get("/c", headers={"Cookie": 'q="x y"; flag'}).json["cookies"] == {"q": "x y"}


@pytest.mark.parametrize("with_filename", [True, False])
def test_a_nested_multipart_part_is_skipped_and_the_parts_after_it_shown(echo_app, with_filename):
    disposition = 'form-data; name="f"' + ('; filename="x.txt"' if with_filename else "")
    body = (
        "--outer\r\nContent-Disposition: %s\r\n"
        "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
        '--inner\r\nContent-Disposition: attachment; filename="a.txt"\r\n\r\nhello\r\n'
        '--inner--\r\n--outer\r\nContent-Disposition: form-data; name="plain"\r\n\r\n'
        "value\r\n--outer--\r\n" % disposition
    ).encode()
    response = echo_app.request(
        "/m",
        method="POST",
        body=body,
        headers={"Content-Type": "multipart/form-data; boundary=outer"},
    )
    assert response.status_int == 200  # it was a 500 once
    # The multipart/mixed part is neither a field nor an upload (it is still
    # in "body"); the part after it is shown.  WebOb's parser stopped at it
    # and showed no fields at all.
    assert response.json["form"] == {"plain": "value"} and response.json["files"] == {}
    assert "--inner" in response.json["body"]


@pytest.mark.parametrize("body", [b"1e999", b"[-1e400]", b'{"a": Infinity}', b"-Infinity"])
def test_numbers_json_cannot_hold_are_null(echo_app, body):
    response = echo_app.post("/j", params=body, content_type="application/json")

    def strict(name):
        raise ValueError("not JSON: %s" % name)

    assert json.loads(response.text, parse_constant=strict)["json"] is None


def test_header_named_version_is_echoed(echo_app):
    assert echo_app.get("/v", headers={"Version": "7"}).json["headers"]["Version"] == "7"


def test_trailers_header_is_refused_too(echo_app):
    echo_app.get("/h", headers={"X-Echo-Header": "Trailers: x"}, status=400)


# -- multipart: parts without a name, and the cap on parts ------------------------


@pytest.mark.parametrize(
    "part",
    [
        b"Content-Disposition: form-data\r\n\r\nx",  # no name parameter
        b"\r\nx",  # no headers at all
    ],
)
def test_a_multipart_part_without_a_name_is_reported_under_the_empty_name(echo_app, part):
    body = b"--B\r\n" + part + b"\r\n--B--\r\n"
    response = post_multipart(echo_app, body)
    assert response.status_int == 200  # it was a 500
    assert response.json["form"] == {"": "x"}


def test_a_nameless_upload_is_reported_under_the_empty_name(echo_app):
    body = (
        b'--B\r\nContent-Disposition: form-data; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
    )
    response = post_multipart(echo_app, body)
    assert response.json["files"][""]["filename"] == "a.txt"
    assert response.json["files"][""]["size"] == 5


def test_a_file_input_left_empty_is_an_upload_with_an_empty_filename(echo_app):
    # What a browser sends for <input type=file> with no file chosen.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="doc"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n"
    )
    response = post_multipart(echo_app, body)
    assert response.json["form"] == {}
    assert response.json["files"] == {
        "doc": {
            "filename": "",
            "content_type": "application/octet-stream",
            "size": 0,
            "sha256": hashlib.sha256(b"").hexdigest(),
        }
    }


def test_a_part_is_shown_as_sent_its_transfer_encoding_not_undone(echo_app):
    # RFC 7578 section 4.7: senders must not use Content-Transfer-Encoding;
    # the echo shows such a part's content as it came.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\naGk=\r\n--B--\r\n"
    )
    assert post_multipart(echo_app, body).json["form"] == {"a": "aGk="}


def test_an_upload_type_is_the_media_type_as_sent_and_text_plain_without_one(echo_app):
    body = (
        b'--B\r\nContent-Disposition: form-data; name="a"; filename="a.png"\r\n'
        b"Content-Type: Image/PNG; x=1\r\n\r\npng\r\n"
        b'--B\r\nContent-Disposition: form-data; name="b"; filename="b"\r\n\r\nb\r\n--B--\r\n'
    )
    files = post_multipart(echo_app, body).json["files"]
    assert files["a"]["content_type"] == "Image/PNG"
    assert files["b"]["content_type"] == "text/plain"  # RFC 7578 section 4.4


def post_multipart(app, body, status=200):
    return app.request(
        "/m",
        method="POST",
        body=body,
        status=status,
        headers={"Content-Type": "multipart/form-data; boundary=B"},
    )


def multipart(parts):
    return (
        b"".join(
            b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % n
            for n in range(parts)
        )
        + b"--B--\r\n"
    )


def test_more_multipart_parts_than_the_cap_is_413_naming_the_limit(tmp_path):
    app = app_for("[echo]\nmax_form_parts = 10\n[routes]\n/ = echo\n", tmp_path)
    at_cap = post_multipart(app, multipart(10))
    assert len(at_cap.json["form"]) == 10
    over = post_multipart(app, multipart(11), status=413)
    assert over.json["limit"] == 10 and "10 parts" in over.json["detail"]
    # The default cap is 1,000.
    default = app_for("[routes]\n/ = echo\n", tmp_path, name="default.ini")
    post_multipart(default, multipart(1000))
    post_multipart(default, multipart(1001), status=413)


def test_the_part_count_ignores_lines_that_only_start_like_a_boundary(tmp_path):
    app = app_for("[echo]\nmax_form_parts = 2\n[routes]\n/ = echo\n", tmp_path)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nline\r\n--Bx is text\r\n'
        b'--B\r\nContent-Disposition: form-data; name="b"\r\n\r\nv\r\n--B--\r\n'
    )
    response = post_multipart(app, body)
    assert sorted(response.json["form"]) == ["a", "b"]
