"""Assemble the WSGI application from typed settings.

The stack, outermost first: trusted-proxy headers (so everything below sees
the real client), the access log, the request body's limits, then the
router, which hands each request to the app mounted at its path.
Everything here happens once, at start-up.
"""

from . import apps
from .middleware import accesslog
from .middleware.body import RequestBody
from .middleware.proxy import ProxyFix
from .router import Router


def make_app(settings):
    built = {}  # one instance per app kind, whatever the number of mounts
    mounts = []
    for prefix, kind in settings.routes:
        if kind not in built:
            built[kind] = apps.build(kind, settings)
        mounts.append((prefix, built[kind]))
    app = Router(mounts)
    server = settings.server
    app = RequestBody(app, server.max_request_bytes, server.body_timeout)
    logger = accesslog.configure(settings.log.access_log)
    if logger is not None:
        app = accesslog.AccessLog(app, logger)
    if settings.proxy.trusted:
        app = ProxyFix(app, settings.proxy.trusted)
    return app
