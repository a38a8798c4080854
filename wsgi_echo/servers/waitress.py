"""Run the app under waitress with the same behaviour as under gunicorn.

waitress lets a server choose its channel's parser and task classes; each
piece waitress lacks is one small override there, named for what it adds,
and the rest uses waitress's documented seams (``Error.to_response`` for
error bodies; the app's own middleware for the access log):

* ``Parser.parse_header`` refuses what gunicorn refuses, with gunicorn's
  status: a request line over ``limit_request_line`` (414), too many or too
  long header fields (431, counted as gunicorn counts them), a second Host
  line or obsolete line folding (400), and request framing that RFC 9112
  section 6.1 says must not be trusted: Transfer-Encoding with
  Content-Length, chunked twice, chunked in HTTP/1.0, or codings that do not
  end in chunked (400); codings other than chunked (501).
* ``Parser.parse_header`` also drops ``Expect: 100-continue`` from a request
  without a body, which waitress would otherwise leave waiting for one.
* ``Parser.received`` turns waitress's own error for such a request into a
  JSON one with that status, and enforces ``header_timeout`` and
  ``body_timeout`` as deadlines that trickling bytes cannot reset (waitress's
  ``channel_timeout`` restarts with every byte).
* ``Channel.readable`` gives a silent client's request its deadline too:
  waitress asks it on every turn of its loop.
* ``CloseEachResponse`` answers ``Connection: close`` when ``keepalive = 0``.
* ``LoggedErrorTask`` logs the one refusal gunicorn would have let the app
  answer (413 for an oversized body), so both servers log the same lines.
* ``IteratedFile`` replaces waitress's file wrapper, which stalls on a file
  that shrinks while it is sent.

The attributes these rely on are pinned with waitress's minor version in
setup.cfg and checked by tests/test_server_seams.py.
"""

import logging
import signal
import sys
import time

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import Error

from .. import errors
from ..middleware import accesslog
from . import address, announce_ready

# Room above max_request_bytes for chunked framing, which waitress counts
# against its own limit; the exact limit is the app's (middleware.body).
BODY_SLACK = 64 * 1024
# Transfer codings gunicorn hands on (before chunked) and we then refuse.
KNOWN_CODINGS = ("compress", "deflate", "gzip")


def refuse_unsupported(settings):
    """Settings waitress cannot honour stop start-up, in one line."""
    from ..settings import SettingsError
    if settings.tls.enabled:
        raise SettingsError(settings.source, "tls", "certfile", settings.tls.certfile,
                            "waitress cannot serve HTTPS; use gunicorn, or terminate "
                            "TLS at a proxy in front of waitress")
    if settings.proxy.http2_cleartext != "off":
        raise SettingsError(settings.source, "proxy", "http2_cleartext",
                            settings.proxy.http2_cleartext,
                            "waitress cannot serve HTTP/2; use gunicorn")


class JSONError(Error):
    """waitress's error response, in the app's JSON error shape."""

    def __init__(self, code, detail, **fields):
        super().__init__(detail)
        self.code, self.reason, self.fields = code, errors.reason(code), fields

    def to_response(self, ident=None):
        body = errors.json_error_body(self.code, self.body, **self.fields)
        return errors.status_line(self.code), [("Content-Type", "application/json")], body


def framing_refusal(version, headers):
    """(status, reason) for request framing gunicorn refuses, or None.

    ``headers`` maps waitress's header keys (``TRANSFER_ENCODING``) to values.
    The rules and their order follow gunicorn's ``set_body_reader``.
    """
    coding_header = headers.get("TRANSFER_ENCODING")
    if coding_header is None:
        return None
    chunked = False
    not_implemented = None
    for coding in (item.strip(" \t").lower() for item in coding_header.split(",")):
        if coding == "chunked":
            if chunked:
                return 400, "Transfer-Encoding applies chunked twice"
            chunked = True
        elif coding == "identity" or coding in KNOWN_CODINGS:
            if chunked:
                return 400, "Transfer-Encoding must end with chunked"
            if coding != "identity":
                not_implemented = coding
        elif coding:
            return 501, "Transfer-Encoding %s is not implemented" % coding
    if not chunked:
        return 400, "Transfer-Encoding must end with chunked"
    if version != "1.1":
        return 400, "Transfer-Encoding in an HTTP/1.0 request"
    if "CONTENT_LENGTH" in headers:
        return 400, "Transfer-Encoding together with Content-Length"
    if not_implemented:
        return 501, "Transfer-Encoding %s is not implemented" % not_implemented
    return None


def header_values(lines, wanted):
    """``{NAME: "joined, values"}`` for the header names in ``wanted``
    (waitress's keys: upper case, "_" for "-"), read from raw header lines."""
    found = {}
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon:
            continue
        key = name.strip().decode("latin-1").upper().replace("-", "_")
        if key in wanted:
            value = value.strip(b" \t").decode("latin-1")
            found[key] = found[key] + ", " + value if key in found else value
    return found


