"""Response shaping: the ``X-Echo-*`` request headers, parsed and checked.

People point their HTTP clients at the echo to see how the client copes with
a given status, a slow answer or an unusual header.  These are pure functions
of the WSGI environ, so every rule is testable without a socket; a bad value
raises ``ShapingError`` naming the header, which the echo turns into a 400.

Clients that cannot set headers (webhook senders, links, probes configured
with a URL only) can ask for a status and a delay in the query string
instead (``echo_status``, ``echo_delay``); a header wins over the query.
Response headers and the content type stay header-only: with them in the
URL, a link alone could make the echo answer an HTML page of the link
author's choosing on this server's origin.
"""

import re
from typing import NamedTuple
from urllib.parse import parse_qsl

from ...request.numbers import whole_number
from ...server_headers import REFUSED_HEADERS
from ...wsgi_text import TOKEN

STATUS_HEADER = "X-Echo-Status"
DELAY_HEADER = "X-Echo-Delay"
ADD_HEADER = "X-Echo-Header"
STATUS_PARAMETER = "echo_status"
DELAY_PARAMETER = "echo_delay"

DIGITS = 9  # past any status or delay the echo takes
# A field name is a token (RFC 9110 section 5.6.2); the value is stripped
# afterwards (a lazy value before "\s*\Z" retried that tail at every
# character: quadratic in the spaces inside a value).
_PAIR = re.compile(r"\s*(%s)\s*:(.*)\Z" % TOKEN, re.S)
# Several pairs in one field value: split at a comma only where a new
# "Name:" follows, so a value may itself hold commas ("max-age=5, public").
_PAIR_SPLIT = re.compile(r",\s*(?=%s\s*:)" % TOKEN)
# RFC 9110 section 5.5: field-value characters (visible, space, tab, obs-text).
_FIELD_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*\Z")


class ShapingError(ValueError):
    """A bad shaping value; ``fields`` name where it came from
    (``{"header": ...}`` or ``{"parameter": ...}``)."""

    def __init__(self, source, detail):
        super().__init__(detail)
        self.detail = detail
        self.fields = {"parameter" if source.startswith("echo_") else "header": source}


class Shaping(NamedTuple):
    status: int
    delay_ms: int
    headers: tuple[tuple[str, str], ...]


NO_SHAPING = Shaping(200, 0, ())


def parse(environ, max_delay_ms) -> Shaping:
    """Read the shaping headers (and query parameters) from ``environ``;
    raise ShapingError if a value is bad."""
    status_text = environ.get("HTTP_X_ECHO_STATUS")
    delay_text = environ.get("HTTP_X_ECHO_DELAY")
    header_text = environ.get("HTTP_X_ECHO_HEADER")
    status_from, delay_from = STATUS_HEADER, DELAY_HEADER
    query = environ.get("QUERY_STRING", "")
    if "echo_" in query and (status_text is None or delay_text is None):
        parameters = query_parameters(query)
        if status_text is None and STATUS_PARAMETER in parameters:
            status_text, status_from = parameters[STATUS_PARAMETER], STATUS_PARAMETER
        if delay_text is None and DELAY_PARAMETER in parameters:
            delay_text, delay_from = parameters[DELAY_PARAMETER], DELAY_PARAMETER
    if status_text is None and delay_text is None and header_text is None:
        return NO_SHAPING
    return Shaping(
        parse_status(status_text, status_from) if status_text is not None else 200,
        parse_delay(delay_text, max_delay_ms, delay_from) if delay_text is not None else 0,
        parse_headers(header_text) if header_text is not None else (),
    )


def query_parameters(query):
    """The first value of each query parameter, percent-decoded."""
    parameters = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        parameters.setdefault(name, value)
    return parameters


def parse_status(text, source=STATUS_HEADER):
    status = whole_number(text, DIGITS)
    if status is None or not 200 <= status <= 599:
        raise ShapingError(
            source, "%s must be a status code from 200 to 599, got %r" % (source, text.strip())
        )
    return status


def parse_delay(text, max_delay_ms, source=DELAY_HEADER):
    delay = whole_number(text, DIGITS)
    if delay is None or delay > max_delay_ms:
        raise ShapingError(
            source,
            "%s must be whole milliseconds from 0 to %d, got %r"
            % (source, max_delay_ms, text.strip()),
        )
    return delay


def parse_headers(text):
    """``Name: value`` pairs, comma-separated or from repeated header lines.

    Servers join repeated request lines with ", " before the app sees them,
    so both spellings arrive here as one comma-separated value.
    """
    pairs = []
    for part in _PAIR_SPLIT.split(text):
        match = _PAIR.match(part)
        if not match:
            raise ShapingError(
                ADD_HEADER, "%s must be 'Name: value' pairs, got %r" % (ADD_HEADER, part.strip())
            )
        name, value = match.group(1), match.group(2).strip()
        if name.lower() in REFUSED_HEADERS:
            raise ShapingError(
                ADD_HEADER, "%s may not set %s: it is the server's to send" % (ADD_HEADER, name)
            )
        if not _FIELD_VALUE.match(value):
            raise ShapingError(
                ADD_HEADER, "%s value for %s has control characters" % (ADD_HEADER, name)
            )
        pairs.append((name, value))
    return tuple(pairs)
