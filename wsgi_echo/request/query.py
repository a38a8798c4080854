"""Query strings to (key, value) pairs, decoded the two ways the apps need.

``parse_query`` reads escapes as UTF-8 and a bad byte as U+FFFD, which is
what the echo shows; ``query_pairs`` keeps a percent-escape that is not
UTF-8 as it was sent (``%FF``), as werkzeug's ``request.args`` does and so
httpbin.  Both give "" for ``a=`` and ``a``, and both split the common
query, with nothing to decode, directly: ``parse_qsl`` costs three times as
much, and ``/get?a=1`` is a hot path.
"""

import codecs
from urllib.parse import parse_qsl

from ..wsgi_text import decoded

# werkzeug keeps a percent-escape that is not UTF-8 as it was sent ("%FF")
# where urllib would put U+FFFD; this error handler does the same.
KEEP_ESCAPED = "wsgi_echo.request.keep_escaped"
codecs.register_error(
    KEEP_ESCAPED,
    lambda error: (
        "".join("%%%02X" % byte for byte in error.object[error.start : error.end]),
        error.end,
    ),
)


def parse_query(query_string):
    """Query pairs, percent-decoded as UTF-8 (bad bytes: U+FFFD)."""
    if "%" in query_string or "+" in query_string or not query_string.isascii():
        return parse_qsl(decoded(query_string), keep_blank_values=True)
    return [pair.partition("=")[::2] for pair in query_string.split("&") if pair]


def query_pairs(query_string):
    """The query's (key, value) pairs, decoded as werkzeug decodes ``request.args``."""
    if "%" in query_string:
        return parse_qsl(decoded(query_string), keep_blank_values=True, errors=KEEP_ESCAPED)
    return parse_query(query_string)
