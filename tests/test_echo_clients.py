"""The echo for browsers, webhooks and compressed uploads, in-process: CORS
and its preflight, status and delay from the query string, and request
bodies decoded from gzip, deflate and br within the body limit."""

import gzip
import json
import time
import zlib

import brotli
import pytest

from conftest import app_for, settings_text

ORIGIN = "https://app.example"


def echo(tmp_path, **echo_settings):
    return app_for(
        settings_text(
            server={"max_request_bytes": 1048576}, echo=echo_settings, routes={"/": "echo"}
        ),
        tmp_path,
    )


@pytest.fixture
def app(tmp_path):
    return echo(tmp_path)


def preflight(app, origin=ORIGIN, method="PUT", headers="x-custom, content-type", **extra):
    environ = {"HTTP_ORIGIN": origin, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": method}
    if headers is not None:
        environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = headers
    environ.update(extra)
    return app.request("/x", method="OPTIONS", environ=environ, status="*")


# -- CORS ------------------------------------------------------------------------------


def test_a_preflight_is_204_with_what_the_browser_asked_for_and_no_body(app):
    response = preflight(app)
    assert response.status_int == 204 and response.body == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "PUT"
    assert response.headers["Access-Control-Allow-Headers"] == "x-custom, content-type"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_plain_options_is_still_an_echo(app):
    response = app.options("/x", headers={"Origin": ORIGIN})
    assert response.status_int == 200 and response.json["method"] == "OPTIONS"
    assert response.headers["Allow"].startswith("GET, HEAD")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_answer_carries_cors_and_nosniff_errors_included(app):
    ok = app.get("/x", headers={"Origin": ORIGIN})
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert ok.headers["Access-Control-Expose-Headers"] == "*"
    assert ok.headers["X-Content-Type-Options"] == "nosniff"
    assert "Vary" not in ok.headers  # "*" does not depend on the Origin
    bad = app.get("/x", headers={"Origin": ORIGIN, "X-Echo-Status": "nope"}, status=400)
    assert bad.headers["Access-Control-Allow-Origin"] == "*"
    assert bad.headers["X-Content-Type-Options"] == "nosniff"
    assert app.get("/x").headers["X-Content-Type-Options"] == "nosniff"


def test_listed_origins_are_reflected_with_vary_and_others_refused(tmp_path):
    app = echo(tmp_path, cors_origins="https://app.example http://localhost:3000")
    allowed = app.get("/x", headers={"Origin": "http://localhost:3000"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert allowed.headers["Vary"] == "Origin"
    refused = app.get("/x", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert refused.headers["Vary"] == "Origin"
    assert refused.json["method"] == "GET"  # the answer itself is unchanged
    response = preflight(app, origin="https://evil.example")
    assert response.status_int == 204
    assert not [name for name in response.headers if name.startswith("Access-Control-Allow")]
    assert response.headers["Vary"].startswith("Origin")


def test_credentials_need_listed_origins_and_list_the_exposed_headers(tmp_path, ini):
    from wsgi_echo.settings import SettingsError, load

    with pytest.raises(SettingsError, match=r"\[echo\] cors_origins = \*: cors_credentials"):
        load(ini(settings_text(echo={"cors_credentials": "true"}, routes={"/": "echo"})))
    app = echo(tmp_path, cors_origins=ORIGIN, cors_credentials="true")
    response = app.get("/x", headers={"Origin": ORIGIN, "X-Echo-Header": "X-Mine: 1"})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    exposed = response.headers["Access-Control-Expose-Headers"].split(", ")
    assert "X-Mine" in exposed and "*" not in exposed


def test_exposed_headers_can_be_listed(tmp_path):
    app = echo(tmp_path, cors_expose_headers="X-Mine, X-Other", cors_max_age="5")
    response = app.get("/x", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Expose-Headers"] == "X-Mine, X-Other"
    assert preflight(app).headers["Access-Control-Max-Age"] == "5"


def test_private_network_preflights_are_allowed_for_allowed_origins(app):
    response = preflight(app, HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK="true")
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"


@pytest.mark.parametrize(
    "method, headers", [("PU\x01T", "x"), ("PUT", "x\x00y, z"), ("PUT", "a b")]
)
def test_preflight_values_no_browser_would_send_are_not_reflected(app, method, headers):
    response = preflight(app, method=method, headers=headers)
    assert response.status_int == 204
    sent = response.headers.get("Access-Control-Allow-Methods", "") + response.headers.get(
        "Access-Control-Allow-Headers", ""
    )
    assert "\x00" not in sent and "\x01" not in sent and "a b" not in sent


# -- shaping from the query string ----------------------------------------------------------


def test_status_and_delay_can_come_from_the_query(app):
    response = app.get("/hook?echo_status=202&echo_delay=5&x=1", status=202)
    assert response.json["query"] == {"echo_status": "202", "echo_delay": "5", "x": "1"}
    assert app.get("/hook?echo_status=204", status=204).body == b""


def test_the_header_wins_over_the_query(app):
    app.get("/hook?echo_status=500", headers={"X-Echo-Status": "201"}, status=201)
    # ... even when the query's value is one the header would refuse.
    app.get("/hook?echo_status=nope", headers={"X-Echo-Status": "201"}, status=201)


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("echo_status=700", "echo_status"),
        ("echo_status=abc", "echo_status"),
        ("echo_delay=-1", "echo_delay"),
        ("echo_delay=999999999", "echo_delay"),
    ],
)
def test_a_bad_query_value_is_the_same_400_naming_the_parameter(app, query, parameter):
    response = app.get("/hook?" + query, status=400)
    assert response.json["parameter"] == parameter and parameter in response.json["detail"]


def test_response_headers_cannot_be_set_from_the_query(app):
    response = app.get("/hook?echo_header=Content-Type:%20text/html")
    assert response.content_type == "application/json"
    assert response.json["query"] == {"echo_header": "Content-Type: text/html"}


# -- encoded request bodies ------------------------------------------------------------------

DOCUMENT = {"event": "push", "id": 7, "text": "é" * 10}
RAW = json.dumps(DOCUMENT).encode("utf-8")


def post(app, body, coding, status=200, content_type="application/json"):
    return app.request(
        "/hook",
        method="POST",
        body=body,
        status=status,
        headers={"Content-Encoding": coding, "Content-Type": content_type},
    )


@pytest.mark.parametrize(
    "coding, encoded",
    [
        ("gzip", gzip.compress(RAW, mtime=0)),
        ("x-gzip", gzip.compress(RAW, mtime=0)),
        ("deflate", zlib.compress(RAW)),
        ("deflate", zlib.compress(RAW)[2:-4]),  # raw deflate too
        ("br", brotli.compress(RAW)),
        ("gzip, br", brotli.compress(gzip.compress(RAW, mtime=0))),
        ("identity", RAW),
        ("GZIP", gzip.compress(RAW, mtime=0)),
    ],
    ids=["gzip", "x-gzip", "deflate", "raw-deflate", "br", "gzip-br", "identity", "GZIP"],
)
def test_encoded_bodies_are_decoded_before_json_form_and_body(app, coding, encoded):
    data = post(app, encoded, coding).json
    assert data["json"] == DOCUMENT
    assert data["body"] == RAW.decode("utf-8") and data["body_encoding"] == "utf-8"
    removed = [item.strip().lower() for item in coding.split(",") if item.strip() != "identity"]
    assert data["content_encoding"] == removed
    assert data["headers"]["Content-Encoding"] == coding  # as sent


def test_a_decoded_form_is_parsed(app):
    data = post(
        app, gzip.compress(b"a=1&a=2&b=3"), "gzip", content_type="application/x-www-form-urlencoded"
    ).json
    assert data["form"] == {"a": ["1", "2"], "b": "3"}


def test_a_body_without_encoding_reports_none_removed(app):
    assert app.post("/hook", params=b"x").json["content_encoding"] == []


@pytest.mark.parametrize(
    "coding, body",
    [
        ("gzip", b"not gzip at all"),
        ("gzip", gzip.compress(RAW, mtime=0)[:-5]),
        ("deflate", b"\x78\x9c garbage"),
        ("br", b"\xff\xff\xff"),
        ("br", brotli.compress(RAW)[:-3]),
        ("gzip", gzip.compress(RAW, mtime=0) + b"trailing"),
    ],
    ids=["not-gzip", "gzip-cut", "deflate-garbage", "br-garbage", "br-cut", "gzip-trailing"],
)
def test_a_corrupt_stream_is_400(app, coding, body):
    response = post(app, body, coding, status=400)
    assert response.json["encoding"] == coding and "cannot be decoded" in response.json["detail"]


@pytest.mark.parametrize(
    "coding, unknown", [("zstd", "zstd"), ("compress", "compress"), ("gzip, zstd", "zstd")]
)
def test_an_unknown_coding_is_415_naming_it(app, coding, unknown):
    response = post(app, b"xxxx", coding, status=415)
    assert response.json["encoding"] == unknown
    assert unknown in response.json["detail"]


@pytest.mark.parametrize(
    "compress",
    [
        lambda data: gzip.compress(data, 9, mtime=0),
        brotli.compress,
        lambda data: zlib.compress(data, 9),
    ],
    ids=["gzip", "br", "deflate"],
)
def test_a_bomb_is_413_naming_the_limit(tmp_path, compress):
    app = app_for(
        settings_text(server={"max_request_bytes": 100000}, routes={"/": "echo"}), tmp_path
    )
    bomb = compress(b"\0" * 10_000_000)
    assert len(bomb) < 20_000
    coding = {0x1F: "gzip", 0x78: "deflate"}.get(bomb[0], "br")
    response = post(app, bomb, coding, status=413)
    assert response.json["limit"] == 100000
    fits = compress(b"\0" * 100000)
    assert len(post(app, fits, coding).json["body"]) == 100000


def test_gzip_members_one_after_another_are_all_decoded(app):
    members = b"".join(gzip.compress(b"part %d;" % number, mtime=0) for number in range(300))
    members += gzip.compress(b"", mtime=0)
    expected = "".join("part %d;" % number for number in range(300))
    assert post(app, members, "gzip", content_type="text/plain").json["body"] == expected
    cut = members + gzip.compress(b"last", mtime=0)[:-3]
    post(app, cut, "gzip", status=400)


def test_many_empty_gzip_members_cost_time_linear_in_the_body(tmp_path):
    # 2 MiB of empty members (20 bytes each): before, each member copied
    # all that followed it, 5.6 s of CPU; now about 0.1 s.  The bound is
    # CPU time, which other processes' load does not stretch.
    app = app_for(
        settings_text(server={"max_request_bytes": 2 << 20}, routes={"/": "echo"}), tmp_path
    )
    empty = gzip.compress(b"", mtime=0)
    body = empty * ((2 << 20) // len(empty))
    started = time.process_time()
    answer = post(app, body, "gzip", content_type="text/plain")
    assert time.process_time() - started < 0.5
    assert answer.json["body"] == "" and answer.json["content_encoding"] == ["gzip"]
