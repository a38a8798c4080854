"""Who may read the record: it holds what clients sent, secrets included
(``Authorization``, cookies, signatures), so not everyone who can reach
the echo may read it.

Without ``[record] token``: loopback clients only.  The client is
REMOTE_ADDR after the trusted-proxy rules (``[proxy] trusted``), so behind a
trusted proxy it is the forwarded client, not the proxy.  A loopback peer
whose request still carries someone else's address (``X-Forwarded-For`` or
``Forwarded`` naming an address that is not loopback: a proxy this instance
does not trust, or a client's own claim) is refused: it may be passing on a
client from anywhere.  And the ``Host`` must be an IP address,
``localhost`` or a name under ``.localhost`` (RFC 6761 section 6.3: it
resolves to loopback only), so a page on another site cannot reach the API
through a name of its own that resolves to 127.0.0.1 (DNS rebinding).

Neither rule keeps out a page served from the record's own origin: its
script reads the API as the browser's user would (loopback, or the token's
cookie, which SameSite keeps from other sites only).  That is why httpbin
sandboxes the pages a client can write, and why docs/recording.md says to
serve the record on its own port or origin where untrusted pages may be.

With a token: every client, loopback or not, presents it, as
``Authorization: Bearer <token>``, or as the cookie the inspector page sets
when it is opened once with ``?token=<token>`` (a page and an
``EventSource`` cannot send headers).  The cookie holds an HMAC of the
token, not the token; both are compared in constant time.
"""

import hashlib
import hmac
import ipaddress
import re

from ...request.cookies import cookies_of

COOKIE = "wsgi_echo_record"
COOKIE_PURPOSE = b"wsgi-echo record reader"
FORWARDED_FOR = re.compile(r'for="?\[?([^\]";,]+)', re.I)
LOCAL_HOSTS = ("localhost",)


def _loopback(address):
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _forwarded_addresses(environ):
    addresses = [hop for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    addresses += FORWARDED_FOR.findall(environ.get("HTTP_FORWARDED", ""))
    return addresses


def _local_host(environ):
    host = environ.get("HTTP_HOST", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name in LOCAL_HOSTS or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class Access:
    def __init__(self, token):
        self.token = token.encode("utf-8") if token else b""
        self.cookie_value = (
            hmac.new(self.token, COOKIE_PURPOSE, hashlib.sha256).hexdigest() if token else ""
        )

    def refusal(self, environ):
        """None when the client may read; else (status, detail)."""
        if self.token:
            if self.presented(environ):
                return None
            return 401, "present the [record] token: Authorization: Bearer <token>"
        if not _loopback(environ.get("REMOTE_ADDR", "")):
            return 403, "the record answers loopback clients only, unless [record] token is set"
        if not all(_loopback(address) for address in _forwarded_addresses(environ)):
            return 403, "forwarded for a client that is not loopback; set [record] token"
        if not _local_host(environ):
            return 403, "without [record] token the Host must be localhost, *.localhost or an IP"
        return None

    def presented(self, environ):
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and self.token_matches(credentials.strip()):
            return True
        cookie = environ.get("HTTP_COOKIE")
        if cookie:
            value = cookies_of(cookie).get(COOKIE, "")
            return hmac.compare_digest(
                value.encode("latin-1", "replace"), self.cookie_value.encode()
            )
        return False

    def token_matches(self, text):
        return bool(self.token) and hmac.compare_digest(
            text.encode("latin-1", "replace"), self.token
        )

    def cookie(self, path, secure):
        """The Set-Cookie value that lets a browser read the record."""
        return "%s=%s; Path=%s; HttpOnly; SameSite=Strict%s" % (
            COOKIE,
            self.cookie_value,
            path or "/",
            "; Secure" if secure else "",
        )
