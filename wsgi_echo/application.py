"""Assemble the WSGI application from typed settings.

The stack, outermost first: trusted-proxy headers, then header and body
limits, then the router, which hands each request to the echo or a static
app.  Everything here happens once, at start-up.
"""

from .echo import EchoApp
from .limits import BodyLimit
from .proxy import ProxyFix
from .router import Router
from .static import StaticApp


def make_app(settings):
    builders = {"echo": EchoApp, "static": StaticApp}
    shared = {}  # one instance per app kind, whatever the number of mounts
    mounts = []
    for prefix, name in settings.routes:
        if name not in shared:
            shared[name] = builders[name](settings)
        mounts.append((prefix, shared[name]))
    app = Router(mounts)
    app = BodyLimit(app, settings.server.max_request_bytes, settings.server.timeout)
    if settings.proxy.trusted:
        app = ProxyFix(app, settings.proxy.trusted)
    return app
