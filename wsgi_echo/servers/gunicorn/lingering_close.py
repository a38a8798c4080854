"""A lingering close (RFC 9112 section 9.6) that blocks no one.

A server that closes a connection with request bytes still unread makes
its kernel send RST, dropping what of the answer it has not sent yet.  So
a connection is half-closed (FIN: the answer is whole), what the client
still sends is read and thrown away, and it is closed once the client
closes its end, ``MAX_DRAIN`` bytes have been drained, or ``LINGER``
seconds have passed, as gunicorn's ``util.close_graceful`` does.

gunicorn's gthread worker does that on its event loop, blocking: while a
client that keeps its end open is lingered on (up to 2 s), the worker
accepts nothing and serves no kept-alive connection, one such client after
another.  ``Closer`` half-closes at once and leaves the rest to one daemon
thread of its own, which polls every half-closed socket (``selectors``):
it costs no request thread.  Past ``MOST`` sockets lingering at once, a
socket is closed without lingering, so a flood cannot grow the set.

Hand-written because no library does a non-blocking lingering close, and
gunicorn does its own on the loop.
"""

import collections
import os
import selectors
import socket
import threading
import time

LINGER = 2.0  # seconds, util.close_graceful's
MAX_DRAIN = 65536  # bytes, util.close_graceful's
MOST = 256  # sockets lingering at once, per worker process


def close_now(sock):
    try:
        sock.close()
    except OSError:
        pass


class Lingering:
    __slots__ = ("deadline", "drained", "sock")

    def __init__(self, sock, deadline):
        self.sock, self.deadline, self.drained = sock, deadline, 0


class Closer:
    """Lingering closes on a thread of their own: ``close(sock)`` for each
    connection ended, then ``stop()`` when the worker is done, from the
    worker's loop (the thread ``stop`` runs on must be the last to close)."""

    def __init__(self, linger=LINGER, max_drain=MAX_DRAIN, most=MOST):
        self.linger, self.max_drain = linger, max_drain
        self._room = threading.BoundedSemaphore(most)
        self._handed = collections.deque()  # Lingering, for the thread to poll
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="lingering-close", daemon=True)
        self._thread.start()

    def close(self, sock):
        """Half-close ``sock`` now; drain it and close it later, on the thread."""
        try:
            sock.shutdown(socket.SHUT_WR)  # on TLS: the bare socket's, as gunicorn's
        except OSError:  # reset, or closed already: nothing to linger for
            close_now(sock)
            return
        if self._stopping or not self._room.acquire(blocking=False):
            close_now(sock)
            return
        sock.setblocking(False)
        self._handed.append(Lingering(sock, time.monotonic() + self.linger))
        self._wake()

    def stop(self, timeout=None):
        """Linger on no new socket, and wait until every socket lingering is
        closed: within the linger, or ``timeout`` seconds at most."""
        if self._stopping:
            return
        self._stopping = True
        self._wake()
        self._thread.join(self.linger + 1 if timeout is None else timeout)
        if not self._thread.is_alive():
            while self._handed:  # handed as the thread ended
                close_now(self._handed.popleft().sock)
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _wake(self):
        try:
            os.write(self._wake_write, b"\0")
        except OSError:  # the pipe is full: the thread wakes anyway
            pass

    def _run(self):
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_read, selectors.EVENT_READ)
            by_deadline = collections.deque()  # the same linger each: in order
            while True:
                while self._handed:
                    lingering = self._handed.popleft()
                    try:
                        selector.register(lingering.sock, selectors.EVENT_READ, lingering)
                    except (OSError, ValueError):  # not a socket to poll any more
                        self._room.release()
                        close_now(lingering.sock)
                        continue
                    by_deadline.append(lingering)
                if self._stopping and not by_deadline:
                    break
                timeout = (
                    max(by_deadline[0].deadline - time.monotonic(), 0) if by_deadline else None
                )
                for key, _ in selector.select(timeout):
                    if key.data is None:
                        try:
                            os.read(self._wake_read, 4096)
                        except OSError:
                            pass
                    elif self._drain(key.data):
                        self._end(selector, key.data)
                now = time.monotonic()
                while by_deadline and (
                    by_deadline[0].sock.fileno() < 0 or by_deadline[0].deadline <= now
                ):
                    lingering = by_deadline.popleft()
                    if lingering.sock.fileno() >= 0:
                        self._end(selector, lingering)

    def _drain(self, lingering):
        """Read what has come; True when the socket is done lingering."""
        try:
            while lingering.drained < self.max_drain:
                data = lingering.sock.recv(self.max_drain - lingering.drained)
                if not data:
                    return True  # the client closed its end
                lingering.drained += len(data)
        except BlockingIOError:
            return False
        except OSError:
            return True
        return True  # drained enough

    def _end(self, selector, lingering):
        selector.unregister(lingering.sock)
        self._room.release()  # first: once its socket is seen closed, the room is there
        close_now(lingering.sock)
