"""``RecordedRequest``: one request from a server's record, as a test reads it.

The record's API gives each request as JSON (docs/recording.md lists the
fields); this puts the vocabulary of pytest-httpserver's log and WebOb's
request on top of it: ``method``, ``path``, ``query``, ``headers`` looked
up without regard to case, ``body`` as bytes, ``text``, ``json()``,
``form``, ``files``, and what the server answered (``status``).

Query strings and multipart bodies are read by the same code the apps read
them with (``request/``), so a test sees what the echo would have shown.
"""

import base64
import json

# WebOb's case-insensitive multi-valued header dict: named for responses,
# but it is any ordered list of header pairs, which is what a record holds.
from webob.headers import ResponseHeaders as Headers
from webob.multidict import MultiDict

from ..request.forms import MULTIPART, URLENCODED, boundary_of, media_type
from ..request.multipart import parts
from ..request.parameters import parameter
from ..request.query import parse_query

SHOWN_BODY = 200  # characters of a body a message quotes


class NotJSON(ValueError):
    """A recorded body that was asked for as JSON is not JSON."""


class RecordedRequest:
    """One recorded request.  ``record`` is the API's JSON object for it,
    kept whole (``tls``, ``instance``, ``client``, ... are there too)."""

    def __init__(self, record):
        self.record = record
        self.id = record["id"]
        self.method = record["method"]
        self.path = record["path"]
        self.target = record["target"]
        self.query_string = self.target.partition("?")[2]
        self.headers = Headers([(name, value) for name, value in record["headers"]])
        self.status = record.get("status")
        self.body_truncated = record.get("body_truncated", False)
        if record.get("body_encoding") == "base64":
            self.body = base64.b64decode(record.get("body", ""))
        else:
            self.body = record.get("body", "").encode("utf-8")

    def __getattr__(self, name):
        """The record's other fields by name: ``time``, ``client``, ``tls``,
        ``http_version``, ``scheme``, ``host``, ``duration_ms``, ``body_size``."""
        record = self.__dict__.get("record", {})
        if name in record:
            return record[name]
        raise AttributeError("a recorded request has no %r" % name)

    def __repr__(self):
        return "<RecordedRequest %s>" % self.summary()

    def summary(self):
        """``#12 POST /hook?a=1 -> 200``: the one line a message shows for it."""
        return "#%s %s %s -> %s" % (self.id, self.method, self.target, self.status)

    @property
    def url(self):
        return "%s://%s%s" % (self.record.get("scheme", "http"), self.record["host"], self.target)

    @property
    def query(self):
        """The query's parameters (a ``MultiDict``: ``getall`` for repeats)."""
        return MultiDict(parse_query(self.query_string))

    @property
    def content_type(self):
        return self.headers.get("Content-Type", "")

    @property
    def text(self):
        """The body as text, in the charset its Content-Type names (else UTF-8)."""
        charset = parameter(self.content_type, "charset") or "utf-8"
        try:
            return self.body.decode(charset, "replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode("utf-8", "replace")

    def json(self):
        """The body as JSON; ``NotJSON`` (a ValueError) says why it is not."""
        try:
            return json.loads(self.body)
        except ValueError:
            raise NotJSON("request %s: %s" % (self.summary(), self.why_not_json())) from None

    def why_not_json(self):
        if not self.body:
            return "the body is empty"
        cut = " (cut at [record] max_body_bytes)" if self.body_truncated else ""
        return "the body is not JSON%s: %s" % (cut, shown(self.text))

    @property
    def form(self):
        """The fields of a form body (URL-encoded, or the multipart parts that
        are not files), as a ``MultiDict``; empty for any other body."""
        kind = media_type(self.content_type)
        if kind == URLENCODED:
            return MultiDict(parse_query(self.body.decode("latin-1")))
        if kind == MULTIPART:
            return MultiDict(
                (part.name, part.content.decode("utf-8", "replace"))
                for part in self._parts()
                if part.name is not None and part.filename is None
            )
        return MultiDict()

    @property
    def files(self):
        """The uploads of a multipart body: a ``MultiDict`` of field name to
        ``Part`` (``filename``, ``content_type``, ``content`` as bytes)."""
        return MultiDict((part.name, part) for part in self._parts() if part.filename is not None)

    def _parts(self):
        if media_type(self.content_type) != MULTIPART:
            return []
        boundary = boundary_of(self.content_type)
        return parts(self.body, boundary) if boundary else []


def shown(value):
    """``value`` as a message quotes it: its repr, cut to ``SHOWN_BODY``."""
    text = repr(value)
    return text if len(text) <= SHOWN_BODY else text[:SHOWN_BODY] + "..."
