"""What a route returns: ``(status, headers, body)``, the body bytes or an
iterable of bytes.  The app adds ``Content-Length`` to bytes bodies, the
CORS headers to every answer, and drops the body for HEAD, so a route only
says what is particular to it.

The builders here give httpbin's shapes: JSON through ``json_bytes``, its plain
responses (``text/html; charset=utf-8`` with an empty body, as Flask's
``make_response("")`` gives), and redirects with a small HTML body.
"""

from ... import errors
from ...wsgi_text import url_path
from . import json_bytes

JSON = "application/json"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain"
BINARY = "application/octet-stream"


# The headers of an answer whose content the client chose (``/base64``,
# ``/response-headers``, ``/dump/request``) and of the HTML pages served
# here.  They share an origin with the record (``/_requests``), which
# answers a same-origin script and carries the reader's cookie: a sandboxed
# document has an opaque origin and runs no script (HTML's sandboxing
# flags, set by CSP's "sandbox" directive), so it can read nothing of the
# origin and send no form; "nosniff" keeps a browser from reading text or
# bytes as a page (the Fetch standard's MIME sniffing rules).  httpbin sends
# neither (docs/httpbin.md lists the difference).
SANDBOX = ("Content-Security-Policy", "sandbox")
NOSNIFF = ("X-Content-Type-Options", "nosniff")
UNTRUSTED = (SANDBOX, NOSNIFF)
# The form page posts its form, and needs no more.
FORMS_ONLY = (("Content-Security-Policy", "sandbox allow-forms"), NOSNIFF)


# Where httpbin writes ``Content-Length``: after the first header (Flask sets
# it when a body is given up front), unless the route's headers hold it (a
# place of its own), or end with this marker, which the app replaces with
# the CORS headers and then ``Content-Length`` (httpbin's ``status_code()``
# sets the body after the headers).
LENGTH_AFTER_CORS = ("Content-Length", None)


def json_reply(document, status=200, headers=None):
    out = [("Content-Type", JSON)]
    if headers:
        out.extend(headers)
    return status, out, json_bytes.dumps(document)


def empty(status, headers=None):
    """httpbin's empty answer: Flask's default type and no content."""
    out = [("Content-Type", HTML)]
    if headers:
        out.extend(headers)
    return status, out, b""


def error(status, detail, **fields):
    """A refusal as a route's answer: the app's one JSON error shape (``errors``)."""
    return status, [("Content-Type", JSON)], errors.json_error_body(status, detail, **fields)


def data(body, content_type, status=200, headers=None):
    out = [("Content-Type", content_type)]
    if headers:
        out.extend(headers)
    return status, out, body


# Werkzeug's redirect page, as Flask's ``redirect()`` writes it for httpbin.
REDIRECT_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
    "<p>You should be redirected automatically to the target URL: "
    '<a href="%s">%s</a>. If not, click the link.\n'
)
# markupsafe's escape, which Werkzeug's page uses (html.escape writes ' as &#x27;)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def redirect(location, status=302, headers=None):
    """A redirect with Werkzeug's short HTML page linking to it, as Flask's
    ``redirect()`` answers (RFC 9110 section 15.4: the page is for clients
    that do not follow ``Location``)."""
    shown = location.translate(_ESCAPES)
    out = [("Content-Type", HTML), ("Location", location)]
    if headers:
        out.extend(headers)
    return status, out, (REDIRECT_PAGE % (shown, shown)).encode("utf-8")


def mount(environ):
    """Where this app is mounted, as a URL path ("" at the root): httpbin's own
    links and redirects are relative to it."""
    script_name = environ.get("SCRIPT_NAME", "")
    return url_path(script_name) if script_name else ""
