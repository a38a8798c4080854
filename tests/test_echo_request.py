"""The echo responder in-process with WebTest: every key in its documented
order, every method, and the request as it reads it (query, path, host,
scheme, headers, cookies, JSON, text and binary bodies, forms, uploads),
including the odd input that once reached a 500.
"""

import base64
import hashlib
import json

import pytest
from echo_reference import check_post_json_reference

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
    check_post_json_reference(data)


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
