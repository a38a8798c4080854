"""Redirects: ``/redirect/<n>``, ``/relative-redirect/<n>``,
``/absolute-redirect/<n>`` and ``/redirect-to``.

Each chain ends at this mount's ``/get``.  Like httpbin, ``/redirect`` and
``/absolute-redirect`` answer with a small HTML page, ``/relative-redirect``
and ``/redirect-to`` with an empty body.  ``/redirect-to`` sends clients
anywhere, as httpbin does, unless ``[httpbin] redirect_hosts`` lists the
hosts it may send them to (an open redirect is a phishing tool on a public
server; go-httpbin has the same option).
"""

import re
from urllib.parse import quote, urlsplit

from ...request.query import query_pairs
from . import results
from .params import ParameterError, options, whole
from .request_echo import url_of


def _hops(text):
    return whole(text, "n", 1)


def _origin(environ):
    """``scheme://host`` as the client addressed us (what ``url_for(_external=True)``
    puts before a path)."""
    url = url_of(environ)
    return url[: url.index("/", url.index("://") + 3)]


def _chain(environ, hops, absolute):
    """The next hop of a chain that ends at ``/get``, with an HTML page."""
    base = (_origin(environ) if absolute else "") + results.mount(environ)
    if hops == 1:
        return results.redirect(base + "/get")
    kind = "absolute" if absolute else "relative"
    return results.redirect("%s/%s-redirect/%d" % (base, kind, hops - 1))


def redirect_n_times(environ, params, config):
    absolute = _arg(environ, "absolute", "false").lower() == "true"
    return _chain(environ, _hops(params[0]), absolute)


def _arg(environ, name, default):
    """The first value of query key ``name`` (case-sensitive: ``request.args.get``)."""
    for key, value in query_pairs(environ.get("QUERY_STRING", "")):
        if key == name:
            return value
    return default


def relative_redirect(environ, params, config):
    hops = _hops(params[0])
    base = results.mount(environ)
    location = base + "/get" if hops == 1 else "%s/relative-redirect/%d" % (base, hops - 1)
    return results.empty(302, [("Location", location)])


def absolute_redirect(environ, params, config):
    return _chain(environ, _hops(params[0]), absolute=True)


# Characters a Location may carry as they are: visible ASCII.  Anything else
# (non-ASCII text) is percent-encoded as UTF-8, as werkzeug writes a Location.
_LOCATION_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def leaving_host(target):
    """The host a browser would leave for on following ``target``, or None
    for a reference within the site (a path, a query, a fragment).

    Read the way browsers read a Location (the URL standard), not the way
    ``urlsplit`` does: "\\" counts as "/", any number of slashes after the
    scheme, or at the start ("///evil.example"), still lead to a host, and an
    absolute URL of any scheme leaves the site ("" for one with no host,
    such as ``javascript:``, which no host list allows).
    """
    candidate = target.strip().replace("\\", "/")
    scheme = _SCHEME.match(candidate)
    if scheme:
        rest = candidate[scheme.end() :]
        if not rest.startswith("/") and scheme.group().lower() not in ("http:", "https:"):
            return ""
    elif candidate.startswith("//"):
        rest = candidate
    else:
        return None
    try:
        host = urlsplit("//" + rest.lstrip("/")).hostname
    except ValueError:
        raise ParameterError("url", "the url's host cannot be read") from None
    return (host or "").rstrip(".")


def redirect_to(environ, params, config):
    """302 (or ``status_code``, when it is a 3xx) to ``url``, on any method."""
    query = options(environ)
    target = query.get("url")
    if not target:
        raise ParameterError("url", "the url parameter is required")
    if any(c < " " or c == "\x7f" for c in target):
        raise ParameterError("url", "the url may not hold control characters")
    code = 302
    if "status_code" in query:
        asked = whole(query["status_code"], "status_code")
        if 300 <= asked < 400:
            code = asked  # httpbin uses 302 for any other number
    allowed = config.redirect_hosts
    if allowed:
        host = leaving_host(target)
        if host is not None and host not in allowed:
            raise ParameterError(
                "url",
                "redirects may only go to relative URLs or to: %s" % ", ".join(sorted(allowed)),
                status=403,
            )
    location = quote(target, safe=_LOCATION_SAFE)
    return results.empty(code, [("Location", location)])
