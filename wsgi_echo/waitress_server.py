"""Run the app under waitress with the same behaviour as under gunicorn.

waitress has no access log, no request-line or per-field header limits, no
way to close every connection after one response, and answers its own errors
in plain text.  It does let a server choose its channel's parser, task and
error task classes, so each missing piece is a small subclass here rather
than a wrapper around the socket:

* ``LimitedParser`` enforces ``limit_request_line`` (414),
  ``limit_request_fields`` and ``limit_request_field_size`` (431), the same
  way gunicorn counts them (the request line without CRLF; a field is its
  whole ``Name: value`` line with its CRLF), and refuses with 400 what
  gunicorn refuses: a second Host line (RFC 9112 section 3.2) and obsolete
  line folding (RFC 9112 section 5.2);
* ``AppTask`` writes the access log line and, with ``keepalive = 0``, closes
  the connection after every response (an app may not send ``Connection``
  itself: waitress answers 500 to that, as PEP 3333 asks);
* ``JSONErrorTask`` answers waitress's own 400/413/431 in the JSON shape the
  app uses, and logs the one of them (413) that gunicorn would have
  logged from the app.
"""

import logging
import signal
import sys
import time

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import BadRequest, Error

from . import accesslog, errors

# Room above max_request_bytes for chunked framing, which waitress counts
# against its own limit; the exact limit is the app's (see ``limits``).
BODY_SLACK = 64 * 1024


class LimitError(Error):
    def __init__(self, code, detail):
        super().__init__(detail)
        self.code, self.reason = code, errors.reason(code)


class LimitedParser(HTTPRequestParser):
    limits = (0, 0, 0)  # (request line, fields, field size); set per server
    limit_error = None

    def parse_header(self, header_plus):
        # Whole-buffer operations (split, max, count) rather than a Python
        # loop per line: this runs on every request waitress reads.
        line_limit, fields_limit, size_limit = self.limits
        first_line, _, rest = header_plus.partition(b"\r\n")
        if line_limit and len(first_line) > line_limit:
            self._refuse(414, "the request line is longer than %d bytes" % line_limit)
        rest = rest.rstrip(b"\r\n")  # the header block ends with its blank line
        lines = rest.split(b"\r\n") if rest else []
        if len(lines) > fields_limit:
            self._refuse(431, "more than %d header fields" % fields_limit)
        if lines and max(map(len, lines)) + 2 > size_limit:
            self._refuse(431, "a header field is longer than %d bytes" % size_limit)
        if b"\r\n " in header_plus or b"\r\n\t" in header_plus:
            self._refuse(400, "obsolete line folding in a header field")
        if header_plus.lower().count(b"\r\nhost:") > 1:
            self._refuse(400, "more than one Host header field")
        super().parse_header(header_plus)

    def _refuse(self, code, detail):
        self.limit_error = LimitError(code, detail)
        raise ParsingError(detail)  # waitress turns this into a BadRequest...

    def received(self, data):
        consumed = super().received(data)
        if self.limit_error is not None and isinstance(self.error, BadRequest):
            self.error = self.limit_error  # ...which we make the precise status
        return consumed


class AccessLogMixin:
    access_logger = None

    def service(self):
        started = time.monotonic()
        try:
            super().service()
        finally:
            if self.access_logger is not None:
                self.log_access(started)

    def log_access(self, started):
        environ = self.environ or {}
        request = self.request
        self.access_logger.info(accesslog.format_line(
            environ.get("REMOTE_ADDR") or self.channel.addr[0],
            environ.get("REQUEST_METHOD") or getattr(request, "command", None),
            environ.get("REQUEST_URI") or getattr(request, "request_uri", None),
            (self.status or "-").split(" ", 1)[0],
            self.response_length(),
            int((time.monotonic() - started) * 1000)))


    def response_length(self):
        for name, value in self.response_headers:
            if name.lower() == "content-length":
                return value
        return "-"


class AppTask(AccessLogMixin, WSGITask):
    close_every_response = False

    def build_response_header(self):
        if self.close_every_response:
            self.set_close_on_finish()
        return super().build_response_header()


