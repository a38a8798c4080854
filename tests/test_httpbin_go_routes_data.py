"""go-httpbin's data and self-description routes in the httpbin app,
in-process with WebTest: ``/base64/encode`` and ``/base64/decode``,
``/hostname``, ``/env`` and ``/version``, ``seed`` and ``chunk_size`` on the
byte routes, and every new route's place in the table, the index and the
docs."""

import base64
import os

import pytest
from go_routes_helpers import make, refused
from httpbin_app import no_route

import wsgi_echo
from conftest import PROJECT
from wsgi_echo.apps.httpbin import server_info
from wsgi_echo.apps.httpbin.app import ROUTES

NEW_ROUTES = (
    "/head",
    "/jsonl",
    "/upload",
    "/unstable",
    "/trailers",
    "/base64/encode/<value>",
    "/base64/decode/<value>",
    "/hostname",
    "/env",
    "/version",
)


@pytest.fixture
def hb(tmp_path):
    return make(tmp_path)


# -- /base64 --------------------------------------------------------------------------------


def test_base64_encode_is_url_safe_and_padded(hb):
    response = hb.get("/base64/encode/%FF%FE%20ok")
    assert response.body == base64.urlsafe_b64encode(b"\xff\xfe ok") == b"__4gb2s="
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize("value", ["aGVsbG8gd29ybGQ=", "aGVsbG8gd29ybGQ", "aGVsbG8+d29ybGQ="])
def test_base64_decode_reads_either_alphabet_padded_or_not(hb, value):
    response = hb.get("/base64/decode/" + value)
    assert response.body == base64.b64decode(value + "=" * (-len(value) % 4))
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_base64_decode_labels_bytes_that_are_not_text(hb):
    response = hb.get("/base64/decode/" + base64.urlsafe_b64encode(b"\xff\x00").decode())
    assert response.body == b"\xff\x00"
    assert response.headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("value", ["!!!", "Y", "%C3%A9"])
def test_bad_base64_to_decode_is_400(hb, value):
    refused(hb.get("/base64/decode/" + value, status=400), 400, "value")


def test_base64_of_a_value_stays_httpbins(hb):
    assert hb.get("/base64/aGk=").headers["Content-Type"] == "text/html; charset=utf-8"
    refused(hb.get("/base64/_w", status=400), 400, "value")  # not UTF-8 here
    no_route(hb.get("/base64/other/aGk=", status=404))


# -- /hostname, /env, /version ----------------------------------------------------------------


def test_hostname_and_env_are_off_by_default(hb):
    for path in ("/hostname", "/env"):
        no_route(hb.get(path, status=404))
        assert ">%s<" % path not in hb.get("/").text


def test_hostname_when_turned_on(tmp_path):
    app = make(tmp_path, hostname_route="true")
    assert app.get("/hostname").json == {"hostname": os.uname().nodename}
    no_route(app.get("/env", status=404))


def test_env_shows_only_published_variables_without_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("HTTPBIN_ENV_REGION", "eu-west")
    monkeypatch.setenv("HTTPBIN_ENV_API_KEY", "planted-secret")
    monkeypatch.setenv("HTTPBIN_ENV_DB_Password", "planted-secret")
    monkeypatch.setenv("HTTPBIN_REGION", "unpublished")
    app = make(tmp_path, env_route="true")
    assert app.get("/env").json == {"env": {"HTTPBIN_ENV_REGION": "eu-west"}}
    assert b"planted-secret" not in app.get("/env").body
    assert "/env" in app.get("/").text and "/hostname" not in app.get("/").text


def test_the_secret_filter_sees_each_word():
    for word in ("TOKEN", "secret", "PASSWD", "Credentials", "PRIVATE_KEY", "SESSION", "AUTH"):
        assert server_info.shown_environment({"HTTPBIN_ENV_X_%s" % word: "v"}) == {}, word
    assert server_info.shown_environment({"HTTPBIN_ENV_COLOUR": "v"}) == {"HTTPBIN_ENV_COLOUR": "v"}


def test_version_is_the_package_version(hb):
    assert hb.get("/version").json == {"service": "wsgi-echo", "version": wsgi_echo.__version__}


def test_head_is_get_without_the_body_and_takes_head_alone(hb):
    head = hb.head("/head?a=1")
    of_get = hb.head("/get?a=1")  # the same document, its url one letter longer
    assert head.status_int == 200 and head.body == b""
    assert head.headers["Content-Type"] == "application/json"
    assert int(head.headers["Content-Length"]) == int(of_get.headers["Content-Length"]) + 1
    refused = hb.get("/head", status=405)
    assert refused.headers["Allow"] == "HEAD, OPTIONS"


# -- seed and chunk_size ----------------------------------------------------------------------


def test_bytes_with_chunk_size_are_written_in_pieces(hb):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/bytes/10",
        "QUERY_STRING": "seed=3&chunk_size=4",
        "SERVER_NAME": "t",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    answer = []
    pieces = list(hb.app(environ, lambda status, headers, exc_info=None: answer.extend(headers)))
    assert [len(piece) for piece in pieces] == [4, 4, 2]  # the writes the server makes
    assert b"".join(pieces) == hb.get("/bytes/10?seed=3").body
    assert ("Content-Length", "10") in answer


def test_a_seeded_range_is_the_seeded_bytes_in_parts(hb):
    whole = hb.get("/bytes/100?seed=9").body
    parts = [
        hb.get("/range/100?seed=9", headers={"Range": "bytes=%d-%d" % (start, start + 29)}).body
        for start in (0, 30, 60)
    ]
    last = hb.get("/range/100?seed=9", headers={"Range": "bytes=90-"}, status=206).body
    assert b"".join(parts) + last == whole
    assert hb.get("/range/100?seed=9").headers["ETag"] == "range100-seed9"
    assert hb.get("/range/100").body[:3] == b"abc"  # unseeded: httpbin's letters


# -- the route table reaches the index and the docs ---------------------------------------


def test_every_new_route_is_in_the_table_the_index_and_the_docs(tmp_path):
    app = make(tmp_path, hostname_route="true", env_route="true")
    page = app.get("/").text
    with open(os.path.join(PROJECT, "docs", "httpbin.md"), encoding="utf-8") as handle:
        docs = handle.read()
    patterns = [pattern for pattern, _, _ in ROUTES]
    for route in NEW_ROUTES:
        assert route in patterns, route
        assert route.replace("<", "&lt;").replace(">", "&gt;") in page, route
        assert "`%s" % route in docs, route
