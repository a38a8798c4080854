"""One record: what a request was, captured when it arrives, finished when
its answer ends.

``capture`` runs before the app, so the record shows the request as it was
received (the body middleware drops ``Transfer-Encoding`` and rewrites
``Content-Length`` further in); ``finish`` adds the body the body middleware
buffered, the status and the duration.

Header names are rebuilt in the echo's style (``X-Api-Key``), in the order
the server read them (the environ keeps it; a header repeated on several
lines arrives joined with ", ", as the servers join it), values read as UTF-8.

Both run on every recorded request, before its answer is handed over, so
they write the record's JSON text themselves rather than build a dict for
``json.dumps``: ``capture`` writes its keys' part at once and ``finish``
appends the rest, each string through the ``json`` module's own string
encoder (the one ``json.dumps(ensure_ascii=False)`` uses), so the text is
what ``json.dumps`` would write, at a third of the cost
(docs/recording.md, "What it costs").
"""

import base64
import json
import time
from json.encoder import encode_basestring as quoted

from ..middleware.body import BUFFERED_BODY
from ..protocol import TLS
from ..request.header_names import HeaderNames, capitalized
from ..request.host import host_of
from ..wsgi_text import decoded, request_path, request_target

# The keys in the order the API shows them (docs/recording.md).
_CAPTURED = (
    '{"time":"%s","instance":%s,"client":%s,"method":%s,"target":%s,"path":%s,'
    '"http_version":%s,"scheme":%s,"host":%s,"tls":%s,"headers":[%s]'
)
_FINISHED = (
    ',"body":%s,"body_encoding":"%s","body_size":%d,"body_truncated":%s,'
    '"status":%d,"duration_ms":%r}'
)
_TLS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _Clock:
    """ISO 8601 UTC with milliseconds (2026-12-07T10:00:00.123Z); the text
    up to the second is made once per second, not once per request."""

    def __init__(self):
        self.second = (-1, "")

    def iso(self, seconds):
        whole = int(seconds)
        second, text = self.second  # one tuple: threads swap it whole
        if second != whole:
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
            self.second = (whole, text)
        return "%s.%03dZ" % (text, (seconds - whole) * 1000)


iso_time = _Clock().iso


# environ key -> the start of its JSON pair, ``["X-Api-Key",``: the name in
# the echo's style, quoted once per name rather than once per request.
_pair_start = HeaderNames(lambda key: "[%s," % quoted(name) if (name := capitalized(key)) else "")


def headers_json(environ):
    """The headers' JSON pairs, ``["Name","value"],...``, in the environ's order."""
    return ",".join(
        [
            start + quoted(value if value.isascii() else decoded(value)) + "]"
            for start, value in _pair_start.headers(environ)
        ]
    )


def tls_summary(environ):
    """The TLS the client used with this server, or None (plain HTTP, or TLS
    ended at a proxy in front)."""
    facts = environ.get(TLS)
    if facts is None:
        return None
    certificate = facts.get("client_cert")
    subject = None
    if certificate:
        subject = ",".join(
            "%s=%s" % (attribute, value)
            for rdn in certificate.get("subject", ())
            for attribute, value in rdn
        )
    return {
        "version": facts.get("version"),
        "cipher": facts.get("cipher"),
        "alpn": facts.get("alpn"),
        "sni": facts.get("sni"),
        "client_cert": subject,
    }


def utf8_text(data, cut=False):
    """``data`` as UTF-8 text, or None when it is not; a body ``cut`` at the
    cap may end inside a character, which is then left out."""
    for end in range(len(data), max(len(data) - 4, -1) if cut else len(data) - 1, -1):
        try:
            return data[:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


def capture(environ, instance):
    """What the record says of the request, read before the app runs:
    ``(method, path, text)``, the two the store filters on and the start of
    the record's JSON text (without id), for ``finish``."""
    method = environ.get("REQUEST_METHOD", "")
    path = decoded(request_path(environ))
    protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.0").partition("/")[2]
    tls = tls_summary(environ)
    text = _CAPTURED % (
        iso_time(time.time()),
        quoted(instance),
        quoted(environ.get("REMOTE_ADDR", "")),
        quoted(method),
        quoted(decoded(request_target(environ))),
        quoted(path),
        '"2"' if protocol == "2.0" else quoted(protocol),
        quoted(environ.get("wsgi.url_scheme", "http")),
        quoted(decoded(host_of(environ))),
        "null" if tls is None else _TLS(tls),
        headers_json(environ),
    )
    return method, path, text


def finish(captured, environ, status, seconds, max_body):
    """The record's JSON text (without id): ``captured`` (``capture``'s text)
    and the body (up to ``max_body`` bytes), the status and the duration."""
    body = environ.get(BUFFERED_BODY, b"")
    kept = body[:max_body]
    text = utf8_text(kept, cut=len(body) > max_body) if kept else ""
    if text is None:
        text, encoding = base64.b64encode(kept).decode("ascii"), "base64"
    else:
        encoding = "utf-8"
    return captured + _FINISHED % (
        quoted(text),
        encoding,
        len(body),
        "true" if len(body) > max_body else "false",
        int(status[:3]) if status[:3].isdigit() else 0,
        round(seconds * 1000, 3),
    )
