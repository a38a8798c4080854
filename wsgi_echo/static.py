"""The static site: files under ``[static] root``, served safely and correctly.

Two halves, as in whitenoise: the work that depends only on the file is done
once and kept (``StaticFile``: resolved path, ready response headers, the
compressed siblings), and a request is a lookup, a one-``stat`` freshness
check and a choice.

Plain GET and HEAD are answered here directly: a small file's bytes from
memory, a large one through ``wsgi.file_wrapper`` so gunicorn can
``sendfile`` (see ``SMALL_FILE`` for why the two).  Conditional and range
requests are handed to WebOb's ``conditional_response_app``, which already
implements RFC 9110's 304, 206 and 416 rules; we only supply the validators
WebOb's own ``FileApp`` lacks (ETag) and keep its ``FileIter`` for ranges.

Resolution rules, in order (the order is part of the contract):

1. a path that leaves the root, or passes through a dotfile or dot-directory,
   or is not valid UTF-8, or holds a backslash or NUL: 404;
2. an existing directory: 301 to the slashed URL, or its index file;
3. an extension not in ``allowed_extensions`` (or none): 403, existing or not;
4. a missing file: 404.

Containment is checked on the fully resolved (``realpath``) path *before*
anything is asked of the file system about the target, unlike WebOb's
``DirectoryApp``, which looks for a directory first.
"""

import html
import mimetypes
import os
import re
import stat as stat_module
from email.utils import formatdate, parsedate_to_datetime

from webob import Response
from webob.request import BaseRequest
from webob.static import FileIter

from . import errors
from .wsgi_text import decoded, request_path, url_path, url_query

BLOCK_SIZE = 1 << 16
# Files up to this size are kept in memory and sent with one write; larger
# ones go through wsgi.file_wrapper (sendfile under gunicorn).  Measured under
# gunicorn gthread (make bench's set-up): for 1 KB and 50 KB files one write
# answers about 35% more requests per second than sendfile, whose per-request
# cost (open, lseek, poll set-up, sendfile, close) is paid before the first
# byte; at 256 KB the two are within 10%, at 1 MB sendfile is ahead.
SMALL_FILE = 256 * 1024
MEMORY_BUDGET = 32 * 1024 * 1024  # all in-memory files of one StaticApp together
MAX_PATH_BYTES = 4096
CACHE_LIMIT = 4096  # distinct URLs remembered; the table is cleared when full
ALLOW = "GET, HEAD"

# Explicit types for the usual web files: the platform's mimetypes table
# differs between systems (and Windows reads it from the registry).
TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css",
    ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
    ".txt": "text/plain", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".svg": "image/svg+xml",
    ".ico": "image/x-icon", ".webp": "image/webp", ".xml": "application/xml",
    ".wasm": "application/wasm", ".pdf": "application/pdf",
}
# Precompressed siblings, best first: (encoding token, file suffix).
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# Request headers that make a response conditional or partial.
CONDITIONAL_KEYS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE",
                    "HTTP_IF_RANGE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def content_type(name):
    ext = os.path.splitext(name)[1].lower()
    kind = TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/"):
        kind += "; charset=utf-8"
    return kind


class Refusal(Exception):
    """A request the rules refuse: carries the status (403 or 404)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Redirect(Exception):
    """An existing directory asked for without its trailing slash."""


def _key(st):
    """What changes whenever the file's bytes can have changed."""
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Variant:
    """One representation of a file on disk: identity, gzip or br.

    A small file's bytes are kept in memory (``body``); a large one is opened
    per request and handed to the server's file wrapper.
    """

    __slots__ = ("path", "key", "size", "etag", "headers", "body")

    def __init__(self, path, st, ctype, encoding, common):
        self.path = path
        self.key = _key(st)
        self.size = st.st_size
        # Strong validator from inode change data, like nginx's: changes
        # whenever the bytes can have changed, costs no read of the file.
        self.etag = '"%x-%x%s"' % (st.st_mtime_ns // 1000, st.st_size,
                                    "-" + encoding if encoding else "")
        self.headers = [("Content-Type", ctype), ("Content-Length", str(st.st_size)),
                        ("ETag", self.etag)] + common
        if encoding:
            self.headers.append(("Content-Encoding", encoding))
        self.body = None

    def open(self):
        """The file, opened, if it is still the one described; else None.

        ``fstat`` on the open handle, not a second ``stat`` on the path: the
        bytes sent are then exactly the ones the headers describe.
        """
        try:
            handle = open(self.path, "rb")
        except OSError:
            return None
        if _key(os.fstat(handle.fileno())) != self.key:
            handle.close()
            return None
        return handle

    def keep_in_memory(self):
        handle = self.open()
        if handle is None:
            return False
        with handle:
            body = handle.read(self.size + 1)
        if len(body) != self.size:
            return False  # changed while we read it; served from disk instead
        self.body = body
        return True


