"""One record: what a request was, captured when it arrives, finished when
its answer ends.

``capture`` runs before the app, so the record shows the request as it was
received (the body middleware drops ``Transfer-Encoding`` and rewrites
``Content-Length`` further in); ``finish`` adds the body the body middleware
buffered, the status and the duration, and writes the JSON the store keeps.

Header names are rebuilt in the echo's style (``X-Api-Key``), in the order
the server read them (the environ keeps it; a header repeated on several
lines arrives joined with ", ", as the servers join it), values read as UTF-8.
"""

import base64
import json
import time

from ..middleware.body import BUFFERED_BODY
from ..protocol import TLS
from ..request.header_names import capitalized
from ..request.host import host_of
from ..wsgi_text import decoded, request_path, request_target


def iso_time(seconds):
    """ISO 8601 UTC with milliseconds: 2026-12-07T10:00:00.123Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % (
        seconds % 1 * 1000
    )


def headers_of(environ):
    """[[name, value], ...] in the environ's order."""
    named = ((capitalized(key), value) for key, value in environ.items())
    return [[name, value if value.isascii() else decoded(value)] for name, value in named if name]


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
    """What the record says of the request, read before the app runs."""
    protocol = environ.get("SERVER_PROTOCOL", "HTTP/1.0").partition("/")[2]
    return {
        "time": iso_time(time.time()),
        "instance": instance,
        "client": environ.get("REMOTE_ADDR", ""),
        "method": environ.get("REQUEST_METHOD", ""),
        "target": decoded(request_target(environ)),
        "path": decoded(request_path(environ)),
        "http_version": "2" if protocol == "2.0" else protocol,
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "host": decoded(host_of(environ)),
        "tls": tls_summary(environ),
        "headers": headers_of(environ),
    }


def finish(record, environ, status, seconds, max_body):
    """The record's JSON text (without id): ``record`` from ``capture`` plus
    the body (up to ``max_body`` bytes), the status and the duration."""
    body = environ.get(BUFFERED_BODY, b"")
    kept = body[:max_body]
    text = utf8_text(kept, cut=len(body) > max_body)
    if text is None:
        record["body"] = base64.b64encode(kept).decode("ascii")
        record["body_encoding"] = "base64"
    else:
        record["body"], record["body_encoding"] = text, "utf-8"
    record["body_size"] = len(body)
    record["body_truncated"] = len(body) > max_body
    record["status"] = int(status[:3]) if status[:3].isdigit() else 0
    record["duration_ms"] = round(seconds * 1000, 3)
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
