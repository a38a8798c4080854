"""gunicorn's gevent worker, with a deadline over each request's head.

gunicorn's own gevent worker (``gunicorn.workers.ggevent.GeventWorker``)
reads every request in a greenlet of its own, so a slow client costs a
greenlet, not a thread; it bounds the wait for a request's head with its
``timeout_ctx()``, a ``gevent.Timeout`` of ``keepalive`` seconds over the
idle wait and the head together, which closes the connection silently.

``Worker.timeout_ctx`` (``RequestHead``) makes that the two deadlines the
settings name, as waitress has them: an idle connection gets ``keepalive``
seconds for the first byte of its next request and is then closed
silently; once a byte has come, the whole head must arrive within
``header_timeout`` seconds, else ``408`` and close.  The bytes a previous
request left behind (pipelined, or read ahead) count as a first byte.

Before waiting for a connection's next request, its greenlet yields once,
so a client whose requests are always ready does not hold the worker
(tests/test_server_gevent_fairness.py).

``gevent.Timeout`` raises in the greenlet that waits, wherever it waits
(here, the parser's ``recv``), which is what a deadline over a whole head
needs; nothing outside the greenlet has to watch it.

The gunicorn attributes this relies on (``AsyncWorker.timeout_ctx`` and
``handle``/``handle_request``, ``Request.unreader``) are checked by
tests/test_server_seams_gunicorn*.py.
"""

import socket
import time

import gevent
from gevent.local import local
from gevent.socket import wait_read
from gunicorn.workers.ggevent import GeventWorker

from .. import STOP_LINGER
from ..raw_connection import json_error_response

# This greenlet's connection: its socket, and the reader of its last request.
connection = local()


def head_timeout_response(seconds):
    return json_error_response(
        408, "the request headers did not arrive within %d seconds" % seconds, limit=seconds
    )


def bytes_waiting(client, unreader):
    """Whether a request has begun: bytes the parser holds, or TLS has
    decrypted, and nobody has read yet."""
    if unreader is not None and unreader.buf.getvalue():
        return True
    pending = getattr(client, "pending", None)
    return bool(pending and pending())


def first_byte(client, seconds):
    """Wait up to ``seconds`` for the first byte of a request.  A plain socket
    peeks (through the socket's own wait, the cheapest way gevent has); a TLS
    socket, which cannot peek, waits for its file descriptor."""
    if hasattr(client, "pending"):
        wait_read(client.fileno(), timeout=seconds)
        return
    client.settimeout(seconds)
    try:
        client.recv(1, socket.MSG_PEEK)
    finally:
        client.settimeout(None)


class RequestHead:
    """The wait for one request's head (``with`` around gunicorn's parse)."""

    def __init__(self, worker):
        self.worker = worker
        self.idle_seconds, self.head_seconds = worker.idle_seconds, worker.head_seconds
        self.timeout = None

    def __enter__(self):
        client = connection.client
        if connection.unreader is not None:
            # A request was answered on this connection: give the others a
            # turn.  A client whose next request is already here would
            # otherwise be read without a wait, and a busy worker could run
            # for a hundred milliseconds without its hub firing a timer or
            # waking a greenlet (deadlines, the record's writer, /delay).
            gevent.sleep(0)
        if not bytes_waiting(client, connection.unreader):
            idle = self.worker.idle
            idle.add(client)
            try:
                first_byte(client, self.worker.idle_allowance())
            except OSError as error:  # socket.timeout: idle too long; else gone
                # gunicorn's worker ends the connection quietly on StopIteration.
                raise StopIteration("no request within %d s" % self.idle_seconds) from error
            finally:
                idle.discard(client)
        self.timeout = gevent.Timeout(self.head_seconds)
        self.timeout.start()
        return self

    def __exit__(self, kind, error, trace):
        self.timeout.close()
        if error is not self.timeout:
            return False
        try:
            connection.client.sendall(head_timeout_response(self.head_seconds))
        except OSError:
            pass
        # No request: gunicorn's loop ends and closes the connection.
        return True


class Worker(GeventWorker):
    """Set per server by ``worker_class``: the seconds of each deadline.

    On SIGTERM, gunicorn's gevent worker waits for every connection's
    greenlet to end, idle keep-alive ones included, which would keep a
    stopping worker up for ``keepalive`` seconds (75 behind nginx).  As
    gunicorn's gthread worker does, idle connections are kept
    ``STOP_LINGER`` seconds more at most (a request a client is already
    sending is answered, with ``Connection: close``), then closed.
    """

    idle_seconds = head_seconds = 5

    @staticmethod
    def end_connection(reason):
        """The exception that ends a connection quietly here (``tls``): gevent's
        server prints a traceback for any other error that leaves its
        handshake, and takes this one as the greenlet's normal end."""
        return gevent.GreenletExit(reason)

    @staticmethod
    def handshake_deadline(seconds):
        """A deadline over a whole TLS handshake (``tls``): gevent's SSL socket
        counts its timeout per wait, so a client that trickles its
        ClientHello would never meet it.  ``gevent.Timeout`` raises
        TimeoutError in the greenlet wherever it waits."""
        return gevent.Timeout(seconds, TimeoutError("no TLS handshake within %d s" % seconds))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.idle = set()  # the sockets of connections waiting for a request
        self.stop_at = None

    def idle_allowance(self):
        if self.stop_at is None:
            return self.idle_seconds
        return max(min(self.idle_seconds, self.stop_at - time.monotonic()), 0.0)

    def handle_exit(self, sig, frame):
        super().handle_exit(sig, frame)
        if self.stop_at is None:
            self.stop_at = time.monotonic() + STOP_LINGER
            gevent.spawn_later(STOP_LINGER, self.close_idle)

    def close_idle(self):
        """Wake the connections still idle: their wait ends, and gunicorn
        closes them."""
        for client in list(self.idle):
            try:
                client.shutdown(socket.SHUT_RD)
            except OSError:
                pass

    def handle(self, listener, client, addr):
        connection.client, connection.unreader = client, None
        super().handle(listener, client, addr)

    def handle_request(self, listener_name, req, sock, addr):
        connection.unreader = req.unreader
        return super().handle_request(listener_name, req, sock, addr)

    def timeout_ctx(self):
        return RequestHead(self)


def worker_class(idle_seconds, head_seconds):
    """A ``Worker`` with these deadlines, for gunicorn's ``worker_class``."""
    return type(
        "GeventWorker",
        (Worker,),
        {"idle_seconds": idle_seconds, "head_seconds": head_seconds, "__module__": __name__},
    )