class StaticFile:
    """Everything about one served file that does not depend on the request."""

    __slots__ = ("identity", "encoded", "variants", "memory")

    def __init__(self, path, st, max_age):
        ctype = content_type(path)
        common = [("Last-Modified", formatdate(st.st_mtime, usegmt=True)),
                  ("Accept-Ranges", "bytes"),
                  ("Cache-Control", "public, max-age=%d" % max_age),
                  ("X-Content-Type-Options", "nosniff")]
        encoded = []
        for encoding, suffix in ENCODINGS:
            try:
                sibling = os.stat(path + suffix)
            except OSError:
                continue
            if stat_module.S_ISREG(sibling.st_mode):
                encoded.append((encoding, Variant(path + suffix, sibling, ctype, encoding,
                                                  common)))
        if encoded:
            # RFC 9110 section 12.5.5: every representation that could have
            # been chosen by Accept-Encoding says so, the identity one too.
            common = common + [("Vary", "Accept-Encoding")]
            for _, variant in encoded:
                variant.headers.append(("Vary", "Accept-Encoding"))
        self.identity = Variant(path, st, ctype, None, common)
        self.encoded = tuple(encoded)
        self.variants = (self.identity,) + tuple(variant for _, variant in encoded)
        self.memory = 0

    def fresh(self):
        """One ``stat`` per representation: has anything changed on disk?"""
        for variant in self.variants:
            try:
                if _key(os.stat(variant.path)) != variant.key:
                    return False
            except OSError:
                return False
        return True

    def load(self, budget):
        """Keep the small representations in memory, within ``budget`` bytes;
        ``memory`` (also returned) says how many bytes that took."""
        self.memory = 0
        for variant in self.variants:
            if variant.size <= SMALL_FILE and self.memory + variant.size <= budget:
                if variant.keep_in_memory():
                    self.memory += variant.size
        return self.memory

    def choose(self, accept_encoding):
        if self.encoded and accept_encoding:
            accepted = _accepted_encodings(accept_encoding)
            for encoding, variant in self.encoded:
                if encoding in accepted:
                    return variant
        return self.identity


def _accepted_encodings(header):
    """Codings in Accept-Encoding with a non-zero weight (RFC 9110 12.5.3)."""
    accepted = set()
    for item in header.lower().split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip()
        weight = params.strip()
        if weight.startswith("q="):
            try:
                if float(weight[2:]) <= 0:
                    continue
            except ValueError:
                continue
        accepted.add(coding)
    return accepted


