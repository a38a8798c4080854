"""The request body: limited in size and in waiting time, read once, here.

A declared Content-Length is judged before a byte is read; a chunked body
(handed over still streaming, with no length, by servers that do not buffer
it) is read up to one byte past the limit.  Either way the body is then read
in full and handed on as a measured, in-memory body, so the apps below see
the same environ under every server and never meet a half-sent body.

A route that takes its body as a stream instead (``/upload``, which may take
more than fits in memory) says so through ``streamed``, asked before a byte
is read: its body comes as a ``BodyStream`` under its own size limit, and
the same rules are applied as the route reads it, raising ``BodyError``,
which the route answers (``body_chunks``).

Waiting is bounded by ``body_timeout``, counted from the end of the request
headers.  The server runner enforces it on the socket (a server that
buffers bodies before the app does it while buffering); this module turns
a read that failed or came up short at the deadline into 408, and tells the
runner when the body has been read to its end (``protocol.BODY_READ``), so
its deadline ends with the body rather than with the answer.

Transfer codings other than ``chunked`` (``gzip, chunked``) are answered 501:
RFC 9112 section 6.1 lets a server refuse codings it does not implement, and
a body still wrapped in one would otherwise be echoed as if it were plain.
"""

import io
import time

from .. import errors
from ..protocol import BODY_READ, CLOSE_AFTER

# The body as read, left in the environ for the recorder (``record``), which
# wraps this middleware and reads it once the app has answered.
BUFFERED_BODY = "wsgi_echo.request_body"
# A read that fails this close to the deadline was cut off by it.
DEADLINE_MARGIN = 0.5
# The size of each read from a streamed body.
CHUNK = 65536


def read_body(environ):
    """The whole request body, for an app below ``RequestBody``, which has
    already read, measured and buffered it."""
    length = environ.get("CONTENT_LENGTH")
    if not length or length == "0":
        return b""
    return environ["wsgi.input"].read(int(length))


def body_chunks(environ, size=CHUNK):
    """The request body in pieces of at most ``size`` bytes: read from the
    connection as they come for a streamed route (``BodyError`` when a rule
    is broken), else from the buffered body."""
    source = environ["wsgi.input"]
    if isinstance(source, BodyStream):
        yield from source.chunks(size)
        return
    body = read_body(environ)
    for start in range(0, len(body), size):
        yield body[start : start + size]


class BodyError(Exception):
    """A body refused: ``status``, ``detail`` and the fields of the JSON error.

    ``close``: the body was not read to its end, so where the next request
    on the connection would start is unknown (RFC 9112 section 9.3): the
    answer asks the server to close the connection (``protocol.CLOSE_AFTER``).
    """

    def __init__(self, status, detail, close=False, **fields):
        super().__init__(detail)
        self.status, self.detail, self.close, self.fields = status, detail, close, fields

    def answer(self, environ, start_response, headers=()):
        if self.close:
            environ[CLOSE_AFTER] = True
        return errors.json_error(
            environ, start_response, self.status, self.detail, headers=headers, **self.fields
        )


def too_large(limit):
    return BodyError(
        413, "the request body is larger than the limit of %d bytes" % limit, limit=limit
    )


def too_slow(timeout):
    return BodyError(
        408, "the request body did not arrive within %d seconds" % timeout, limit=timeout
    )


def unreadable(exc):
    return BodyError(
        400,
        "the request body could not be read: %s" % (str(exc) or type(exc).__name__),
        close=True,
    )


def cut_short(received, wanted):
    return BodyError(400, "the body ended after %d of %d bytes" % (received, wanted), close=True)


def past_deadline(started, timeout):
    return time.monotonic() - started >= timeout - DEADLINE_MARGIN