class JSONErrorTask(AccessLogMixin, ErrorTask):
    environ = None

    def log_access(self, started):
        # gunicorn logs no access line for requests its parser refuses; the
        # one such error waitress answers that would reach the app under
        # gunicorn (a body far over the limit: 413) is logged, so both
        # servers' logs hold the same lines.
        if self.request.error.code == 413:
            super().log_access(started)

    def execute(self):
        error = self.request.error
        body = errors.json_error_body(error.code, error.body)
        self.status = errors.status_line(error.code)
        self.response_headers.extend([("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def channel_class(settings):
    """An HTTPChannel whose parser and tasks carry our settings."""
    server = settings.server
    limits = (server.limit_request_line, server.limit_request_fields,
              server.limit_request_field_size)
    logger = accesslog.make_logger(settings.log.access_log)
    parser = type("Parser", (LimitedParser,), {"limits": limits})
    task = type("Task", (AppTask,), {"access_logger": logger,
                                     "close_every_response": server.keepalive == 0})
    error_task = type("ErrorTask", (JSONErrorTask,), {"access_logger": logger})
    return type("Channel", (HTTPChannel,), {
        "parser_class": parser, "task_class": task, "error_task_class": error_task})


def adjustments(settings):
    """waitress options for our settings (listening socket excluded)."""
    server = settings.server
    line = server.limit_request_line or 8190
    field = server.limit_request_field_size or 8190
    return {
        "threads": server.threads,
        # An idle connection is closed after ``keepalive`` seconds; waitress
        # checks every ``cleanup_interval`` seconds, so check every second.
        "channel_timeout": server.keepalive or server.timeout or 30,
        "cleanup_interval": 1,
        "max_request_header_size": line + 2 + server.limit_request_fields * (field + 2) + 2,
        "max_request_body_size": server.max_request_bytes + BODY_SLACK,
        "expose_tracebacks": False,
        # waitress deletes X-Forwarded-* from every request it does not trust
        # through its own (single-address) trusted_proxy; our ProxyFix judges
        # them instead, and from untrusted peers they are echoed unchanged.
        "clear_untrusted_proxy_headers": False,
        "ident": "waitress",
        # SERVER_NAME for requests without a Host header: the listening
        # address, as gunicorn reports it (waitress would say waitress.invalid).
        "server_name": settings.server.host,
    }


def create(app, settings, sock):
    from waitress.server import create_server

    server = create_server(app, sockets=[sock], **adjustments(settings))
    server.channel_class = channel_class(settings)
    return server


def run(app, settings, sock):
    """Serve until SIGTERM or SIGINT, then stop gracefully.

    waitress's own ``run()`` dies on SIGTERM with requests half-answered.
    Here the signal only stops the accepting; the event loop goes on until
    every in-flight request has been answered and flushed (at most
    ``timeout`` seconds, gunicorn's graceful_timeout), then exits.
    """
    server = create(app, settings, sock)
    _log_errors_to(settings.log.error_log)
    stopping = []

    def request_stop(signum, frame):
        stopping.append(time.monotonic())

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server.print_listen("Serving on http://{}:{}")
    loop_timeout = server.adj.asyncore_loop_timeout
    try:
        while not stopping:
            wasyncore.loop(timeout=loop_timeout, map=server._map, count=1)
        drain(server, stopping[0] + (settings.server.timeout or 30))
    finally:
        server.task_dispatcher.shutdown(timeout=1)
        wasyncore.close_all(server._map)


def drain(server, deadline):
    """Stop accepting, close idle connections, answer the busy ones."""
    server.accepting = False
    server.del_channel()
    server.socket.close()
    while time.monotonic() < deadline:
        busy = False
        for channel in list(server._map.values()):
            if not isinstance(channel, HTTPChannel):
                continue
            if channel.requests or channel.request is not None or channel.total_outbufs_len:
                busy = True
            else:
                channel.close()
        if not busy:
            return
        wasyncore.loop(timeout=0.1, map=server._map, count=1)


class QueueWarningThrottle(logging.Filter):
    """Let one "Task queue depth is N" warning through per ``interval`` seconds.

    waitress logs it for every request that finds all threads busy: under
    steady load that is a formatted stderr write for a quarter of all
    requests (5,000 lines in 3 s measured here), which both floods the log
    and slows the server it warns about.  One line per interval still says
    the server is saturated.
    """

    def __init__(self, interval=10.0):
        super().__init__()
        self.interval = interval
        self.next_allowed = 0.0

    def filter(self, record):
        now = time.monotonic()
        if now < self.next_allowed:
            return False
        self.next_allowed = now + self.interval
        record.msg = "%s (more such warnings in the next %ds are not logged)" % (
            record.msg, self.interval)
        return True


def throttle_queue_warnings(interval=10.0):
    queue_logger = logging.getLogger("waitress.queue")
    if not any(isinstance(f, QueueWarningThrottle) for f in queue_logger.filters):
        queue_logger.addFilter(QueueWarningThrottle(interval))


def _log_errors_to(target):
    """waitress reports start-up and errors through the ``waitress`` logger."""
    throttle_queue_warnings()
    logger = logging.getLogger("waitress")
    logger.setLevel(logging.INFO)
    if target == "-":
        handler = logging.StreamHandler(sys.stderr)
    elif target:
        handler = logging.FileHandler(target, mode="a", encoding="utf-8")
    else:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s] [%(levelname)s] %(message)s"))
    logger.addHandler(handler)
