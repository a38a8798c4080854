"""The httpbin app: the route table, dispatch, and what every answer shares.

Dispatch is one dict lookup for the fixed paths (``/get``, ``/post``, ...)
and, failing that, one more for the patterned ones, keyed by the first
path segment and the number of segments after it (``("status", 1)`` for
``/status/<codes>``); ``/anything/...`` takes any number.  An empty segment
matches nothing, as in httpbin's Flask routes (``/status/`` is a 404).

What httpbin adds to every answer, this adds too:

* CORS (its ``after_request`` hook): ``Access-Control-Allow-Origin`` is the
  request's ``Origin`` (or ``*``) with ``Access-Control-Allow-Credentials:
  true`` (with ``[httpbin] cors_credentials = false``: ``*`` and no
  credentials, so no page elsewhere reads this host's cookies through it);
  an ``OPTIONS`` request to any route is a preflight answer with
  ``Access-Control-Allow-Methods``, ``-Max-Age`` and, when asked for,
  ``-Allow-Headers`` (the Fetch standard's CORS protocol).
* HEAD is GET without the body, with GET's ``Content-Length``; a streaming
  route's generator is closed unstarted (RFC 9110 section 9.3.2).
* A method a route does not take is 405 with ``Allow``, a path that is no
  route 404 (Werkzeug's pages); a bad parameter is a 400 JSON error.
  Werkzeug's status lines (``status_lines``), Flask's header order (``_send``).
"""

import re

from ... import errors
from . import samples, upload
from .params import ParameterError
from .results import HTML, LENGTH_AFTER_CORS, UNTRUSTED, error, mount
from .routes import GET, OPT_IN, ROUTES
from .status_lines import METHOD_NOT_ALLOWED_PAGE, NOT_FOUND_PAGE, STATUS_LINES

PREFLIGHT_METHODS = "GET, POST, PUT, DELETE, PATCH, OPTIONS"
CREDENTIALS = ("Access-Control-Allow-Credentials", "true")
ANY_ORIGIN = (("Access-Control-Allow-Origin", "*"), CREDENTIALS)
ANY_ORIGIN_WITHOUT_CREDENTIALS = (("Access-Control-Allow-Origin", "*"),)
# An Origin or Access-Control-Request-Headers value that may be reflected in
# a response header: visible ASCII and spaces, nothing a header cannot hold.
_TOKEN_LIST_VALUE = re.compile(r"[\x20-\x7e]*\Z")
BODYLESS = errors.BODYLESS


class Route:
    __slots__ = ("allow", "handler", "methods")

    def __init__(self, handler, methods):
        self.handler = handler
        self.methods = methods  # None: any
        if methods is None:
            self.allow = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE"
        else:
            allowed = sorted(methods) + (["HEAD"] if "GET" in methods else []) + ["OPTIONS"]
            self.allow = ", ".join(allowed)

    def takes(self, method):
        methods = self.methods
        return methods is None or method in methods or (method == "HEAD" and "GET" in methods)


def _methods_text(methods):
    return "any method" if methods is None else ", ".join(sorted(methods))


