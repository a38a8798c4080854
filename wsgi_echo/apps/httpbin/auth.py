"""Auth: ``/basic-auth/<user>/<passwd>``, ``/hidden-basic-auth/<user>/<passwd>``,
``/bearer`` and ``/digest-auth/<qop>/<user>/<passwd>[/<algorithm>[/<stale_after>]]``.

Digest follows RFC 7616 (``auth`` and ``auth-int``; MD5, SHA-256 and
SHA-512) and httpbin's test-server rules around it, kept in cookies so the
server holds no state:

* the challenge sets ``stale_after`` (from the path: how many more
  successful answers before the nonce goes stale; ``never`` by default) and
  ``fake=fake_value``;
* a request that reuses the nonce of the last failed attempt
  (``last_nonce``), or arrives when ``stale_after`` has counted down to 0,
  gets a new challenge with ``stale=true`` (RFC 7616 section 3.3);
* a wrong answer gets a new challenge and sets ``last_nonce``;
* a right one gets ``{"authenticated": true, "user": ...}`` and counts
  ``stale_after`` down;
* ``?require-cookie=1`` refuses clients that do not send cookies back.

Two things httpbin does not do: the user name in the credentials must be
the one in the path (httpbin checks only the password), and the ``uri`` the
client hashed must be this request's target (RFC 7616 section 3.4.6).
"""

import base64
import binascii
import hashlib
import hmac
import os
import time
from urllib.request import parse_http_list

from ...middleware.body import read_body
from ...request.numbers import whole_number
from ...request.query import query_pairs
from ...wsgi_text import decoded, rebuilt_target, request_target
from . import results
from .cookies import parse as parse_cookies
from .cookies import quote_value
from .params import DIGITS

# httpbin's challenge for /basic-auth and /status/401.
BASIC_CHALLENGE = 'Basic realm="Fake Realm"'
REALM = "wsgi-echo httpbin"
ALGORITHMS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512}


def _authenticated(**fields):
    return results.json_reply(dict(authenticated=True, **fields))


def basic_credentials(environ):
    """(user, password) from ``Authorization: Basic ...`` (RFC 7617), or None."""
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(token.strip()).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, _, password = text.partition(":")
    return user, password


def _matches(given, expected):
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _basic_ok(environ, params):
    credentials = basic_credentials(environ)
    if credentials is None:
        return False
    user, password = decoded(params[0]), decoded(params[1])
    # Both compared, always: the time taken does not tell which one was wrong.
    return _matches(credentials[0], user) & _matches(credentials[1], password)


def basic_auth(environ, params, config):
    if not _basic_ok(environ, params):
        return 401, [("WWW-Authenticate", BASIC_CHALLENGE), results.LENGTH_AFTER_CORS], b""
    return _authenticated(user=decoded(params[0]))


def hidden_basic_auth(environ, params, config):
    """As /basic-auth, but a failure is a plain 404 with no challenge."""
    if not _basic_ok(environ, params):
        return results.empty(404, [results.LENGTH_AFTER_CORS])
    return _authenticated(user=decoded(params[0]))


def bearer(environ, params, config):
    # RFC 6750 section 2.1; httpbin takes the scheme name case-sensitively.
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if not authorization.startswith("Bearer "):
        return results.empty(401, [("WWW-Authenticate", "Bearer")])
    return _authenticated(token=decoded(authorization[len("Bearer ") :]))


# -- digest ------------------------------------------------------------------------------


def digest_credentials(header):
    """The parameters of ``Authorization: Digest ...``, or None for another scheme.

    ``parse_http_list`` splits at the commas outside quoted strings and
    undoes their backslash escapes, in one pass: a regular expression
    searched from every position was quadratic on a long run of characters
    that never reach an ``=``.
    """
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    found = {}
    for item in parse_http_list(rest):
        name, equals, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name:
            continue
        if len(value) > 1 and value[0] == value[-1] == '"':
            value = value[1:-1]
        found[name.lower()] = value
    return found


def _hash(data, algorithm):
    # httpbin hashes with MD5 for any algorithm name it does not know.
    return ALGORITHMS.get(algorithm, hashlib.md5)(data).hexdigest()


