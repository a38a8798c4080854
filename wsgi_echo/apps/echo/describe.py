"""The echo's document: a pure function of the WSGI environ and the body bytes.

Every key is testable in-process, with no socket and no server.  The hot path
works on the environ directly: a WebOb ``Request`` would build the same facts
through several layers of properties on every call, and the echo exists to
be fast.  WebOb still does what it does best here: multipart parsing (in
``forms``).
"""

import base64
import json
from functools import lru_cache
from urllib.parse import parse_qsl

from ...wsgi_text import decoded, request_path, url_path
from .forms import form_and_files, multi
from .tls import describe_tls


@lru_cache(maxsize=512)
def header_name(environ_key):
    """``HTTP_X_API_KEY`` -> ``X-Api-Key``: Title-Case per dash-separated word."""
    if environ_key.startswith("HTTP_"):
        environ_key = environ_key[5:]
    return "-".join(word.capitalize() for word in environ_key.split("_"))


def cookies_of(header):
    """Cookie name to value from a Cookie header (RFC 6265 section 4.2.1).

    Written here rather than taken from WebOb: its parser validates names
    against the Set-Cookie grammar through a regex and three generator
    layers, which cost a third of the whole echo; the request side of the
    grammar is ``name=value`` pairs split on ";".  Pairs without "=" are
    skipped, surrounding double quotes are removed, the last duplicate wins.
    """
    cookies = {}
    for pair in decoded(header).split(";"):
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies[name] = value
    return cookies


def parse_query(query_string):
    """Query pairs, percent-decoded as UTF-8; ``a=`` and ``a`` give "".

    ``parse_qsl`` does the decoding; the common query with nothing to
    decode (no "%" or "+") is split directly, which is a third of the cost.
    """
    if "%" in query_string or "+" in query_string or not query_string.isascii():
        return parse_qsl(decoded(query_string), keep_blank_values=True)
    return [pair.partition("=")[::2] for pair in query_string.split("&") if pair]


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def _finite_float(text):
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError("%s is too large for a JSON number" % text)
    return number


# One decoder, made once: ``json.loads`` with hooks builds a new one per call.
_strict = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float).decode


def parse_json(body):
    """The body (bytes in any JSON encoding, or text) as JSON, or None when it
    is empty or not valid JSON.

    NaN, Infinity and numbers too large for a double (``1e999``) are refused:
    Python would accept them and then write JSON no other parser reads.
    """
    if not body:
        return None
    try:
        if body.__class__ is bytes:
            body = body.decode(json.detect_encoding(body), "surrogatepass")
        return _strict(body)
    except (ValueError, RecursionError):
        return None


def _display_name(environ_key):
    """The header name for an environ key, or "" for keys that are not headers."""
    if environ_key.startswith("HTTP_") or environ_key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        return header_name(environ_key)
    return ""


# environ key -> display name ("" when not a header); bounded, since clients
# choose header names.
_DISPLAY_NAMES = {}


def request_headers(environ):
    headers = {}
    names = _DISPLAY_NAMES
    for key, value in environ.items():
        name = names.get(key)
        if name is None:
            name = _display_name(key)
            if len(names) < 4096:
                names[key] = name
        if name and value:
            headers[name] = value if value.isascii() else decoded(value)
    return headers


def http_version(environ):
    """"1.1", "1.0", or "2" (SERVER_PROTOCOL "HTTP/2.0": HTTP/2 has no minor version)."""
    version = environ.get("SERVER_PROTOCOL", "HTTP/1.0").partition("/")[2]
    return "2" if version == "2.0" else version


def host_of(environ):
    host = environ.get("HTTP_HOST")
    if host:
        return host
    return "%s:%s" % (environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", ""))


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
