"""Cookies: ``/cookies``, ``/cookies/set?name=value``,
``/cookies/set/<name>/<value>`` and ``/cookies/delete?name``.

The ``Cookie`` header is read as werkzeug reads it (which
``wsgi_echo.request.cookies``, the echo's reading, does not quite do): the
first of two same-named cookies wins, a pair without "=" is a cookie with
an empty value, and a quoted value loses its quotes and its backslash
escapes.  ``Set-Cookie`` values are
written as werkzeug writes them: as they are when every character may stand
in a cookie, else quoted, with ``"``, ``\\``, ``,``, ``;`` and bytes outside
printable ASCII escaped (``\\073`` for ``;``).  Every cookie gets
``Path=/``, and ``Secure`` over HTTPS, as httpbin sets them, unless the
query sets its attributes (``attr[path]=/x``, ``cookie_attributes``).
"""

import re

from ...request.query import query_pairs
from ...wsgi_text import TOKEN_RE, decoded
from . import cookie_attributes, results
from .params import ParameterError
from .request_echo import shows_env

# Cookies httpbin hides from /cookies unless ?show_env: its hosting's analytics.
HIDDEN = frozenset(
    (
        "_gauges_unique",
        "_gauges_unique_year",
        "_gauges_unique_month",
        "_gauges_unique_day",
        "_gauges_unique_hour",
        "__utmz",
        "__utma",
        "__utmb",
    )
)
EXPIRED = "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"

_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))")


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = _ESCAPE.sub(
            lambda m: chr(int(m.group(1), 8)) if m.group(1) else m.group(2), value[1:-1]
        )
    return value


def parse(header):
    """Cookie name to value from a ``Cookie`` header (see the module docstring)."""
    cookies = {}
    for pair in header.split(";"):
        name, _, value = pair.partition("=")
        name = name.strip()
        if name and name not in cookies:
            cookies[decoded(name)] = decoded(_unquote(value.strip()))
    return cookies


def view_cookies(environ, params, config):
    cookies = parse(environ.get("HTTP_COOKIE", ""))
    if not shows_env(environ.get("QUERY_STRING", "")):
        for name in HIDDEN.intersection(cookies):
            del cookies[name]
    return results.json_reply({"cookies": cookies})


# What may stand in a Set-Cookie value without quotes (werkzeug's set).
_PLAIN = re.compile(r"[A-Za-z0-9_!#$%&'()*+\-./:<=>?@\[\]^`{|}~]*\Z")


def quote_value(value):
    if _PLAIN.match(value):
        return value
    out = []
    for byte in value.encode("utf-8"):
        if byte in (0x22, 0x5C):  # '"' and '\'
            out.append("\\" + chr(byte))
        elif byte < 0x20 or byte in (0x2C, 0x3B) or byte >= 0x7F:
            out.append("\\%03o" % byte)
        else:
            out.append(chr(byte))
    return '"%s"' % "".join(out)


def _cookie_name(name):
    if not TOKEN_RE.match(name):  # RFC 6265 section 4.1.1
        raise ParameterError("name", "%r is not a cookie name (RFC 6265: a token)" % name)
    return name


def _attributes(environ, pairs, deleting=False):
    """What follows ``name=value`` in each ``Set-Cookie``, from the query."""
    secure = not deleting and environ.get("wsgi.url_scheme") == "https"
    return cookie_attributes.written(cookie_attributes.read(pairs, secure), deleting)


def _set_cookie(name, value, attributes):
    return ("Set-Cookie", "%s=%s%s" % (_cookie_name(name), quote_value(value), attributes))


def _to_cookies(environ, headers):
    return results.redirect(results.mount(environ) + "/cookies", headers=headers)


def set_cookies(environ, params, config):
    pairs = query_pairs(environ.get("QUERY_STRING", ""))
    attributes = _attributes(environ, pairs)
    first = {}
    for name, value in pairs:
        if not cookie_attributes.is_attribute(name):
            first.setdefault(name, value)  # httpbin: dict(request.args.items())
    return _to_cookies(
        environ, [_set_cookie(name, value, attributes) for name, value in first.items()]
    )


def set_cookie(environ, params, config):
    name, value = decoded(params[0]), decoded(params[1])
    return _to_cookies(environ, [_set_cookie(name, value, _attributes(environ, ()))])


def delete_cookies(environ, params, config):
    """Each cookie named in the query expired; ``attr[path]`` and
    ``attr[domain]`` must match the cookie's for a browser to drop it."""
    pairs = query_pairs(environ.get("QUERY_STRING", ""))
    attributes = _attributes(environ, pairs, deleting=True)
    names = dict.fromkeys(name for name, _ in pairs if not cookie_attributes.is_attribute(name))
    return _to_cookies(
        environ,
        [("Set-Cookie", "%s=; %s%s" % (_cookie_name(name), EXPIRED, attributes)) for name in names],
    )
