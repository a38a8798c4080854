"""Requests that wait on purpose, bounded so they never take the last threads.

``/delay``, ``/drip``, ``/sse``, ``/range`` with a duration and the echo's
``X-Echo-Delay`` wait on purpose.  Under a server that gives each request a
thread for its whole life (waitress, gunicorn's gthread worker), a request
that waits holds its thread; with as many of them as threads, ordinary
requests queue behind them for seconds.  An app calls ``hold(environ)``
before it waits; past the bound that raises ``Full``, and this middleware
answers ``503`` with ``Retry-After`` at once instead (RFC 9110 section
15.6.4: the server is temporarily unable to handle the request).  The slot
is given back when the answer has been sent whole (its iterable closed).

The bound is ``[server] held_requests``; with ``auto``, the server's own,
which a runner whose every request holds a thread puts in the environ
(``protocol.HELD_CAPACITY``: its threads less a quarter); where waiting
costs no thread (gevent), none.  It is counted per process.
"""

import threading

from .. import errors
from ..protocol import HELD_CAPACITY
from .closing import ClosedThen

SLOT = "wsgi_echo.held_slot"
RETRY_AFTER = "1"  # seconds: a held request ends within max_delay, most far sooner


class Full(Exception):
    """No slot left for a request that would wait."""

    def __init__(self, bound):
        super().__init__(bound)
        self.bound = bound


def hold(environ):
    """Take this request's slot before it waits on purpose; ``Full`` past the bound."""
    slot = environ.get(SLOT)
    if slot is not None:
        slot.take()


class Slot:
    __slots__ = ("bound", "gate", "taken")

    def __init__(self, gate, bound):
        self.gate, self.bound, self.taken = gate, bound, False

    def take(self):
        if not self.taken:
            self.gate.enter(self.bound)
            self.taken = True

    def release(self):
        if self.taken:
            self.taken = False
            self.gate.leave()


class HeldRequests:
    def __init__(self, app, limit):
        """``limit``: the bound, or None for the server's own."""
        self.app, self.limit = app, limit
        self.count = 0
        # Held for a comparison and an addition, never across a wait.
        self.lock = threading.Lock()

    def enter(self, bound):
        with self.lock:
            if self.count >= bound:
                raise Full(bound)
            self.count += 1

    def leave(self):
        with self.lock:
            self.count -= 1

    def __call__(self, environ, start_response):
        bound = self.limit if self.limit is not None else environ.get(HELD_CAPACITY)
        if bound is None:
            return self.app(environ, start_response)
        slot = environ[SLOT] = Slot(self, bound)
        try:
            result = self.app(environ, start_response)
        except Full as full:
            return errors.json_error(
                environ,
                start_response,
                503,
                "%d requests that wait on purpose are running, the most this server "
                "runs at once; try again shortly" % full.bound,
                headers=[("Retry-After", RETRY_AFTER)],
                limit=full.bound,
            )
        except BaseException:
            slot.release()
            raise
        # The slot is given back once the answer is over (its iterable closed).
        return ClosedThen(result, slot.release) if slot.taken else result
