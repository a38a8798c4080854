"""The access log: one line per request, written by the app, so every server
writes the same lines.

Two formats (``[log] access_log_format``):

* ``text``: ``[date] client-ip "METHOD target PROTOCOL" status length duration``,
  for example
  ``[23/Nov/2026:18:00:00 +0000] 127.0.0.1 "GET /index.html HTTP/1.1" 200 1024 3ms``,
  where length is the response's Content-Length (``-`` when it has none);
* ``json``: one object per line with ``time`` (ISO 8601, UTC), ``client``,
  ``method``, ``target``, ``protocol``, ``status``, ``bytes`` (body bytes
  sent), ``duration_ms``, ``user_agent``, ``instance``, and ``headers`` when
  ``access_log_headers`` names request headers to keep.

The duration runs from the request's arrival here until the answer is
ready to go: for an answer the app returns whole (a list of bytes, as the
apps return most), when the app returns it, before the server sends it; for
an answer the app streams, or a file the server sends itself, when the
server closes it, having handed over the last byte.  The client is
REMOTE_ADDR after the trusted-proxy rules have run.  Paths in
``access_log_skip`` (the health path, by default) are not logged.  Header
values that carry secrets (``Authorization``, ``Cookie``,
``Proxy-Authorization``, and the names in ``redact_headers``) are never
written: a kept header among them is logged as ``[redacted]``.

Lines go through the standard ``logging`` module: file handlers there are
what a server reopens on USR1, so log rotation works without a restart.
Requests a server refuses before the app sees them (a malformed request
line, too many headers) are not logged here; servers report those in their
error log.
"""

import json
import logging
import sys
import time

from ..wsgi_text import request_target
from .closing import ClosedThen, close_then

LOGGER_NAME = "wsgi_echo.access"
ALWAYS_REDACTED = ("Authorization", "Cookie", "Proxy-Authorization")
REDACTED = "[redacted]"


def clf_now():
    return time.strftime("[%d/%b/%Y:%H:%M:%S %z]")


def iso_now():
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % (now % 1 * 1000)


def text_line(fields):
    return '%s %s "%s %s %s" %s %s %dms' % (
        clf_now(),
        fields["client"] or "-",
        fields["method"] or "-",
        fields["target"] or "-",
        fields["protocol"] or "-",
        fields["status"],
        fields["length"],
        int(fields["seconds"] * 1000),
    )


def json_line(fields):
    record = {
        "time": iso_now(),
        "client": fields["client"],
        "method": fields["method"],
        "target": fields["target"],
        "protocol": fields["protocol"],
        "status": int(fields["status"]) if fields["status"].isdigit() else fields["status"],
        "bytes": fields["bytes"],
        "duration_ms": round(fields["seconds"] * 1000, 3),
        "user_agent": fields["user_agent"],
        "instance": fields["instance"],
    }
    if "headers" in fields:
        record["headers"] = fields["headers"]
    return json.dumps(record, ensure_ascii=False)


FORMATS = {"text": text_line, "json": json_line}


def _environ_key(name):
    name = name.upper().replace("-", "_")
    return name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + name


class AccessLogger:
    """Writes access lines to stdout (``-``) or appends them to a file."""

    def __init__(self, config, instance=""):
        """``config``: the ``[log]`` settings; ``instance``: this server's name."""
        self.format = FORMATS[config.access_log_format]
        self.instance = instance
        self.skip_exact = frozenset(
            path for path in config.access_log_skip if not path.endswith("*")
        )
        self.skip_prefixes = tuple(
            path[:-1] for path in config.access_log_skip if path.endswith("*")
        )
        redacted = {name.lower() for name in ALWAYS_REDACTED + tuple(config.redact_headers)}
        self.kept_headers = tuple(
            (name, _environ_key(name), name.lower() in redacted)
            for name in config.access_log_headers
        )
        self.logger = logging.getLogger(LOGGER_NAME)
        for handler in self.logger.handlers:
            handler.close()
        self.logger.handlers.clear()
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        target = config.access_log
        if target == "-":
            handler = logging.StreamHandler(sys.stdout)
        else:
            handler = logging.FileHandler(target, mode="a", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        self.logger.addHandler(handler)

    def skips(self, path):
        return path in self.skip_exact or (
            self.skip_prefixes and path.startswith(self.skip_prefixes)
        )

    def headers_of(self, environ):
        kept = {}
        for name, key, redacted in self.kept_headers:
            value = environ.get(key)
            if value is not None:
                kept[name] = REDACTED if redacted else value
        return kept

    def write(self, fields):
        fields.setdefault("instance", self.instance)
        self.logger.info(self.format(fields))


def configure(config, instance=""):
    """The access logger for the ``[log]`` settings (None when off)."""
    return AccessLogger(config, instance) if config.access_log else None


def fields_of(environ, status, headers, started, sent):
    length = "-"
    for name, value in headers:
        if name.lower() == "content-length":
            length = value
            break
    if sent is None:  # a file the server sent itself
        sent = int(length) if length.isdigit() else 0
    return {
        "client": environ.get("REMOTE_ADDR", ""),
        "method": environ.get("REQUEST_METHOD", ""),
        "target": request_target(environ),
        "protocol": environ.get("SERVER_PROTOCOL", ""),
        "status": status.split(" ", 1)[0],
        "length": length,
        "bytes": sent,
        "seconds": time.monotonic() - started,
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
    }


class AccessLog:
    """WSGI middleware: a line for every request the app answered."""

    def __init__(self, app, logger):
        self.app = app
        self.logger = logger

    def write(self, environ, response, started, sent):
        status, headers = response[0] if response else ("500 Internal Server Error", [])
        fields = fields_of(environ, status, headers, started, sent)
        if self.logger.kept_headers:
            fields["headers"] = self.logger.headers_of(environ)
        self.logger.write(fields)

    def __call__(self, environ, start_response):
        if self.logger.skips(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        started = time.monotonic()
        response = []

        def capture(status, headers, exc_info=None):
            response[:] = [(status, headers)]
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, capture)
        except BaseException:
            self.write(environ, response, started, 0)
            raise
        if isinstance(result, list):
            self.write(environ, response, started, sum(map(len, result)))
            return result

        def done(sent):
            self.write(environ, response, started, sent)

        file_wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(file_wrapper, type) and isinstance(result, file_wrapper):
            # Kept as it is, so the server can still send it with sendfile;
            # only its close, which the server calls when done, is wrapped.
            result.close = close_then(getattr(result, "close", None), lambda: done(None))
            return result
        return _Logged(result, done)


class _Logged(ClosedThen):
    """The app's response iterable, counted as it is sent and logged when the
    server closes it."""

    def __init__(self, result, done):
        super().__init__(result, lambda: done(self.sent))
        self.sent = 0

    def __iter__(self):
        for chunk in self.iterable:
            self.sent += len(chunk)
            yield chunk