class HttpbinApp:
    """WSGI app answering httpbin's routes, relative to where it is mounted."""

    def __init__(self, config):
        """``config``: the ``[httpbin]`` settings."""
        self.config = config
        self.exact = {}
        self.patterns = {}
        # Routes that disclose the host, and the faults, exist only when their
        # setting is on.
        served = [
            (pattern, methods, handler)
            for pattern, methods, handler in ROUTES
            if pattern not in OPT_IN or getattr(config, OPT_IN[pattern])
        ]
        for pattern, methods, handler in served:
            route = Route(handler, methods)
            if "<" not in pattern:
                self.exact[pattern] = route
            else:
                segments = pattern[1:].split("/")
                fixed = [s for s in segments if not s.startswith("<")]
                self.patterns[(tuple(fixed), len(segments))] = route
        self.anything = self.exact["/anything"]
        self.exact[""] = self.exact["/"] = Route(self.index, GET)
        self.listing = [(pattern, _methods_text(methods)) for pattern, methods, _ in served]
        self.streamed = {
            path: (methods, getattr(config, key))
            for path, (methods, key) in upload.STREAMED.items()
        }

    def index(self, environ, params, config):
        """The mount root: a page listing every route (httpbin serves its Swagger UI)."""
        headers = [("Content-Type", HTML), *UNTRUSTED]
        return 200, headers, samples.index_page(mount(environ), self.listing)

    def streamed_body_limit(self, method, path):
        """The body limit of a route that takes its body as a stream
        (``upload.STREAMED``), for ``middleware.body``; else None."""
        methods, limit = self.streamed.get(path, (None, None))
        return limit if methods is not None and method in methods else None

    def match(self, path):
        """(route, parameters) for a path, or (None, ()) when no route has it."""
        route = self.exact.get(path)
        if route is not None:
            return route, ()
        segments = path[1:].split("/")
        if segments[0] == "anything":
            # httpbin's "/anything/<path:anything>" needs a path: "/anything/" is none
            return (self.anything, ()) if segments[1:] != [""] else (None, ())
        count = len(segments)
        # The fixed segments lead every pattern: one for most routes, two for
        # /cookies/set/<name>/<value> and /base64/encode/<value>.
        route = self.patterns.get(((segments[0],), count))
        fixed = 1
        if route is None and count > 2:
            route = self.patterns.get(((segments[0], segments[1]), count))
            fixed = 2
        if route is None:
            return None, ()
        params = segments[fixed:]
        if "" in params:
            return None, ()
        return route, params

    def __call__(self, environ, start_response):
        route, params = self.match(environ.get("PATH_INFO", ""))
        method = environ["REQUEST_METHOD"]
        origin = environ.get("HTTP_ORIGIN")
        if not self.config.cors_credentials:
            cors = ANY_ORIGIN_WITHOUT_CREDENTIALS
        elif origin and _TOKEN_LIST_VALUE.match(origin):
            cors = [("Access-Control-Allow-Origin", origin), CREDENTIALS]
        else:
            cors = ANY_ORIGIN
        if route is None:
            return _send(
                start_response, method, 404, [("Content-Type", HTML)], NOT_FOUND_PAGE, cors
            )
        if method == "OPTIONS":
            return self.preflight(environ, start_response, route, cors)
        if not route.takes(method):
            headers = [("Content-Type", HTML), ("Allow", route.allow)]
            return _send(
                start_response, method, 405, headers, METHOD_NOT_ALLOWED_PAGE, cors, after=2
            )
        try:
            code, headers, body = route.handler(environ, params, self.config)
        except ParameterError as exc:
            code, headers, body = error(exc.status, exc.detail, parameter=exc.name)
            return _send(start_response, method, code, headers, body, cors)
        if code in BODYLESS:
            _close(body)
            headers = [
                pair for pair in headers if pair[0] not in ("Content-Type", "Content-Length")
            ]
            headers.extend(cors)
            start_response(STATUS_LINES[code], headers)
            return []
        if body.__class__ is bytes:
            return _send(start_response, method, code, headers, body, cors)
        headers.extend(cors)
        start_response(STATUS_LINES[code], headers)
        if method == "HEAD":
            _close(body)
            return []
        return body

    def preflight(self, environ, start_response, route, cors):
        """The answer to OPTIONS on a route: CORS preflight (as httpbin's
        ``after_request`` adds it to Flask's automatic OPTIONS answer)."""
        headers = [
            ("Content-Type", HTML),
            ("Allow", route.allow),
            *cors,
            ("Access-Control-Allow-Methods", PREFLIGHT_METHODS),
            ("Access-Control-Max-Age", "3600"),
        ]
        requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        if requested is not None and _TOKEN_LIST_VALUE.match(requested):
            headers.append(("Access-Control-Allow-Headers", requested))
        headers.append(("Content-Length", "0"))
        start_response(STATUS_LINES[200], headers)
        return []


def _send(start_response, method, code, headers, body, cors, after=1):
    """A bytes body answered in httpbin's header order (``results.
    LENGTH_AFTER_CORS``): its ``Content-Length`` after the route's first
    ``after`` headers (``Content-Type``; a 405's ``Allow`` too, as Werkzeug
    writes it), where the route put it, or after CORS."""
    length = ("Content-Length", str(len(body)))
    if headers and headers[-1] is LENGTH_AFTER_CORS:
        headers[-1:] = [*cors, length]
    elif any(name == "Content-Length" for name, _ in headers):
        headers.extend(cors)
    else:
        headers[after:after] = [length]
        headers.extend(cors)
    start_response(STATUS_LINES[code], headers)
    return [] if method == "HEAD" else [body]


def _close(body):
    close = getattr(body, "close", None)
    if close is not None:
        close()