class Parser(HTTPRequestParser):
    # Set per server by ``channel_class``: (request line, fields, field size).
    limits = (0, 0, 0)
    header_timeout = body_timeout = 0
    # What an error task may read of a request refused before parsing.
    path = request_uri = command = ""

    def __init__(self, adj):
        super().__init__(adj)
        self.refusal = None
        # The parser is made when a request's first bytes arrive.
        self.deadline = time.monotonic() + self.header_timeout

    def parse_header(self, header_plus):
        # Whole-buffer operations (split, max, count) rather than a Python
        # loop per line: this runs on every request waitress reads.
        line_limit, fields_limit, size_limit = self.limits
        first_line, _, rest = header_plus.partition(b"\r\n")
        if line_limit and len(first_line) > line_limit:
            self.refuse(414, "the request line is longer than %d bytes" % line_limit)
        rest = rest.rstrip(b"\r\n")  # the header block ends with its blank line
        lines = rest.split(b"\r\n") if rest else []
        if len(lines) > fields_limit:
            self.refuse(431, "more than %d header fields" % fields_limit)
        if lines and max(map(len, lines)) + 2 > size_limit:
            self.refuse(431, "a header field is longer than %d bytes" % size_limit)
        if b"\r\n " in header_plus or b"\r\n\t" in header_plus:
            self.refuse(400, "obsolete line folding in a header field")
        lowered = header_plus.lower()
        if lowered.count(b"\r\nhost:") > 1:
            self.refuse(400, "more than one Host header field")
        if b"transfer-encoding" in lowered:
            version = first_line.rstrip().rpartition(b"/")[2].decode("latin-1")
            refusal = framing_refusal(version, header_values(
                lines, ("TRANSFER_ENCODING", "CONTENT_LENGTH")))
            if refusal is not None:
                self.refuse(*refusal)
        super().parse_header(header_plus)
        if self.body_rcv is not None:
            self.deadline = time.monotonic() + self.body_timeout
        else:
            # Nothing to continue with: waitress would send "100 Continue"
            # and then wait for a body that is not coming (RFC 9110 section
            # 10.1.1 lets a server skip the 100 when there is no content).
            self.expect_continue = False

    def refuse(self, code, detail):
        self.refusal = (code, detail)
        raise ParsingError(detail)  # waitress answers it as a 400; received() corrects it

    def overdue(self, now):
        return not self.completed and now > self.deadline

    def received(self, data):
        if self.overdue(time.monotonic()):
            what = "request body" if self.headers_finished else "request headers"
            timeout = self.body_timeout if self.headers_finished else self.header_timeout
            self.error = JSONError(408, "the %s did not arrive within %d seconds"
                                   % (what, timeout), limit=timeout)
            self.completed = True
            return len(data)
        consumed = super().received(data)
        error = self.error
        if error is not None and not isinstance(error, JSONError):
            if self.refusal is not None:
                self.error = JSONError(*self.refusal)
            else:
                self.error = JSONError(error.code, error.body)
        return consumed


class Channel(HTTPChannel):
    def readable(self):
        request = self.request
        if request is not None:
            if request.overdue(time.monotonic()):
                # A client that has gone silent sends nothing that would
                # reach the parser's check; hand it one byte, which the
                # overdue parser answers with its 408, through waitress's
                # own path for a completed request.
                self.received(b"\0")
            else:
                # A request is under way: its deadlines bound it, not the
                # idle timeout (``channel_timeout``), which would close it
                # silently at ``keepalive`` seconds.  Counted as active until
                # the loop's next turn, when this is asked again.
                self.last_activity = time.time() + self.adj.asyncore_loop_timeout
        return super().readable()


class CloseEachResponse(WSGITask):
    """``keepalive = 0``: every response says Connection: close and closes.

    An app may not send Connection itself (PEP 3333: hop-by-hop headers are
    the server's; waitress answers 500 to them).
    """

    def build_response_header(self):
        self.set_close_on_finish()
        return super().build_response_header()


class LoggedErrorTask(ErrorTask):
    """Logs waitress's 413: under gunicorn the app answers an oversized body
    itself, and the app logs what it answers; other refusals are logged by
    neither server."""

    def service(self):
        started = time.monotonic()
        try:
            super().service()
        finally:
            logger = accesslog.current()
            if logger is not None and self.request.error.code == 413:
                request = self.request
                logger.write({
                    "client": self.channel.addr[0] if self.channel.addr else "",
                    "method": request.command, "target": request.request_uri,
                    "protocol": "HTTP/%s" % request.version, "status": "413",
                    "length": str(self.content_length), "bytes": self.content_length or 0,
                    "seconds": time.monotonic() - started,
                    "user_agent": request.headers.get("USER_AGENT", ""),
                })


