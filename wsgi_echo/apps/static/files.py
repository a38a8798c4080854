"""One served file and its representations, built once, as whitenoise does.

Everything about a file that does not depend on the request is worked out
when it is first served (or has changed): its content type, the ready
response headers with validators, its precompressed siblings, and for a
small file its bytes.  A request is then a freshness check and a choice.

Every representation is built from one open file handle and its ``fstat``,
never from a ``stat`` of the path followed by a separate ``open``: a file
replaced or rewritten in between then gives headers and bytes that belong
together, not a mismatch or a 404.
"""

import mimetypes
import os
import stat as stat_module
from email.utils import formatdate

# Files up to this size are kept in memory and sent with one write; larger
# ones go through wsgi.file_wrapper (sendfile where the server has it).
# Measured under a threaded server (make bench's set-up): for 1 KB and 50 KB
# files one write answers about 35% more requests per second than sendfile,
# whose per-request cost (open, lseek, poll set-up, sendfile, close) is paid
# before the first byte; at 256 KB the two are within 10%, at 1 MB sendfile
# is ahead.
SMALL_FILE = 256 * 1024

# Explicit types for the usual web files: the platform's mimetypes table
# differs between systems (and Windows reads it from the registry).
TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".xml": "application/xml",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}
# Precompressed siblings, best first: (content coding, file suffix).
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def content_type(name):
    ext = os.path.splitext(name)[1].lower()
    kind = TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/"):
        kind += "; charset=utf-8"
    return kind


def file_key(st):
    """What changes whenever the file's bytes can have changed."""
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class Variant:
    """One representation of a file on disk: identity, gzip or br.

    A small file's bytes are kept in memory (``body``); a large one is opened
    per request and handed to the server's file wrapper.
    """

    __slots__ = (
        "body",
        "common",
        "ctype",
        "encoding",
        "etag",
        "headers",
        "key",
        "mtime_ns",
        "path",
        "size",
    )

    def __init__(self, path, st, ctype, encoding, common, body=None):
        self.path, self.ctype, self.encoding, self.common = path, ctype, encoding, common
        self.size = len(body) if body is not None else st.st_size
        self.key = (st.st_mtime_ns, self.size, st.st_ino)
        self.mtime_ns = st.st_mtime_ns
        # Strong validator from inode change data, like nginx's: changes
        # whenever the bytes can have changed, costs no read of the file.
        self.etag = '"%x-%x%s"' % (
            st.st_mtime_ns // 1000,
            self.size,
            "-" + encoding if encoding else "",
        )
        self.headers = [
            ("Content-Type", ctype),
            ("Content-Length", str(self.size)),
            ("ETag", self.etag),
            ("Last-Modified", formatdate(st.st_mtime, usegmt=True)),
            *common,
        ]
        if encoding:
            self.headers.append(("Content-Encoding", encoding))
        self.body = body

    def matches(self, st):
        return file_key(st) == self.key

    def reopened(self, st):
        """The same representation as ``st`` now describes it (sent from disk)."""
        return Variant(self.path, st, self.ctype, self.encoding, self.common)


def _read_whole(handle, size):
    """Up to ``size`` bytes and one more, so a file still growing shows it."""
    chunks, wanted = [], size + 1
    while wanted > 0:
        chunk = handle.read(wanted)
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def _load(path, ctype, encoding, common, memory_left):
    """The representation at ``path`` (None if there is no regular file).

    Returns (variant, bytes kept in memory).
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the with below, after the check)
    except OSError:
        return None, 0
    with handle:
        st = os.fstat(handle.fileno())
        if not stat_module.S_ISREG(st.st_mode):
            return None, 0
        body = None
        if st.st_size <= SMALL_FILE and st.st_size <= memory_left:
            body = _read_whole(handle, st.st_size)
            if len(body) > st.st_size:
                # Growing while we read: serve it from disk, per request.
                body = None
    return Variant(path, st, ctype, encoding, common, body), len(body or b"")


class StaticFile:
    """Everything about one served file that does not depend on the request."""

    __slots__ = ("absent", "encoded", "identity", "memory", "variants")

    def __init__(self, identity, encoded, memory, absent=()):
        self.identity = identity
        self.encoded = encoded  # ((coding, Variant), ...), best first
        self.variants = (identity, *tuple(variant for _, variant in encoded))
        self.memory = memory
        self.absent = absent  # the sibling paths where nothing was when it was built

    @classmethod
    def load(cls, path, max_age, memory_left, inside=lambda candidate: True):
        """The file at ``path`` and its precompressed siblings, read now.

        ``inside(path)`` says whether a sibling may be served: a ``.gz`` that
        is a symlink out of the root is not.  None when the file is gone (or
        no longer a regular file).
        """
        ctype = content_type(path)
        common = [
            ("Accept-Ranges", "bytes"),
            ("Cache-Control", "public, max-age=%d" % max_age),
            ("X-Content-Type-Options", "nosniff"),
        ]
        siblings, absent = [], []
        for coding, suffix in ENCODINGS:
            sibling = path + suffix
            if os.path.isfile(sibling):
                if inside(sibling):
                    siblings.append((coding, sibling))
            elif not os.path.exists(sibling):
                absent.append(sibling)
        if siblings:
            # RFC 9110 section 12.5.5: every representation that could have
            # been chosen by Accept-Encoding says so, the identity one too.
            common.append(("Vary", "Accept-Encoding"))
        identity, memory = _load(path, ctype, None, common, memory_left)
        if identity is None:
            return None
        encoded = []
        for coding, sibling_path in siblings:
            variant, used = _load(sibling_path, ctype, coding, common, memory_left - memory)
            if variant is not None:
                encoded.append((coding, variant))
                memory += used
        return cls(identity, tuple(encoded), memory, tuple(absent))

    def fresh(self):
        """Has anything changed on disk?  One ``stat`` per representation,
        and one per sibling that was not there (a ``.br`` added later)."""
        for variant in self.variants:
            try:
                if not variant.matches(os.stat(variant.path)):
                    return False
            except OSError:
                return False
        # os.access: no exception to build for the usual answer, "not there".
        return not any(os.access(path, os.F_OK) for path in self.absent)

    def choose(self, accept_encoding):
        if self.encoded and accept_encoding:
            accepted = accepted_encodings(accept_encoding)
            for coding, variant in self.encoded:
                if coding in accepted:
                    return variant
        return self.identity


def accepted_encodings(header):
    """Codings in Accept-Encoding with a non-zero weight (RFC 9110 section 12.5.3)."""
    accepted = set()
    for item in header.lower().split(","):
        coding, _, params = item.partition(";")
        weight = params.strip()
        if weight.startswith("q="):
            try:
                if float(weight[2:]) <= 0:
                    continue
            except ValueError:
                continue
        accepted.add(coding.strip())
    return accepted
