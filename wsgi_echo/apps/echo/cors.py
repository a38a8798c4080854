"""CORS for the echo, so browser code on another origin can call it and read
the answer (the Fetch standard's CORS protocol).

* A preflight (``OPTIONS`` with ``Origin`` and
  ``Access-Control-Request-Method``) is answered ``204`` with the allow
  headers and no echo body; a plain ``OPTIONS`` stays an echo.  The echo
  takes any method and any header, so it allows what the browser asks for.
* Every answer to an allowed origin carries ``Access-Control-Allow-Origin``
  (``*``, or the origin itself when origins are listed), and the exposed
  headers.  ``Vary: Origin`` is sent wherever the answer depends on the
  Origin, so a shared cache does not hand one origin's answer to another.
* With ``cors_credentials``, origins must be listed (settings refuse ``*``):
  the echo reflects ``Cookie`` and ``Authorization`` in its body, and any
  site could read them otherwise.
* Chrome's Private Network Access preflight (a public page calling an echo
  on a private or loopback address) is allowed for allowed origins.
"""

import re

from ...wsgi_text import TOKEN, TOKEN_RE

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
# What a browser sends in the request headers of a preflight: a method
# token, and a comma-separated list of header names (RFC 9110 tokens).
_TOKEN_LIST = re.compile(r"\s*%s(\s*,\s*%s)*\s*\Z" % (TOKEN, TOKEN))
VARY_PREFLIGHT = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


class Cors:
    def __init__(self, config):
        """``config``: the ``[echo]`` settings (``cors_*`` keys)."""
        self.origins = config.cors_origins
        self.credentials = config.cors_credentials
        self.expose = config.cors_expose_headers
        self.max_age = str(config.cors_max_age)
        self.any_origin = self.origins == "*"
        # The answer is the same for every origin only when it is "*".
        self.vary = [] if self.any_origin else [("Vary", "Origin")]

    def allowed(self, origin):
        return self.any_origin or (origin is not None and origin.lower() in self.origins)

    def origin_headers(self, origin):
        """Access-Control-Allow-Origin (and -Credentials) for ``origin``."""
        if not self.allowed(origin):
            return list(self.vary)
        if self.any_origin:
            return [(ALLOW_ORIGIN, "*")]
        headers = [(ALLOW_ORIGIN, origin), *self.vary]
        if self.credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return headers

    def response_headers(self, environ, headers):
        """The CORS headers for an echo answer with ``headers``."""
        origin = environ.get("HTTP_ORIGIN")
        extra = self.origin_headers(origin)
        if origin is not None and self.allowed(origin):
            if self.expose == "*" and not self.credentials:
                extra.append(("Access-Control-Expose-Headers", "*"))
            else:
                # With credentials "*" means the header named "*" (Fetch
                # standard), so the answer's own header names are listed.
                names = [name for name, _ in headers] if self.expose == "*" else list(self.expose)
                if names:
                    extra.append(("Access-Control-Expose-Headers", ", ".join(names)))
        return extra

    def is_preflight(self, environ):
        return (
            environ["REQUEST_METHOD"] == "OPTIONS"
            and "HTTP_ORIGIN" in environ
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
        )

    def preflight(self, environ, start_response):
        """204 for a preflight: what the browser asked for, if the origin may."""
        origin = environ.get("HTTP_ORIGIN")
        headers = [(name, value) for name, value in self.origin_headers(origin) if name != "Vary"]
        headers.append(("Vary", VARY_PREFLIGHT))
        if self.allowed(origin):
            method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"].strip()
            if TOKEN_RE.match(method):  # anything else is no browser's: not reflected
                headers.append(("Access-Control-Allow-Methods", method))
            requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
            if requested and _TOKEN_LIST.match(requested):
                headers.append(("Access-Control-Allow-Headers", requested.strip()))
            headers.append(("Access-Control-Max-Age", self.max_age))
            if environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK", "").lower() == "true":
                headers.append(("Access-Control-Allow-Private-Network", "true"))
        headers.append(("X-Content-Type-Options", "nosniff"))
        start_response("204 No Content", headers)
        return []
