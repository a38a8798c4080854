"""The httpbin app in-process, as the ``test_httpbin_*`` modules use it: the
app under small limits (``make``), its ``hb`` (mounted at ``/httpbin``) and
``root_hb`` (mounted at ``/``) fixtures, requests through WebTest (``get``) or
below it (``call``), and the check of a JSON error (``error_of``).

The fixtures reach those modules through ``pytest_plugins`` in conftest.py.

Expected values in those modules were taken from httpbin 0.10.4 itself (Flask
3.1, werkzeug 3.1) given the same request, and are written out there; where
this app deliberately answers differently (see docs/httpbin.md), the test
says so.  The app is mounted at ``/httpbin`` unless a test needs it at the
root, so every link and redirect is checked relative to the mount.
"""

import io

import pytest

from conftest import app_for, settings_text

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


def call(app, method, path, query="", headers=(), body=b"", environ=None):
    """The app called directly, below WebTest (which buffers and decodes
    bodies): (status, headers, the response iterable as returned).  A dict
    given as ``environ`` is the one used, for a test to read afterwards."""
    environ = {} if environ is None else environ
    environ.update(
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


# Werkzeug's pages, as httpbin 0.10.4 (Flask 3.1, werkzeug 3.1) sends them.
NOT_FOUND_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server. If you entered the URL manually "
    b"please check your spelling and try again.</p>\n"
)
METHOD_NOT_ALLOWED_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
    b"<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n"
)


def no_route(response):
    """httpbin's answer to a path that is no route: Werkzeug's 404 page."""
    assert response.status == "404 NOT FOUND"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.body == NOT_FOUND_PAGE
    assert response.headers["Access-Control-Allow-Origin"] == "*"
