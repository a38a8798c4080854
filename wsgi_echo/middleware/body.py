"""The request body: limited in size and in waiting time, read once, here.

A declared Content-Length is judged before a byte is read; a chunked body
(handed over still streaming, with no length, by servers that do not buffer
it) is read up to one byte past the limit.  Either way the body is then read
in full and handed on as a measured, in-memory body, so the apps below see
the same environ under every server and never meet a half-sent body.

Waiting is bounded by ``body_timeout``, counted from the end of the request
headers.  The server runner enforces it on the socket (a server that
buffers bodies before the app does it while buffering); this middleware
turns a read that failed or came up short at the deadline into 408.

Transfer codings other than ``chunked`` (``gzip, chunked``) are answered 501:
RFC 9112 section 6.1 lets a server refuse codings it does not implement, and
a body still wrapped in one would otherwise be echoed as if it were plain.
"""

import io
import time

from .. import errors
from ..protocol import CLOSE_AFTER

# A read that fails this close to the deadline was cut off by it.
DEADLINE_MARGIN = 0.5


def read_body(environ):
    """The whole request body, for an app below ``RequestBody``, which has
    already read, measured and buffered it."""
    length = environ.get("CONTENT_LENGTH")
    if not length or length == "0":
        return b""
    return environ["wsgi.input"].read(int(length))


class RequestBody:
    def __init__(self, app, max_bytes, timeout):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH")
        coding = environ.get("HTTP_TRANSFER_ENCODING")
        chunked = False
        if coding:
            codings = [item.strip().lower() for item in coding.split(",") if item.strip()]
            others = [item for item in codings if item != "chunked"]
            if others:
                return errors.json_error(
                    environ,
                    start_response,
                    501,
                    "Transfer-Encoding %s is not implemented; send the body with "
                    "Content-Encoding instead" % ", ".join(others),
                    header="Transfer-Encoding",
                )
            chunked = not length
        if not chunked and (not length or length == "0"):
            return self.app(environ, start_response)
        if length:
            if not length.isdigit() or not length.isascii():
                return errors.json_error(
                    environ,
                    start_response,
                    400,
                    "Content-Length must be a whole number",
                    header="Content-Length",
                )
            if int(length) > self.max_bytes:
                return self.too_large(environ, start_response)
        wanted = self.max_bytes + 1 if chunked else int(length)
        started = time.monotonic()
        try:
            body = environ["wsgi.input"].read(wanted)
        except Exception as exc:  # each server has its own (NoMoreData, OSError, ...)
            if self.past_deadline(started):
                return self.too_slow(environ, start_response)
            # Where the next request would start is unknown (RFC 9112
            # section 9.3: the connection cannot be reused).
            environ[CLOSE_AFTER] = True
            return errors.json_error(
                environ,
                start_response,
                400,
                "the request body could not be read: %s" % (str(exc) or type(exc).__name__),
            )
        if chunked and len(body) > self.max_bytes:
            return self.too_large(environ, start_response)
        if not chunked and len(body) < wanted:
            if self.past_deadline(started):
                return self.too_slow(environ, start_response)
            return errors.json_error(
                environ,
                start_response,
                400,
                "the body ended after %d of %d bytes" % (len(body), wanted),
            )
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def past_deadline(self, started):
        return time.monotonic() - started >= self.timeout - DEADLINE_MARGIN

    def too_slow(self, environ, start_response):
        return errors.json_error(
            environ,
            start_response,
            408,
            "the request body did not arrive within %d seconds" % self.timeout,
            limit=self.timeout,
        )

    def too_large(self, environ, start_response):
        return errors.json_error(
            environ,
            start_response,
            413,
            "the request body is larger than the limit of %d bytes" % self.max_bytes,
            limit=self.max_bytes,
        )
