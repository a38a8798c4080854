"""Assemble the WSGI application from typed settings.

The stack, outermost first: trusted-proxy headers (so everything below sees
the real client), the instance header, the access log, the health path,
the request body's limits, the bound on requests that wait on purpose, then
the router, which hands each request to the app mounted at its path.
Everything here happens once, at start-up.

What comes out is an ``Application``: the WSGI app, plus the one thing a
server runner may ask of it beyond WSGI (``log_refused``, for requests a
server answers before the app sees them).
"""

from . import apps
from .middleware import accesslog
from .middleware.body import RequestBody
from .middleware.health import Health
from .middleware.held import HeldRequests
from .middleware.instance import InstanceHeader
from .middleware.proxy import ProxyFix
from .router import Router


class Application:
    """The WSGI stack, and its access log for requests the server refuses itself."""

    def __init__(self, wsgi, access_logger):
        self.wsgi = wsgi
        self.access_logger = access_logger

    def __call__(self, environ, start_response):
        return self.wsgi(environ, start_response)

    def log_refused(self, fields):
        """Write an access line for a request the server answered itself
        (``fields`` as ``accesslog.fields_of`` gives them)."""
        if self.access_logger is not None:
            self.access_logger.write(fields)


def make_app(settings):
    built = {}  # one instance per app kind, whatever the number of mounts
    mounts = []
    for prefix, kind in settings.routes:
        if kind not in built:
            built[kind] = apps.build(kind, settings)
        mounts.append((prefix, built[kind]))
    app = Router(mounts)
    server = settings.server
    app = HeldRequests(app, server.held_requests)
    app = RequestBody(app, server.max_request_bytes, server.body_timeout)
    if server.health_path:
        app = Health(app, server.health_path, server.instance)
    logger = accesslog.configure(settings.log, server.instance)
    if logger is not None:
        app = accesslog.AccessLog(app, logger)
    if server.instance_header:
        app = InstanceHeader(app, server.instance_header, server.instance)
    if settings.proxy.trusted or settings.proxy.assume_scheme:
        app = ProxyFix(app, settings.proxy.trusted, settings.proxy.assume_scheme)
    return Application(app, logger)
