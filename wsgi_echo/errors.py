"""Error answers as values: a status and a reason in, a small JSON response out.

Everything that refuses a request in this package (bad shaping headers, an
oversized body, a malformed length, a wrong method) answers through here, so
clients always get the same shape: ``{"status": 413, "error": "...",
"detail": "..."}`` plus any fields that name the culprit (``"header"``).
"""

import json
from http import HTTPStatus


def reason(status):
    """The standard reason phrase for ``status`` ("Unknown" if it has none)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def status_line(status):
    return "%d %s" % (status, reason(status))


# Statuses whose responses never carry content (RFC 9110 sections 15.3.5, 15.4.5).
BODYLESS = frozenset((204, 304))
STATUS_LINES = {code: status_line(code) for code in range(100, 600)}


def json_error_body(status, detail, **fields):
    document = {"status": status, "error": reason(status), "detail": detail}
    document.update(fields)
    return (json.dumps(document) + "\n").encode("utf-8")


def json_error(environ, start_response, status, detail, headers=(), **fields):
    """Answer a WSGI request with a JSON error; returns the app iterable.

    HEAD gets the same headers and no body (RFC 9110 section 9.3.2).
    """
    body = json_error_body(status, detail, **fields)
    start_response(
        status_line(status),
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *headers,
        ],
    )
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
