"""Cookie attributes from the query, as go-httpbin takes them on
``/cookies/set`` and ``/cookies/delete``: ``attr[Name]=value``, the name in
any case, so that every other query key stays a cookie name
(``/cookies/set?secure=1`` still sets a cookie named ``secure``)::

    /cookies/set?session=abc&attr[path]=/app&attr[samesite]=Lax&attr[max-age]=60

Each attribute is checked against RFC 6265 section 4.1.1 (and the
``SameSite`` values of its update, draft-ietf-httpbis-rfc6265bis section
4.1.2.7); a bad one is a 400 naming the parameter.  Without attributes a
cookie gets httpbin's: ``Path=/``, and ``Secure`` over HTTPS.  go-httpbin
also adds ``HttpOnly`` by default; here that is asked for, so answers stay
httpbin's.
"""

import re

from .params import ParameterError, whole

_KEY = re.compile(r"attr\[(.*)\]\Z", re.DOTALL)
# RFC 6265 section 4.1.1: a path-value is any CHAR but controls and ";".
_PATH = re.compile(r"/[\x20-\x3a\x3c-\x7e]*\Z")
# RFC 6265 section 4.1.1: a domain-value is a subdomain (RFC 1034 section
# 3.5), which user agents accept with a leading dot.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(r"\.?%s(?:\.%s)*\Z" % (_LABEL, _LABEL))
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
NAMES = ("domain", "httponly", "max-age", "path", "samesite", "secure")
# RFC 6265bis section 5.6.2: user agents cap Max-Age at 400 days anyway.
MAX_AGE = 400 * 24 * 3600


def is_attribute(key):
    return key.startswith("attr[") and key.endswith("]")


def _flag(text, key):
    value = _BOOLEAN.get(text.strip().lower())
    if value is None:
        raise ParameterError(key, "%s must be true or false (or 1 or 0), got %r" % (key, text))
    return value


def read(pairs, secure_default):
    """The attributes in query ``pairs`` (the first of each, as for cookies),
    checked: {attribute: value} for Path, Domain, Max-Age, Secure,
    HttpOnly and SameSite."""
    found = {"path": "/", "secure": secure_default}
    seen = set()
    for key, text in pairs:
        if not is_attribute(key):
            continue
        name = _KEY.match(key).group(1).lower()
        if name in seen:
            continue
        seen.add(name)
        if name == "path":
            if not _PATH.match(text):
                raise ParameterError(key, "%s must start with / and hold no ; or controls" % key)
            found[name] = text
        elif name == "domain":
            if not _DOMAIN.match(text):
                raise ParameterError(key, "%s must be a host name, got %r" % (key, text))
            found[name] = text
        elif name == "max-age":
            found[name] = whole(text, key, 0, MAX_AGE)
        elif name in ("secure", "httponly"):
            found[name] = _flag(text, key)
        elif name == "samesite":
            same_site = _SAME_SITE.get(text.strip().lower())
            if same_site is None:
                raise ParameterError(key, "%s must be Strict, Lax or None, got %r" % (key, text))
            found[name] = same_site
        else:
            raise ParameterError(key, "%s is not a cookie attribute (%s)" % (key, ", ".join(NAMES)))
    return found


def written(attributes, deleting=False):
    """The attributes as they follow ``name=value`` in ``Set-Cookie``; a
    deletion carries its own ``Max-Age=0``, so any other is left out."""
    out = ["; Path=" + attributes["path"]]
    if "domain" in attributes:
        out.append("; Domain=" + attributes["domain"])
    if "max-age" in attributes and not deleting:
        out.append("; Max-Age=%d" % attributes["max-age"])
    if attributes["secure"]:
        out.append("; Secure")
    if attributes.get("httponly"):
        out.append("; HttpOnly")
    if "samesite" in attributes:
        out.append("; SameSite=" + attributes["samesite"])
    return "".join(out)
