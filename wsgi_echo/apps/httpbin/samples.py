"""Sample content: ``/html``, ``/xml``, ``/json``, ``/encoding/utf8``,
``/robots.txt``, ``/deny``, ``/forms/post``, the images, and the index page.

The same media types and shapes as httpbin's (the JSON is a ``slideshow``
with two slides, the XML the same outline, the form posts to ``/post``),
with our own text and pictures, from the ``samples`` folder.  Every file
is read once, when the app is built; pages that link back into the app
(the form, robots.txt, the index) are filled in with the mount path.
"""

import json
import os
from html import escape

from ... import pages
from . import json_bytes, results
from .status import status_reply

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "samples")


def _read(name):
    with open(os.path.join(FOLDER, name), "rb") as handle:
        return handle.read()


HTML_PAGE = _read("page.html")
XML = _read("sample.xml")
JSON = json_bytes.dumps(json.loads(_read("sample.json")))  # as httpbin's jsonify writes
UTF8 = _read("utf8.html")
DENY = _read("deny.txt")
FORM = _read("forms-post.html").decode("utf-8")
IMAGES = {
    "png": ("image/png", _read("image.png")),
    "jpeg": ("image/jpeg", _read("image.jpeg")),
    "webp": ("image/webp", _read("image.webp")),
    "svg": ("image/svg+xml", _read("image.svg")),
}
# /image's choice, in httpbin's order: the first of these the Accept header
# names (as a substring, as httpbin looks) picks the image.
ACCEPT_ORDER = (
    ("image/webp", "webp"),
    ("image/svg+xml", "svg"),
    ("image/jpeg", "jpeg"),
    ("image/png", "png"),
    ("image/*", "png"),
)


def html(environ, params, config):
    return results.data(HTML_PAGE, results.HTML, headers=results.UNTRUSTED)


def xml(environ, params, config):
    return results.data(XML, "application/xml")


def json_sample(environ, params, config):
    return results.data(JSON, results.JSON)


def utf8(environ, params, config):
    return results.data(UTF8, results.HTML, headers=results.UNTRUSTED)


def robots(environ, params, config):
    text = "User-agent: *\nDisallow: %s/deny\n" % results.mount(environ)
    return results.data(text.encode("ascii"), results.TEXT)


def deny(environ, params, config):
    return results.data(DENY, results.TEXT)


def forms_post(environ, params, config):
    page = FORM.replace("{{mount}}", escape(results.mount(environ)))
    return results.data(page.encode("utf-8"), results.HTML, headers=results.FORMS_ONLY)


def image(environ, params, config):
    """The image type the ``Accept`` header asks for; PNG without one; 406
    (with the types on offer) when it names none of them."""
    accept = environ.get("HTTP_ACCEPT")
    if accept is None:
        return results.data(IMAGES["png"][1], IMAGES["png"][0])
    accept = accept.lower()
    for media_type, name in ACCEPT_ORDER:
        if media_type in accept:
            content_type, body = IMAGES[name]
            return results.data(body, content_type)
    return status_reply(406, environ)


def image_of(name):
    content_type, body = IMAGES[name]

    def route(environ, params, config):
        return results.data(body, content_type)

    route.__name__ = "image_" + name
    route.__doc__ = "The %s image." % name.upper()
    return route


INTRO = """<h1>An httpbin-compatible API</h1>
<p>These routes answer as <a href="https://github.com/psf/httpbin">httpbin</a> 0.10 does,
relative to this page; <a href="https://github.com/mccutchen/go-httpbin">go-httpbin</a>'s
newer routes are here too. The documentation lists every difference and why.</p>
"""


def index_page(mount, routes):
    """The landing page: every route, linked where a plain GET shows something,
    in the look of the demo site (``pages``)."""
    rows = []
    for pattern, methods in routes:
        shown = escape(mount + pattern)
        route = "<code>%s</code>" % shown
        if "<" not in pattern:
            route = '<a href="%s">%s</a>' % (shown, route)
        rows.append('<tr><td>%s</td><td class="methods">%s</td></tr>' % (route, escape(methods)))
    table = (
        "<table>\n<thead><tr><th>route</th><th>methods</th></tr></thead>\n<tbody>\n%s\n"
        "</tbody>\n</table>" % "\n".join(rows)
    )
    return pages.page("httpbin API - wsgi-echo", INTRO + table).encode("utf-8")