def framing_refusal(environ):
    """(BodyError or None, chunked): what the framing headers say."""
    length = environ.get("CONTENT_LENGTH")
    coding = environ.get("HTTP_TRANSFER_ENCODING")
    chunked = False
    if coding:
        codings = [item.strip().lower() for item in coding.split(",") if item.strip()]
        others = [item for item in codings if item != "chunked"]
        if others:
            refusal = BodyError(
                501,
                "Transfer-Encoding %s is not implemented; send the body with "
                "Content-Encoding instead" % ", ".join(others),
                header="Transfer-Encoding",
            )
            return refusal, False
        chunked = not length
    elif not length and environ.get("SERVER_PROTOCOL") == "HTTP/2.0":
        # HTTP/2 frames a body itself, so a request may send one with no
        # Content-Length (RFC 9113 section 8.1): read it to its end, as a
        # chunked one; a request without a body ends at once.
        chunked = True
    if length and (not length.isdigit() or not length.isascii()):
        refusal = BodyError(400, "Content-Length must be a whole number", header="Content-Length")
        return refusal, False
    return None, chunked


class BodyStream:
    """A request body read under the rules: more than ``limit`` bytes is
    413, a read cut off at the deadline 408, a body that ends early 400.

    ``RequestBody`` reads a buffered body whole through one; a streamed
    route gets one as its ``wsgi.input`` and reads it as it goes."""

    def __init__(self, source, length, limit, timeout, on_end=None):
        """``length``: the declared Content-Length, or None for a chunked
        body, read to its end; ``on_end()``: called once the body has been
        read to its end (the runner's ``protocol.BODY_READ``)."""
        self.source, self.length, self.limit, self.timeout = source, length, limit, timeout
        self.on_end = on_end
        self.started = time.monotonic()
        self.received = 0

    def read(self, size=-1):
        end = self.length if self.length is not None else self.limit + 1
        left = end - self.received
        if size is None or size < 0 or size > left:
            size = left
        if size <= 0:
            return b""
        try:
            data = self.source.read(size)
        except Exception as exc:  # each server has its own (NoMoreData, OSError, ...)
            raise too_slow(self.timeout) if self._late() else unreadable(exc) from None
        self.received += len(data)
        if self.received > self.limit:
            raise too_large(self.limit)
        if len(data) < size and self.length is not None:
            raise too_slow(self.timeout) if self._late() else cut_short(self.received, self.length)
        # The end: the declared length, or a chunked body's reader coming up
        # short (servers' body readers return less than asked only at the end).
        if self.on_end is not None and (self.received == self.length or len(data) < size):
            self.on_end()
            self.on_end = None
        return data

    def chunks(self, size=CHUNK):
        while True:
            data = self.read(size)
            if not data:
                return
            yield data

    def _late(self):
        return past_deadline(self.started, self.timeout)


# The request's own Transfer-Encoding, kept when a chunked body is buffered
# (and CONTENT_LENGTH set to its length): httpbin's /headers shows what the
# client sent.
SENT_TRANSFER_ENCODING = "wsgi_echo.sent_transfer_encoding"


class RequestBody:
    def __init__(self, app, max_bytes, timeout, streamed=None):
        """``streamed(environ)``: the body limit of the route a request goes
        to when that route takes its body as a stream, else None."""
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.streamed = streamed

    def __call__(self, environ, start_response):
        refusal, chunked = framing_refusal(environ)
        if refusal is not None:
            return refusal.answer(environ, start_response)
        length = environ.get("CONTENT_LENGTH")
        if not chunked and (not length or length == "0"):
            return self.app(environ, start_response)
        streamed = self.streamed(environ) if self.streamed is not None else None
        limit = self.max_bytes if streamed is None else streamed
        if length and int(length) > limit:
            return too_large(limit).answer(environ, start_response)
        stream = BodyStream(
            environ["wsgi.input"],
            None if chunked else int(length),
            limit,
            self.timeout,
            environ.get(BODY_READ),
        )
        if streamed is not None:
            environ["wsgi.input"] = stream
            return self.app(environ, start_response)
        try:
            body = stream.read()
        except BodyError as refused:
            return refused.answer(environ, start_response)
        environ["wsgi.input"] = io.BytesIO(body)
        environ[BUFFERED_BODY] = body
        environ["CONTENT_LENGTH"] = str(len(body))
        coding = environ.pop("HTTP_TRANSFER_ENCODING", None)
        if coding is not None:
            environ[SENT_TRANSFER_ENCODING] = coding
        return self.app(environ, start_response)
