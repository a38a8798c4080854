"""The mount table: the longest matching path prefix picks the app.

A prefix matches whole path segments only (``/echo`` takes ``/echo`` and
``/echo/x`` but not ``/echoes``).  The matched prefix moves from PATH_INFO to
SCRIPT_NAME, as PEP 3333 mounting does, so a static app mounted at ``/site``
looks up ``/site/a.css`` as ``a.css`` while the echo still reports the full
path.
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

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        for prefix, prefix_slash, app in self.table:
            if path.startswith(prefix_slash) or path == prefix:
                if prefix:
                    environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                    environ["PATH_INFO"] = path[len(prefix) :]
                return app(environ, start_response)
        return errors.json_error(environ, start_response, 404, "no app is mounted at this path")
