"""Assemble the WSGI application from typed settings.

The stack, outermost first: trusted-proxy headers (so everything below sees
the real client), the recorder, the instance header, the access log, the
health path, the request body's limits, the bound on requests that wait on
purpose, then the router, which hands each request to the app mounted at its
path.  Everything here happens once, at start-up; the record's store is
opened once and shared by the recorder, which writes it, and the
``requests`` app, which reads it.

What comes out is an ``Application``: the WSGI app, plus what a server
runner may ask of it beyond WSGI: ``log_refused``, for requests a server
answers before the app sees them, and ``body_limit``, for a server that
receives a whole body before the app sees it.
"""

from . import apps
from .middleware import accesslog
from .middleware.body import RequestBody
from .middleware.health import Health
from .middleware.held import HeldRequests
from .middleware.instance import InstanceHeader
from .middleware.proxy import ProxyFix
from .middleware.record import Recorder
from .record import open_recording
from .router import Router


class Application:
    """The WSGI stack, its access log for requests the server refuses itself,
    and the body limit of each route."""

    def __init__(self, wsgi, access_logger, router, max_request_bytes):
        self.wsgi = wsgi
        self.access_logger = access_logger
        self.router = router
        self.max_request_bytes = max_request_bytes

    def __call__(self, environ, start_response):
        return self.wsgi(environ, start_response)

    def log_refused(self, fields):
        """Write an access line for a request the server answered itself
        (``fields`` as ``accesslog.fields_of`` gives them)."""
        if self.access_logger is not None:
            self.access_logger.write(fields)

    def body_limit(self, method, path):
        """The largest body the route for ``method`` and ``path`` (PATH_INFO,
        before mounting) takes, in bytes: its own when it reads its body as
        a stream, else ``[server] max_request_bytes`` (``middleware.body``)."""
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
        streamed = self.router.streamed_body_limit(environ)
        return self.max_request_bytes if streamed is None else streamed


def make_app(settings):
    built = {}  # one instance per app kind, whatever the number of mounts
    mounts = []
    recording = open_recording(settings)
    for prefix, kind in settings.routes:
        if kind not in built:
            built[kind] = apps.build(kind, settings, {"recording": recording})
        mounts.append((prefix, built[kind]))
    router = Router(mounts)
    server = settings.server
    app = HeldRequests(router, server.held_requests)
    app = RequestBody(
        app, server.max_request_bytes, server.body_timeout, router.streamed_body_limit
    )
    if server.health_path:
        app = Health(app, server.health_path, server.instance)
    logger = accesslog.configure(settings.log, server.instance)
    if logger is not None:
        app = accesslog.AccessLog(app, logger)
    if server.instance_header:
        app = InstanceHeader(app, server.instance_header, server.instance)
    if recording is not None and settings.record.enabled:
        app = Recorder(app, recording, settings.routes, settings.record.mounts, server.health_path)
    if settings.proxy.trusted or settings.proxy.assume_scheme:
        app = ProxyFix(app, settings.proxy.trusted, settings.proxy.assume_scheme)
    return Application(app, logger, router, server.max_request_bytes)
