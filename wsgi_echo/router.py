"""The mount table: the longest matching path prefix picks the app.

A prefix matches whole path segments only (``/echo`` takes ``/echo`` and
``/echo/x`` but not ``/echoes``).  The matched prefix moves from PATH_INFO to
SCRIPT_NAME, as PEP 3333 mounting does, so a static app mounted at ``/site``
looks up ``/site/a.css`` as ``a.css`` while the echo still reports the full
path.

An app may have routes that take their request body as a stream
(``middleware.body``); ``streamed_body_limit`` asks the app a request goes
to, before its body is read, through the app's own
``streamed_body_limit(method, path)``.
"""

from . import errors


def prefix_table(pairs):
    """(prefix, prefix + "/", value) rows from (prefix, value) pairs, longest
    prefix first, so the first row that matches is the best; "/" is stored
    as "" so it matches every path.  The recorder reads it as the router does."""
    table = sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)
    return tuple((prefix.rstrip("/"), prefix.rstrip("/") + "/", value) for prefix, value in table)


class Router:
    def __init__(self, mounts):
        """``mounts``: (prefix, wsgi app) pairs; order does not matter."""
        self.table = prefix_table(mounts)

    def mount_of(self, path):
        """(prefix, app) of the mount that takes ``path``, or (None, None)."""
        for prefix, prefix_slash, app in self.table:
            if path.startswith(prefix_slash) or path == prefix:
                return prefix, app
        return None, None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        prefix, app = self.mount_of(path)
        if app is None:
            return errors.json_error(environ, start_response, 404, "no app is mounted at this path")
        if prefix:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
            environ["PATH_INFO"] = path[len(prefix) :]
        return app(environ, start_response)

    def streamed_body_limit(self, environ):
        """The body limit of the route a request goes to, when that route
        takes its body as a stream; else None."""
        path = environ.get("PATH_INFO", "")
        prefix, app = self.mount_of(path)
        ask = getattr(app, "streamed_body_limit", None)
        if ask is None:
            return None
        return ask(environ["REQUEST_METHOD"], path[len(prefix) :])
