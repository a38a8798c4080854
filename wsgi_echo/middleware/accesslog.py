"""The access log: one line per request, written by the app, so every server
writes the same lines.

A line reads ``[date] client-ip "METHOD target" status length duration``,
for example ``[23/Nov/2026:18:00:00 +0000] 127.0.0.1 "GET /index.html" 200 1024 3ms``,
where length is the response's Content-Length (``-`` when it has none) and
the duration runs until the server has sent the last byte (it closes the
response iterable).  The client IP is REMOTE_ADDR after the trusted-proxy
rules have run.

Lines go through the standard ``logging`` module: file handlers there are
what a server reopens on USR1, so log rotation works without a restart.
Requests a server refuses before the app sees them (a malformed request
line, too many headers) are not logged here; servers report those in their
error log.
"""

import logging
import sys
import time
from urllib.parse import quote

LOGGER_NAME = "wsgi_echo.access"


def clf_now():
    return time.strftime("[%d/%b/%Y:%H:%M:%S %z]")


def request_target(environ):
    """The request target as the client sent it, where the server kept it."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target:
        return target
    path = quote((environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
                 .encode("latin-1"), safe="/:@!$&'()*+,;=~")
    query = environ.get("QUERY_STRING")
    return path + "?" + query if query else path


def text_line(fields):
    return '%s %s "%s %s" %s %s %dms' % (
        clf_now(), fields["client"] or "-", fields["method"] or "-", fields["target"] or "-",
        fields["status"], fields["length"], fields["millis"])


class AccessLogger:
    """Writes access lines to stdout (``-``) or appends them to a file."""

    def __init__(self, target):
        self.logger = logging.getLogger(LOGGER_NAME)
        for handler in self.logger.handlers:
            handler.close()
        self.logger.handlers.clear()
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        if target == "-":
            handler = logging.StreamHandler(sys.stdout)
        else:
            handler = logging.FileHandler(target, mode="a", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        self.logger.addHandler(handler)

    def write(self, fields):
        self.logger.info(text_line(fields))


_current = None


def configure(target):
    """The process's access logger for ``[log] access_log`` (None when off).

    A server runner that answers some requests itself, before the app, logs
    them through ``current()`` in the same format.
    """
    global _current
    _current = AccessLogger(target) if target else None
    return _current


def current():
    return _current


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
        "millis": int((time.monotonic() - started) * 1000),
        "user_agent": environ.get("HTTP_USER_AGENT", ""),
    }


class AccessLog:
    """WSGI middleware: a line for every request the app answered."""

    def __init__(self, app, logger):
        self.app = app
        self.logger = logger

    def write(self, environ, response, started, sent):
        status, headers = response[0] if response else ("500 Internal Server Error", [])
        self.logger.write(fields_of(environ, status, headers, started, sent))

    def __call__(self, environ, start_response):
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
            result.close = _then(getattr(result, "close", None), lambda: done(None))
            return result
        return _Logged(result, done)


def _then(first, second):
    def both():
        try:
            if first is not None:
                first()
        finally:
            second()
    return both


class _Logged:
    """The app's response iterable, logged when the server closes it."""

    def __init__(self, result, done):
        self.result = result
        self.sent = 0
        self.close = _then(getattr(result, "close", None), lambda: done(self.sent))

    def __iter__(self):
        for chunk in self.result:
            self.sent += len(chunk)
            yield chunk
