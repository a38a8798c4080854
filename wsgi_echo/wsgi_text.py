"""PEP 3333 strings: native ``str`` holding request bytes as latin-1.

The echo reports them as the UTF-8 text clients almost always mean, and both
apps write paths back into URLs (the echo's ``url``, the static redirect's
``Location``).  One place for both directions, so the two apps agree.
"""

import re
from urllib.parse import quote

# Characters a path may hold unescaped in a URL (RFC 3986 pchar and "/").
PATH_SAFE = "/:@!$&'()*+,;=~"
# A query keeps its own escapes and separators; only what may not stand in
# a URL or a header (controls, spaces, non-ASCII) is escaped.
QUERY_SAFE = PATH_SAFE + "?%"
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=~._-]*\Z")


# RFC 9110 section 5.6.2: a token (a method, a header name, a coding).
TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
TOKEN_RE = re.compile(TOKEN + r"\Z")


def request_path(environ):
    """The full request path as the server decoded it: mount prefix and rest."""
    return environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")


def decoded(wsgi_string):
    """The request bytes in ``wsgi_string`` read as UTF-8 (bad bytes: U+FFFD).

    A string that holds characters latin-1 cannot (a server that broke
    PEP 3333 and decoded the bytes itself) is already text: it is returned
    as it is rather than failing the request.
    """
    if wsgi_string.isascii():
        return wsgi_string
    try:
        raw = wsgi_string.encode("latin-1")
    except UnicodeEncodeError:
        return wsgi_string
    return raw.decode("utf-8", "replace")


def url_path(wsgi_path):
    """``wsgi_path`` (decoded bytes, as in PATH_INFO) percent-encoded for a URL."""
    if _PLAIN_PATH.match(wsgi_path):
        return wsgi_path
    return quote(wsgi_path.encode("latin-1"), safe=PATH_SAFE)


def url_query(query_string):
    return quote(query_string, safe=QUERY_SAFE)


def request_target(environ):
    """The request target as the client sent it, where the server kept it
    (``REQUEST_URI`` or ``RAW_URI``, by server), else rebuilt from the path
    and query."""
    return environ.get("REQUEST_URI") or environ.get("RAW_URI") or rebuilt_target(environ)


def rebuilt_target(environ):
    """The request target as rebuilt from the decoded path and the query."""
    path = url_path(request_path(environ))
    query = environ.get("QUERY_STRING")
    return path + "?" + query if query else path