class IteratedFile:
    """``wsgi.file_wrapper`` for waitress: the file read in blocks by the task.

    waitress's own wrapper (``ReadOnlyFileBasedBuffer``) is sent by the event
    loop, which spins on a file that shrinks after the response started:
    the buffer still expects bytes the file no longer has, so the connection
    stalls with the CPU busy.  Read by the task instead, a short file ends
    the iteration, and waitress closes the connection ("too few bytes").
    """

    def __init__(self, filelike, block_size=32768):
        self.filelike, self.block_size = filelike, block_size

    def __iter__(self):
        read, size = self.filelike.read, self.block_size
        while True:
            block = read(size)
            if not block:
                return
            yield block

    def close(self):
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


class FileWrapperFix:
    """WSGI wrapper: the app gets ``IteratedFile`` as its file wrapper."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ["wsgi.file_wrapper"] = IteratedFile
        return self.app(environ, start_response)


def channel_class(settings):
    """An HTTPChannel whose parser and tasks carry our settings."""
    server = settings.server
    parser = type("Parser", (Parser,), {
        "limits": (server.limit_request_line, server.limit_request_fields,
                   server.limit_request_field_size),
        "header_timeout": server.header_timeout, "body_timeout": server.body_timeout})
    return type("Channel", (Channel,), {
        "parser_class": parser,
        "task_class": CloseEachResponse if server.keepalive == 0 else WSGITask,
        "error_task_class": LoggedErrorTask})


def adjustments(settings):
    """waitress options for our settings (listening socket excluded)."""
    server = settings.server
    line = server.limit_request_line or 8190
    field = server.limit_request_field_size
    return {
        "threads": server.threads,
        "connection_limit": server.max_connections,
        # An idle connection is closed after ``keepalive`` seconds; waitress
        # checks every ``cleanup_interval`` seconds, so check every second.
        "channel_timeout": server.keepalive or server.header_timeout,
        "cleanup_interval": 1,
        "max_request_header_size": line + 2 + server.limit_request_fields * (field + 2) + 2,
        "max_request_body_size": server.max_request_bytes + BODY_SLACK,
        "expose_tracebacks": False,
        # waitress deletes X-Forwarded-* from every request it does not trust
        # through its own (single-address) trusted_proxy; the app's ProxyFix
        # judges them instead, and from untrusted peers they are echoed.
        "clear_untrusted_proxy_headers": False,
        "ident": "waitress",
        # SERVER_NAME for requests without a Host header: the listening
        # address, as gunicorn reports it (waitress would say waitress.invalid).
        "server_name": server.host,
    }


def create(app, settings, sock):
    from waitress.server import create_server

    server = create_server(FileWrapperFix(app), sockets=[sock], **adjustments(settings))
    server.channel_class = channel_class(settings)
    return server


def run(app, settings, sock):
    """Serve until SIGTERM or SIGINT, then stop gracefully.

    waitress's own ``run()`` dies on SIGTERM with requests half-answered.
    Here the signal stops the accepting at once (it wakes the loop through
    waitress's trigger); the loop goes on until every in-flight request has
    been answered and flushed (at most ``timeout`` seconds), then exits.
    USR1 reopens the log files, as under gunicorn.
    """
    from waitress import wasyncore

    server = create(app, settings, sock)
    log_errors_to(settings.log.error_log)
    stopping = []

    def request_stop(signum, frame):
        stopping.append(time.monotonic())
        server.pull_trigger()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, lambda signum, frame: reopen_log_files())
    announce_ready("http://" + address(*sock.getsockname()[:2]),
                   "waitress %s" % waitress_version(), " (%d threads)" % settings.server.threads)
    adj = server.adj
    try:
        while not stopping:
            wasyncore.loop(timeout=adj.asyncore_loop_timeout, map=server._map,
                           use_poll=adj.asyncore_use_poll, count=1)
        drain(server, stopping[0] + settings.server.timeout)
    finally:
        server.task_dispatcher.shutdown(timeout=1)
        wasyncore.close_all(server._map)


def waitress_version():
    from importlib.metadata import version
    return version("waitress")


def drain(server, deadline):
    """Stop accepting, close idle connections, answer the busy ones."""
    from waitress import wasyncore

    server.accepting = False
    server.del_channel()
    server.socket.close()
    while time.monotonic() < deadline:
        busy = False
        for channel in list(server.active_channels.values()):
            if channel.requests or channel.request is not None or channel.total_outbufs_len:
                busy = True
            else:
                channel.close()
        if not busy:
            return
        wasyncore.loop(timeout=0.1, map=server._map, count=1)


def reopen_log_files():
    """What logrotate's USR1 asks: close every log file so the next line
    opens the file now at that path."""
    for logger in [logging.getLogger()] + [logging.getLogger(name) for name in
                                           list(logging.root.manager.loggerDict)]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.FileHandler):
                with handler.lock:
                    handler.close()  # reopened on the next emit


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


def log_errors_to(target):
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
