"""The inspector page: plain HTML, CSS and JavaScript files shipped in the
package (``page/``), read once; the CSS is the demo site's shared stylesheet
(``wsgi_echo.pages``) followed by the page's own.

The page shows recorded data through ``textContent`` only, never as
markup, and its Content-Security-Policy allows no script but its own file,
so a request that carries ``<script>`` in its path, headers or body is
shown as text and cannot run.
"""

import hashlib
import os

from ... import pages

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "page")
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
]


def _read(name):
    with open(os.path.join(FOLDER, name), "rb") as handle:
        return handle.read()


class Asset:
    """One file of the page, with its type and a validator."""

    def __init__(self, body, content_type):
        self.body = body
        self.headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("ETag", '"%s"' % hashlib.sha256(body).hexdigest()[:32]),
        ]


def assets():
    """path -> Asset, relative to the page at ``<mount>/``."""
    return {
        "/": Asset(_read("inspector.html"), "text/html; charset=utf-8"),
        "/inspector.js": Asset(_read("inspector.js"), "text/javascript; charset=utf-8"),
        "/style.css": Asset(
            pages.stylesheet().encode("utf-8") + b"\n" + _read("inspector.css"),
            "text/css; charset=utf-8",
        ),
    }
