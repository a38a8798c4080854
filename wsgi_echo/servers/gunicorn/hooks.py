"""gunicorn's ``pre_request`` and ``post_request`` hooks: what gunicorn does
differently from waitress, evened out per request.

* a request target starting with "//" keeps both slashes in PATH_INFO;
* a request body is read in the app's thread with no deadline over the
  whole read, so ``body_timeout`` is enforced here (``BodyDeadline``);
* a response body that comes out shorter than its Content-Length (a file
  that shrank while sendfile sent it) leaves the connection open; the app
  flags it (``protocol.INCOMPLETE_RESPONSE``) and the connection is closed;
* over HTTP/2 gunicorn overwrites the client's own ``Version`` header; the
  hook keeps it for ``adapter.Adapter`` to put back;
* the app may ask for its connection to be closed after its answer
  (``protocol.CLOSE_AFTER``): the hook keeps the request, for the adapter
  to close it before the answer's headers go out;
* ``keepalive = 0`` under a worker that needs a keep-alive above 0 to put a
  deadline on reading (the gevent worker): every request is closed after
  its answer (``close_each``).

Under gunicorn's gevent worker, ``threading`` is monkey-patched when the
worker starts, after this module was imported: the deadlines' thread, lock
and event and the per-request ``local`` are made in ``post_worker_init``,
once patched, so they are a greenlet, gevent's lock and event and a
greenlet-local there (and a thread, and thread-locals, under gthread).

They touch gunicorn attributes that are not documented API, pinned with the
version in setup.cfg and checked by tests/test_server_seams_gunicorn*.py:
``Request.unreader.sock`` (an HTTP/1.x connection's socket), an HTTP/2
stream's ``req.stream.connection.sock``, and ``Request.force_close()``.
"""

import queue
import signal
import socket
import threading

from ...protocol import INCOMPLETE_RESPONSE
from ..deadlines import Deadlines


def collapse_leading_slashes(req):
    """ "//echo/x" routed (and reported) as "/echo/x", as waitress passes it."""
    if req.path and req.path.startswith("//"):
        req.path = "/" + req.path.lstrip("/")


def has_body(req, names):
    """Whether a body may still arrive for ``req``: framed by Content-Length or
    chunked, or, over HTTP/2, any stream whose client has not ended it yet
    (RFC 9113 section 8.1: DATA frames carry a body with or without a
    Content-Length); gunicorn's ``HTTP2Stream.request_complete`` says so."""
    stream = getattr(req, "stream", None)
    if stream is not None:
        return not stream.request_complete
    if "TRANSFER-ENCODING" in names:
        return True
    if "CONTENT-LENGTH" in names:
        for name, value in req.headers:
            if name == "CONTENT-LENGTH" and value.strip("0 "):
                return True
    return False


def connection_socket(req):
    """The socket a request came in on: HTTP/1.x ``req.unreader.sock``, or for
    an HTTP/2 stream ``req.stream.connection.sock`` (then shutting its read
    side ends the whole connection, every stream on it: HTTP/2 has no way
    to end one stream's upload from outside the thread reading it)."""
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    if sock is None:
        connection = getattr(getattr(req, "stream", None), "connection", None)
        sock = getattr(connection, "sock", None)
    return sock


class BodyDeadline:
    """``body_timeout``: a body not read whole in time ends the connection.

    At the deadline the socket's read side is shut down, so the app's read
    ends at once (short, or with an error it answers 408), and the request
    is marked to close its connection after that answer.  The deadline is
    armed when the headers have been read, for a request that has a body
    only, and disarmed as soon as the app has read the body to its end (it
    calls ``environ[protocol.BODY_READ]``, which ``adapter.Adapter`` puts
    there), or else when the request is done: an answer that takes longer
    than the deadline must not cut a connection whose body came in time
    (over HTTP/2, every stream on it).  ``socket.socket.shutdown`` is called
    even on a TLS socket, so the TLS layer stays in place for the 408 that
    follows.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadlines = Deadlines()

    def arm(self, req, names):
        if not has_body(req, names):
            return None
        sock = connection_socket(req)
        if sock is None:
            return None

        def expire():
            req.force_close()
            socket.socket.shutdown(sock, socket.SHUT_RD)

        return self.deadlines.arm(self.seconds, expire)


# What the pre_request hook saw of the request this thread (or greenlet) is
# about to run, for ``adapter.Adapter``: the hook gets gunicorn's request
# object, the app only the environ.  Made per worker (``post_worker_init``).
request_seen = None
# This process's worker, from ``post_worker_init``.
worker_running = None


def stopping():
    """Whether this worker has been told to stop (``Worker.alive`` is False
    from its SIGTERM on): its answers then say ``Connection: close``.
    gunicorn decides that when a request starts; one already running when
    the signal came would otherwise answer keep-alive on a connection about
    to close."""
    return worker_running is not None and not worker_running.alive


def version_header(req, names):
    if "VERSION" not in names:
        return None
    # Joined as gunicorn joins the other repeated fields.
    return ",".join(value for name, value in req.headers if name == "VERSION")


# The signals that stop a worker (gunicorn's TERM, INT and QUIT).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)


def drained(arbiter):
    """The signals queued on this worker's copy of the arbiter (a
    ``queue.SimpleQueue``; the master's own queue is another process's)."""
    queued = getattr(arbiter, "SIG_QUEUE", None)
    found = []
    while queued is not None:
        try:
            found.append(queued.get_nowait())
        except queue.Empty:
            break
    return found


class Hooks:
    """gunicorn's ``post_fork``, ``post_worker_init``, ``pre_request`` and
    ``post_request`` server hooks."""

    def __init__(self, body_timeout, close_each=False):
        self.body_timeout, self.close_each = body_timeout, close_each
        self.body_deadline = None
        self.stop_asked = []

    def post_fork(self, arbiter, worker):
        """A SIGTERM that reaches a worker still booting (gevent's patching
        takes a moment) meets the master's handler it inherited, which
        drops it, and the worker would serve on until it is killed at the
        graceful timeout: it is kept here, and acted on once booted.  One
        that came between the fork and this hook went to that inherited
        handler, which queued it on the worker's copy of the arbiter
        (``Arbiter.SIG_QUEUE``, checked by tests/test_server_seams_gunicorn*.py)."""
        signal.signal(signal.SIGTERM, lambda signum, frame: self.stop_asked.append(signum))
        self.stop_asked.extend(sig for sig in drained(arbiter) if sig in STOP_SIGNALS)

    def post_worker_init(self, worker):
        global request_seen, worker_running
        request_seen = threading.local()
        worker_running = worker
        self.body_deadline = BodyDeadline(self.body_timeout)
        if self.stop_asked:
            worker.alive = False

    def pre_request(self, worker, req):
        names = [name for name, _ in req.headers]
        collapse_leading_slashes(req)
        request_seen.req = req
        request_seen.version_header = version_header(req, names)
        if self.close_each:
            req.force_close()
        req.wsgi_echo_deadline = self.body_deadline.arm(req, names)

    def post_request(self, worker, req, environ, resp):
        request_seen.req = None
        deadline = getattr(req, "wsgi_echo_deadline", None)
        if deadline is not None:
            deadline.cancel()
        if environ and environ.get(INCOMPLETE_RESPONSE):
            # gunicorn would keep the connection for the next request, and
            # the client would wait for the body bytes that never came.
            req.force_close()
            sock = getattr(getattr(req, "unreader", None), "sock", None)
            if sock is not None:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
