"""The static site's own pages: the root's ``403.html`` / ``404.html`` with
their placeholders filled in, and the directory redirect.

Templates are re-read only when they change; a missing one falls back to a
small built-in page.  Every value put into a page is HTML-escaped.
"""

import html
import os
import stat as stat_module

from ... import errors
from ...wsgi_text import decoded, request_path, url_path, url_query
from .files import file_key
from .resolve import stat_or_none

BUILT_IN = (
    "<!doctype html><title>{{status}} {{reason}}</title>"
    "<h1>{{status}} {{reason}}</h1><p>{{path}}</p>\n"
)


class ErrorPages:
    def __init__(self, root):
        self.root = root
        # status -> (file key, text); a whole tuple is swapped in at once,
        # so threads never see a key with another version's text.
        self.templates = {}

    def template(self, status):
        """The root's ``<status>.html`` text, re-read only when it changed."""
        path = os.path.join(self.root, "%d.html" % status)
        st = stat_or_none(path)
        if st is None or not stat_module.S_ISREG(st.st_mode):
            return BUILT_IN
        cached = self.templates.get(status)
        if cached is not None and cached[0] == file_key(st):
            return cached[1]
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            return BUILT_IN
        self.templates[status] = (file_key(st), text)
        return text

    def __call__(self, environ, start_response, status):
        reason = errors.reason(status)
        page = (
            self.template(status)
            .replace("{{status}}", str(status))
            .replace("{{reason}}", html.escape(reason))
            .replace("{{path}}", html.escape(decoded(request_path(environ))))
        )
        body = page.encode("utf-8")
        start_response(
            errors.status_line(status),
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def redirect_to_directory(environ, start_response):
    """301 to the same path with a trailing slash, query kept."""
    path = request_path(environ)
    # One leading slash only: "//host/" in Location would be a redirect
    # to another host (a protocol-relative URL).
    path = "/" + "/".join(segment for segment in path.split("/") if segment)
    location = url_path(path) + "/"
    if environ.get("QUERY_STRING"):
        # Kept as sent, except what may not stand in a header or a URL.
        location += "?" + url_query(environ["QUERY_STRING"])
    body = (
        "<!doctype html><title>301 Moved Permanently</title>"
        '<p>Moved to <a href="%s">%s</a>.</p>\n' % (html.escape(location), html.escape(location))
    ).encode("utf-8")
    start_response(
        "301 Moved Permanently",
        [
            ("Location", location),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
