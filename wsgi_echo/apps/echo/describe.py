"""The echo's document: a pure function of the WSGI environ and the body bytes.

Every key is testable in-process, with no socket and no server.  The hot path
works on the environ directly: a WebOb ``Request`` would build the same facts
through several layers of properties on every call, and the echo exists to
be fast.  The readings every app makes (header names, host, query,
cookies, JSON) come from ``wsgi_echo.request``; the echo's own rules for
form bodies are in ``forms``.
"""

import base64

from ...request.cookies import cookies_of
from ...request.header_names import capitalized
from ...request.host import host_of
from ...request.json_body import parse_json
from ...request.multi import multi
from ...request.query import parse_query
from ...wsgi_text import decoded, request_path, url_path
from .forms import form_and_files
from .tls import describe_tls


def request_headers(environ):
    """Every header with a value, named in the Title-Case-per-word style and
    read as UTF-8, in the environ's order."""
    return {
        name: value if value.isascii() else decoded(value)
        for name, value in capitalized.headers(environ)
        if value
    }


def http_version(environ):
    """ "1.1", "1.0", or "2" (SERVER_PROTOCOL "HTTP/2.0": HTTP/2 has no minor version)."""
    version = environ.get("SERVER_PROTOCOL", "HTTP/1.0").partition("/")[2]
    return "2" if version == "2.0" else version


def describe(environ, body=b""):
    """The request as an ordered dict: the documented keys, in order."""
    query_string = environ.get("QUERY_STRING", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    host = host_of(environ)
    wsgi_path = request_path(environ)
    cookie_header = environ.get("HTTP_COOKIE")
    form, files = form_and_files(environ, body) if body else ({}, {})
    try:
        body_text, body_encoding = body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body_text, body_encoding = base64.b64encode(body).decode("ascii"), "base64"
    url = "%s://%s%s" % (scheme, host, url_path(wsgi_path))
    if query_string:
        url += "?" + query_string
    return {
        "method": environ["REQUEST_METHOD"],
        "host": host,
        "path": decoded(wsgi_path),
        "query_string": query_string,
        "query": multi(parse_query(query_string)) if query_string else {},
        "scheme": scheme,
        "secure": scheme == "https",
        "http_version": http_version(environ),
        "headers": request_headers(environ),
        "cookies": cookies_of(cookie_header) if cookie_header else {},
        "json": parse_json(body),
        "remote_addr": environ.get("REMOTE_ADDR", ""),
        "url": url,
        "form": form,
        "files": files,
        "body": body_text,
        "body_encoding": body_encoding,
        "tls": describe_tls(environ),
        "content_encoding": [],
        "instance": "",
    }
