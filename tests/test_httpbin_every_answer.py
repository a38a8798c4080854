"""What every answer of the httpbin app shares, in-process with WebTest: CORS
headers (and ``cors_credentials`` turning the credentials off), ``OPTIONS``
as a preflight answer, HEAD as GET without the body, 404s and 405s, the mount
tables, the JSON writer (what Flask's ``jsonify`` writes) and the 400 for a
parameter that is not ASCII or a redirect host that cannot be read.
"""

import json

import pytest
from httpbin_app import CLIENT, METHOD_NOT_ALLOWED_PAGE, M, error_of, get, make, no_route

from wsgi_echo.apps.httpbin import json_bytes

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
        "/anything/",
    ],
)
def test_paths_that_are_no_route_are_werkzeugs_404_page_as_in_httpbin(hb, path):
    no_route(get(hb, path, status=404))


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("POST", "/get", "GET, HEAD, OPTIONS"),
        ("GET", "/post", "POST, OPTIONS"),
        ("DELETE", "/response-headers", "GET, POST, HEAD, OPTIONS"),
        ("PUT", "/bytes/1", "GET, HEAD, OPTIONS"),
    ],
)
def test_a_method_a_route_does_not_take_is_werkzeugs_405_page_as_in_httpbin(
    hb, method, path, allow
):
    response = hb.request(M + path, method=method, status=405)
    assert response.status == "405 METHOD NOT ALLOWED"
    assert response.body == METHOD_NOT_ALLOWED_PAGE
    # Werkzeug's order: the type, Allow, then the length; CORS after them
    assert [name for name, _ in response.headerlist[:3]] == [
        "Content-Type",
        "Allow",
        "Content-Length",
    ]
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