def expected_response(credentials, password, method, body):
    """The ``response`` a client knowing ``password`` sends (RFC 7616 section 3.4.1)."""
    algorithm = credentials.get("algorithm")
    join = ":".join
    ha1 = _hash(
        join((credentials.get("username", ""), credentials.get("realm", ""), password)).encode(
            "utf-8"
        ),
        algorithm,
    )
    qop = credentials.get("qop")
    a2 = join((method, credentials.get("uri", "")))
    if qop == "auth-int":
        a2 = join((a2, _hash(body, algorithm)))
    elif qop not in (None, "auth"):
        return None
    ha2 = _hash(a2.encode("utf-8"), algorithm)
    if qop is None:
        return _hash(join((ha1, credentials.get("nonce", ""), ha2)).encode("utf-8"), algorithm)
    if not all(key in credentials for key in ("nonce", "nc", "cnonce")):
        return None
    return _hash(
        join(
            (ha1, credentials["nonce"], credentials["nc"], credentials["cnonce"], qop, ha2)
        ).encode("utf-8"),
        algorithm,
    )


def _targets(environ):
    """The request targets a client may have hashed as ``uri``: as sent, and
    rebuilt from the decoded path."""
    return {request_target(environ), rebuilt_target(environ)}


def _challenge(environ, qop, algorithm, stale, cookies):
    """401 with a fresh nonce (RFC 7616 section 3.3) and httpbin's cookies."""
    seed = b"%s:%r:%s" % (
        environ.get("REMOTE_ADDR", "").encode("latin-1"),
        time.time(),
        os.urandom(10),
    )
    challenge = 'Digest realm="%s", nonce="%s", opaque="%s", qop="%s", algorithm=%s, stale=%s' % (
        REALM,
        _hash(seed, algorithm),
        _hash(os.urandom(10), algorithm),
        qop or "auth, auth-int",
        algorithm,
        "true" if stale else "false",
    )
    return results.empty(401, [("WWW-Authenticate", challenge), *cookies])


def _cookie(name, value):
    return ("Set-Cookie", "%s=%s; Path=/" % (name, quote_value(value)))


def _next_stale_after(value):
    count = whole_number(value, DIGITS, signed=True)
    return "never" if count is None else str(count - 1)


def digest_auth(environ, params, config):
    qop, user, password = params[0], decoded(params[1]), decoded(params[2])
    algorithm = params[3] if len(params) > 3 else "MD5"
    stale_after = decoded(params[4]) if len(params) > 4 else "never"
    # httpbin's leniency: an unknown algorithm is MD5, an unknown qop offers both.
    if algorithm not in ALGORITHMS:
        algorithm = "MD5"
    if qop not in ("auth", "auth-int"):
        qop = None
    require_cookie = any(
        key == "require-cookie" and value.lower() in ("1", "t", "true")
        for key, value in query_pairs(environ.get("QUERY_STRING", ""))
    )
    cookie_header = environ.get("HTTP_COOKIE")
    credentials = digest_credentials(environ.get("HTTP_AUTHORIZATION", ""))
    fake = _cookie("fake", "fake_value")

    def challenge(stale, *remembered):
        """httpbin's 401, its cookies in httpbin's order: stale_after, then
        ``remembered`` (the nonce just refused), then the fake one."""
        cookies = [_cookie("stale_after", stale_after), *remembered, fake]
        return _challenge(environ, qop, algorithm, stale, cookies)

    if credentials is None or (require_cookie and cookie_header is None):
        return challenge(False)
    cookies = parse_cookies(cookie_header or "")
    if require_cookie and cookies.get("fake") != "fake_value":
        return results.json_reply(
            {"errors": ["missing cookie set on challenge"]}, 403, headers=[fake]
        )
    nonce = credentials.get("nonce", "")
    seen_stale = cookies.get("stale_after")
    if ("last_nonce" in cookies and nonce == cookies["last_nonce"]) or seen_stale == "0":
        return challenge(True, _cookie("last_nonce", nonce))
    expected = expected_response(
        credentials, password, environ["REQUEST_METHOD"], read_body(environ)
    )
    given = credentials.get("response", "")
    right = (
        expected is not None
        and _matches(given, expected)
        and _matches(credentials.get("username", ""), user)
        and credentials.get("uri") in _targets(environ)
    )
    if not right:
        return challenge(False, _cookie("last_nonce", nonce))
    headers = [fake]
    if seen_stale:
        headers.append(_cookie("stale_after", _next_stale_after(seen_stale)))
    return results.json_reply({"authenticated": True, "user": user}, headers=headers)
