"""The API's query parameters, checked: a bad one is a 400 naming it."""

from ...request.numbers import whole_number
from ...request.query import parse_query
from ...wsgi_text import TOKEN_RE

DEFAULT_LIMIT = 50
# The largest record id: the stores keep ids as SQLite's INTEGER, a signed
# 64-bit number, which refuses a larger one with an OverflowError.
LARGEST_ID = 2**63 - 1


class ParameterError(Exception):
    def __init__(self, name, detail):
        super().__init__(detail)
        self.name, self.detail = name, detail


def _whole(query, name, default, low, high):
    text = query.get(name)
    if text is None or text == "":
        return default
    value = whole_number(text, len(str(high)))
    if value is None or value < low or value > high:
        raise ParameterError(name, "%s must be a whole number from %d to %d" % (name, low, high))
    return value


def selection(environ, max_requests):
    """{after, before, limit, method, path} from the query string; ``after``
    is None when not given (the list reads that as 0, the feed as "now")."""
    query = dict(parse_query(environ.get("QUERY_STRING", "")))
    method = query.get("method") or None
    if method is not None:
        if not TOKEN_RE.match(method):
            raise ParameterError("method", "method must be an HTTP method name")
        method = method.upper()
    path = query.get("path") or None
    if path is not None and not path.startswith("/"):
        raise ParameterError("path", "path must start with /")
    return {
        "after": _whole(query, "after", None, 0, LARGEST_ID),
        "before": _whole(query, "before", None, 1, LARGEST_ID),
        # More than the record keeps is as many as it keeps.
        "limit": min(_whole(query, "limit", DEFAULT_LIMIT, 0, LARGEST_ID), max_requests),
        "method": method,
        "path": path,
    }


def last_event_id(environ, query_after):
    """Where a feed starts: after the ``Last-Event-ID`` a reconnecting
    EventSource sends, else ``after`` from the query, else None (from now)."""
    header = environ.get("HTTP_LAST_EVENT_ID", "").strip()
    if not header:
        return query_after
    start = record_id(header)
    if start is None:
        raise ParameterError(
            "Last-Event-ID", "Last-Event-ID must be a record id from 0 to %d" % LARGEST_ID
        )
    return start


def record_id(text):
    """A record id (0 to ``LARGEST_ID``) written in ``text``, or None."""
    number = whole_number(text, len(str(LARGEST_ID)))
    return number if number is not None and number <= LARGEST_ID else None