class StaticApp:
    """WSGI app serving ``[static] root`` by the rules in the module docstring."""

    def __init__(self, settings):
        config = settings.static
        self.root = os.path.realpath(config.root)
        self.root_prefix = os.path.join(self.root, "")
        self.index = config.index
        self.allowed = config.allowed_extensions
        self.max_age = config.cache_max_age
        self.files = {}
        self.memory_used = 0
        self.templates = {}  # status -> (file key, text) of the root's error pages

    # -- resolution ---------------------------------------------------------

    def _contained(self, path):
        """``path`` fully resolved, if it stays inside the root and out of
        dotfiles; else Refusal(404)."""
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):
            raise Refusal(404) from None
        if real != self.root and not real.startswith(self.root_prefix):
            raise Refusal(404)  # a symlink led out of the root
        if "/." in real[len(self.root):]:
            raise Refusal(404)  # ... or into a dotfile
        return real

    def _allowed(self, name):
        return os.path.splitext(name)[1].lower() in self.allowed

    def resolve(self, path_info):
        """The StaticFile for ``path_info``, or raise Refusal / Redirect."""
        raw = path_info.encode("latin-1")
        if len(raw) > MAX_PATH_BYTES or b"\\" in raw or b"\0" in raw:
            raise Refusal(404)
        try:
            relative = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(404) from None
        segments = [segment for segment in relative.split("/") if segment]
        if any(segment.startswith(".") for segment in segments):
            raise Refusal(404)
        real = self._contained(os.path.join(self.root, *segments))
        st = _stat(real)
        if st is not None and stat_module.S_ISDIR(st.st_mode):
            if not relative.endswith("/"):
                raise Redirect()
            if not self._allowed(self.index):
                raise Refusal(403)
            # The index may itself be a symlink: resolved and checked like any path.
            real = self._contained(os.path.join(real, self.index))
            if not self._allowed(real):
                raise Refusal(403)
            st = _stat(real)
        elif not self._allowed(segments[-1] if segments else "") or not self._allowed(real):
            raise Refusal(403)
        elif relative.endswith("/"):
            raise Refusal(404)  # a file asked for as if it were a directory
        if st is None or not stat_module.S_ISREG(st.st_mode):
            raise Refusal(404)
        return StaticFile(real, st, self.max_age)

    def lookup(self, path_info, force=False):
        entry = self.files.get(path_info)
        if entry is not None and not force and entry.fresh():
            return entry
        if entry is not None:
            del self.files[path_info]
            self.memory_used -= entry.memory
        fresh = self.resolve(path_info)
        if len(self.files) >= CACHE_LIMIT:
            self.files.clear()
            self.memory_used = 0
        self.memory_used += fresh.load(MEMORY_BUDGET - self.memory_used)
        self.files[path_info] = fresh
        return fresh

    # -- responses ----------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method != "GET" and method != "HEAD":
            return errors.json_error(environ, start_response, 405,
                                     "a static file can only be read (GET or HEAD)",
                                     headers=[("Allow", ALLOW)])
        path_info = environ.get("PATH_INFO", "")
        for attempt in range(2):
            try:
                entry = self.lookup(path_info, force=attempt > 0)
            except Refusal as refusal:
                return self.error_page(environ, start_response, refusal.status)
            except Redirect:
                return self.redirect(environ, start_response)
            variant = entry.choose(environ.get("HTTP_ACCEPT_ENCODING"))
            body, handle = variant.body, None
            if body is not None or method == "HEAD":
                break
            handle = variant.open()
            if handle is not None:
                break
            # The file changed between the lookup and the open: look again, once.
        else:
            return self.error_page(environ, start_response, 404)
        for key in CONDITIONAL_KEYS:
            if key in environ:
                return self.conditional(environ, start_response, variant, body, handle)
        start_response("200 OK", list(variant.headers))
        if method == "HEAD":
            return []
        if body is not None:
            return [body]
        wrapper = environ.get("wsgi.file_wrapper")
        return wrapper(handle, BLOCK_SIZE) if wrapper else FileIter(handle)

    def conditional(self, environ, start_response, variant, body, handle):
        """Let WebOb decide 200, 206, 304 or 416 from the request's conditions."""
        _drop_unparsable_conditions(environ)
        failed = _failed_precondition(environ, variant)
        if failed or _empty_suffix_range(environ):
            if handle is not None:
                handle.close()
            if failed:
                return errors.json_error(environ, start_response, 412, failed)
            return errors.json_error(environ, start_response, 416,
                                     "a suffix range of zero bytes selects nothing",
                                     headers=[("Content-Range", "bytes */%d" % variant.size)])
        app_iter = [body] if body is not None else FileIter(handle) if handle else []
        response = Response(app_iter=app_iter, conditional_response=True)
        response.headerlist = list(variant.headers)
        return response(environ, start_response)

    def redirect(self, environ, start_response):
        path = request_path(environ)
        # One leading slash only: "//host/" in Location would be a redirect
        # to another host (a protocol-relative URL).
        path = "/" + "/".join(segment for segment in path.split("/") if segment)
        location = url_path(path) + "/"
        if environ.get("QUERY_STRING"):
            # Kept as sent, except what may not stand in a header or a URL.
            location += "?" + url_query(environ["QUERY_STRING"])
        body = ('<!doctype html><title>301 Moved Permanently</title>'
                '<p>Moved to <a href="%s">%s</a>.</p>\n'
                % (html.escape(location), html.escape(location))).encode("utf-8")
        start_response("301 Moved Permanently", [
            ("Location", location), ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def template(self, status):
        """The root's ``<status>.html`` text, re-read only when it changed."""
        path = os.path.join(self.root, "%d.html" % status)
        st = _stat(path)
        if st is None or not stat_module.S_ISREG(st.st_mode):
            return None
        cached = self.templates.get(status)
        if cached is not None and cached[0] == _key(st):
            return cached[1]
        text = _read_template(path)
        self.templates[status] = (_key(st), text)
        return text

    def error_page(self, environ, start_response, status):
        """The root's ``403.html`` / ``404.html`` with placeholders filled, or a
        small built-in page."""
        reason = errors.reason(status)
        path = decoded(request_path(environ))
        template = self.template(status)
        if template is None:
            template = ("<!doctype html><title>{{status}} {{reason}}</title>"
                        "<h1>{{status}} {{reason}}</h1><p>{{path}}</p>\n")
        page = (template.replace("{{status}}", str(status))
                .replace("{{reason}}", html.escape(reason))
                .replace("{{path}}", html.escape(path)))
        body = page.encode("utf-8")
        start_response(errors.status_line(status), [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _stat(path):
    """os.stat, or None for anything that is not there to serve."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _read_template(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


# (request header, WebOb property parsing it, headers to drop when it fails)
_CONDITIONS = (
    ("HTTP_IF_MODIFIED_SINCE", "if_modified_since", ("HTTP_IF_MODIFIED_SINCE",)),
    ("HTTP_IF_NONE_MATCH", "if_none_match", ("HTTP_IF_NONE_MATCH",)),
    # RFC 9110 section 13.1.5: an If-Range that cannot be evaluated means
    # the whole representation, so the Range goes with it.
    ("HTTP_IF_RANGE", "if_range", ("HTTP_IF_RANGE", "HTTP_RANGE")),
    ("HTTP_RANGE", "range", ("HTTP_RANGE",)),
)
_EMPTY_SUFFIX = re.compile(r"\s*bytes\s*=\s*-\s*0+\s*\Z", re.I)


def _drop_unparsable_conditions(environ):
    """Malformed conditional headers are ignored (RFC 9110 sections 13.1.3,
    14.2), not answered with a 500 from WebOb's parsers."""
    request = BaseRequest(environ)
    for key, attribute, drop in _CONDITIONS:
        if key in environ:
            try:
                getattr(request, attribute)
            except (ValueError, TypeError, OverflowError, IndexError):
                for name in drop:
                    environ.pop(name, None)


def _empty_suffix_range(environ):
    """``bytes=-0`` asks for the last zero bytes: unsatisfiable (RFC 9110
    14.1.2), though WebOb would answer it with the whole file."""
    return bool(_EMPTY_SUFFIX.match(environ.get("HTTP_RANGE", "")))


def _failed_precondition(environ, variant):
    """RFC 9110 section 13.1.1/13.1.4: If-Match and If-Unmodified-Since, which
    WebOb's conditional_response_app leaves to the application."""
    if_match = environ.get("HTTP_IF_MATCH")
    if if_match is not None:
        tags = [tag.strip() for tag in if_match.split(",")]
        if "*" not in tags and variant.etag not in tags:
            return "If-Match does not match the current ETag %s" % variant.etag
        return None
    if_unmodified = environ.get("HTTP_IF_UNMODIFIED_SINCE")
    if if_unmodified is not None:
        try:
            since = parsedate_to_datetime(if_unmodified).timestamp()
        except (TypeError, ValueError, IndexError):
            return None  # an invalid date is ignored (RFC 9110 13.1.4)
        if variant.key[0] // 10**9 > since:
            return "the file was modified after If-Unmodified-Since"
    return None
