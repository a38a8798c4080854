"""Believe X-Forwarded-* only from the proxies named in ``[proxy] trusted``.

Written here rather than left to the servers because neither server's own
support does the whole job (one only sets the scheme, the other trusts a
single address and rewrites headers it is not asked to; see ``servers``).
One middleware gives every server the same rules:

* X-Forwarded-For: the client is the right-most address that is not itself a
  trusted proxy (each proxy appends the peer it saw, so addresses to the left
  of an untrusted hop could have been made up by the client).
* X-Forwarded-Proto: the last value, if it is ``http`` or ``https``.
* X-Forwarded-Host: the last value becomes the Host.

From any other peer the headers are left as they are: echoed as plain
headers, changing nothing.

``[proxy] assume_scheme`` sets the scheme for every request, for a front
that terminates TLS without saying so in a header (a TCP load balancer, the
test suite's TLS relay); a trusted X-Forwarded-Proto still wins.
"""

import ipaddress


def _last(value):
    return value.rsplit(",", 1)[-1].strip()


class ProxyFix:
    def __init__(self, app, trusted_networks, assume_scheme=""):
        self.app = app
        self.networks = tuple(trusted_networks)
        self.assume_scheme = assume_scheme

    def is_trusted(self, address):
        try:
            ip = ipaddress.ip_address(address.strip().strip("[]"))
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.assume_scheme:
            environ["wsgi.url_scheme"] = self.assume_scheme
        if self.networks and self.is_trusted(environ.get("REMOTE_ADDR", "")):
            self.apply(environ)
        return self.app(environ, start_response)

    def apply(self, environ):
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded_for:
            hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
            while hops:
                hop = hops.pop()
                if not self.is_trusted(hop) or not hops:
                    try:
                        ipaddress.ip_address(hop.strip("[]"))
                    except ValueError:
                        break  # garbage, not an address: believe nothing further
                    environ["REMOTE_ADDR"] = hop.strip("[]")
                    break
        proto = environ.get("HTTP_X_FORWARDED_PROTO")
        if proto and _last(proto).lower() in ("http", "https"):
            environ["wsgi.url_scheme"] = _last(proto).lower()
        host = environ.get("HTTP_X_FORWARDED_HOST")
        if host and _last(host):
            environ["HTTP_HOST"] = _last(host)
