"""gunicorn's ``pre_request`` and ``post_request`` hooks: what gunicorn does
differently from waitress, evened out per request.

* a request target starting with "//" keeps both slashes in PATH_INFO;
* a request body is read in the app's thread with no deadline over the
  whole read, so ``body_timeout`` is enforced here (``BodyDeadline``);
* a response body that comes out shorter than its Content-Length (a file
  that shrank while sendfile sent it) leaves the connection open; the app
  flags it (``protocol.INCOMPLETE_RESPONSE``) and the connection is closed;
* over HTTP/2 gunicorn overwrites the client's own ``Version`` header; the
  hook keeps it for ``tls.Adapter`` to put back.

They touch gunicorn attributes that are not documented API, pinned with the
version in setup.cfg and checked by tests/test_server_seams.py:
``Request.unreader.sock`` (an HTTP/1.x connection's socket), an HTTP/2
stream's ``req.stream.connection.sock``, and ``Request.force_close()``.
"""

import socket
import threading

from ...protocol import INCOMPLETE_RESPONSE
from ..deadlines import Deadlines


def collapse_leading_slashes(req):
    """ "//echo/x" routed (and reported) as "/echo/x", as waitress passes it."""
    if req.path and req.path.startswith("//"):
        req.path = "/" + req.path.lstrip("/")


def has_body(req, names):
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
    armed when the headers have been read and disarmed when the request is
    done.  ``socket.socket.shutdown`` is called even on a TLS socket, so the
    TLS layer stays in place for the 408 that follows.
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


# What the pre_request hook saw of the request this thread is about to run:
# the hook gets gunicorn's request object, the app only the environ.
request_seen = threading.local()


def remember_version_header(req, names):
    if "VERSION" not in names:
        request_seen.version_header = None
        return
    values = [value for name, value in req.headers if name == "VERSION"]
    request_seen.version_header = ",".join(values)  # joined as gunicorn joins the others


class Hooks:
    """gunicorn's ``pre_request`` and ``post_request`` server hooks."""

    def __init__(self, body_timeout):
        self.body_deadline = BodyDeadline(body_timeout)

    def pre_request(self, worker, req):
        names = [name for name, _ in req.headers]
        collapse_leading_slashes(req)
        remember_version_header(req, names)
        req.wsgi_echo_deadline = self.body_deadline.arm(req, names)

    def post_request(self, worker, req, environ, resp):
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
