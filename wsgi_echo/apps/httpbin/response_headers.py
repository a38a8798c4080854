"""``/response-headers``: response headers of the client's choosing.

Each query pair is sent as a response header (a repeated key as several
header lines) and the answer is the response's own headers as JSON,
``Content-Length`` included: httpbin renders until the length it states is
the length it has, and so does this.  The headers the server owns
(``server_headers``) are refused, not sent twice.
"""

from ...request.multi import multi
from ...request.query import query_pairs
from ...server_headers import REFUSED_HEADERS
from ...wsgi_text import TOKEN_RE
from . import json_bytes, results
from .params import ParameterError


def _field_value(name, value):
    """A query value as a header value (PEP 3333: latin-1 text): the value
    itself when latin-1 can carry it, as werkzeug sends it, else its UTF-8
    bytes; never with controls (RFC 9110 section 5.5)."""
    if any((c < " " and c != "\t") or c == "\x7f" for c in value):
        raise ParameterError(name, "a header value may not hold control characters")
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8").decode("latin-1")


def response_headers(environ, params, config):
    added, shown = [], []  # as sent, and as the JSON states them (the query's text)
    content_type = None
    for name, value in query_pairs(environ.get("QUERY_STRING", "")):
        if not TOKEN_RE.match(name):  # a field name is a token
            raise ParameterError(name, "%r is not a header name" % name)
        if name.lower() in REFUSED_HEADERS:
            # Framing and hop-by-hop headers are the server's (RFC 9110 section 7.6.1);
            # httpbin would send a second, wrong Content-Length.
            raise ParameterError(name, "%s is the server's to send" % name)
        if name.lower() == "content-type":
            # One Content-Type replaces ours: httpbin sends both, which clients
            # read as one list-valued type.
            content_type = ((name, _field_value(name, value)), (name, value))
            continue
        added.append((name, _field_value(name, value)))
        shown.append((name, value))
    first, first_shown = content_type or (("Content-Type", results.JSON),) * 2
    length = 0
    for _ in range(8):  # settles in two or three rounds: the length has few digits
        pairs = [first_shown, ("Content-Length", str(length)), *shown]
        # A repeated name states a list of its values (httpbin's get_all, flattened).
        body = json_bytes.dumps(multi(pairs))
        if len(body) == length:
            break
        length = len(body)
    # Ours before the client's: a browser reads the first X-Content-Type-Options.
    return 200, [first, *results.UNTRUSTED, *added], body
