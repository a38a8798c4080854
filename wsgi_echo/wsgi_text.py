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


def request_path(environ):
    """The full request path as the server decoded it: mount prefix and rest."""
    return environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")


def decoded(wsgi_string):
    """The request bytes in ``wsgi_string`` read as UTF-8 (bad bytes: U+FFFD)."""
    if wsgi_string.isascii():
        return wsgi_string
    return wsgi_string.encode("latin-1").decode("utf-8", "replace")


def url_path(wsgi_path):
    """``wsgi_path`` (decoded bytes, as in PATH_INFO) percent-encoded for a URL."""
    if _PLAIN_PATH.match(wsgi_path):
        return wsgi_path
    return quote(wsgi_path.encode("latin-1"), safe=PATH_SAFE)


def url_query(query_string):
    return quote(query_string, safe=QUERY_SAFE)
