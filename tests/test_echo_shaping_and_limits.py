"""The echo responder in-process with WebTest: the response shaping headers
(``X-Echo-Status``, ``X-Echo-Delay``, ``X-Echo-Header``, each refused with a
400 naming it when bad) and the body limit (413 in JSON, chunked bodies too).
"""

import pytest

from conftest import app_for
from wsgi_echo.request import header_names

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
