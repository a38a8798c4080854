"""The httpbin app's request echo and request inspection, in-process with
WebTest: ``/get``, ``/post``, ``/put``, ``/patch``, ``/delete``,
``/anything``, then ``/headers``, ``/ip``, ``/user-agent`` and ``/uuid``; the
keys, headers, origin, URL, forms, uploads and JSON bodies as httpbin 0.10.4
shows them (tests/httpbin_app.py says where the expected values come from).
"""

import re

import pytest
from httpbin_app import CLIENT, M, error_of, get, make

from conftest import app_for, settings_text

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


def test_the_part_cap_is_the_max_form_parts_setting(tmp_path):
    app = make(tmp_path, max_form_parts=2)
    part = b'--bb\r\nContent-Disposition: form-data; name="p"\r\n\r\nx\r\n'
    for count, status in ((2, 200), (3, 413)):
        response = app.request(
            M + "/anything",
            method="PUT",
            body=part * count + b"--bb--\r\n",
            status=status,
            content_type="multipart/form-data; boundary=bb",
        )
    assert error_of(response, 413)["detail"] == "the multipart body has more than 2 parts"


def test_an_empty_host_is_the_server_s_name_in_the_url(hb):
    url = hb.get(M + "/get", extra_environ={"HTTP_HOST": "", "SERVER_NAME": "srv"}).json["url"]
    assert url == "http://srv/httpbin/get"


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
