"""Run a callback when a deadline passes, for many requests, with one thread.

A server that reads request bodies in the app's thread, with a timeout per
``recv`` only, lets a client that sends a byte now and then hold that thread
for ever.  A deadline over the whole read needs something outside the
reading thread to end it.

One watcher thread per process keeps the deadlines of the requests now in
flight in a dict: arming and cancelling are a dict insert and a dict pop, so
a finished request leaves nothing behind (a heap with lazy deletion would
keep every finished request's closure, and the request it holds, until its
deadline came round).  The watcher sleeps until the nearest deadline, or
until the first one is armed; the dict holds at most the requests in
flight, so its scans are short.
"""

import itertools
import threading
import time


class Deadline:
    __slots__ = ("owner", "token")

    def __init__(self, owner, token):
        self.owner, self.token = owner, token

    def cancel(self):
        """After this returns, the callback has not run and will not run, or
        has already finished."""
        self.owner.cancel(self.token)


class Deadlines:
    def __init__(self):
        self.active = {}  # token -> (monotonic time, callback)
        self.tokens = itertools.count()
        self.lock = threading.Lock()
        self.armed = threading.Event()
        self.thread = None

    def arm(self, seconds, callback):
        """Call ``callback()`` in ``seconds`` unless the returned Deadline is
        cancelled first."""
        token = next(self.tokens)
        with self.lock:
            self.active[token] = (time.monotonic() + seconds, callback)
            if self.thread is None or not self.thread.is_alive():
                # Started on first use, in the process that uses it (a
                # thread does not survive a fork into a worker process).
                self.thread = threading.Thread(
                    target=self._watch, name="wsgi-echo-deadlines", daemon=True
                )
                self.thread.start()
        self.armed.set()
        return Deadline(self, token)

    def cancel(self, token):
        with self.lock:
            self.active.pop(token, None)

    def _watch(self):
        while True:
            with self.lock:
                now = time.monotonic()
                due = [token for token, (when, _) in self.active.items() if when <= now]
                # Run under the lock cancel() takes, so a request that ends
                # just now is either cut or not, never its successor.
                for token in due:
                    _, callback = self.active.pop(token)
                    try:
                        callback()
                    except Exception:  # a socket already closed: nothing left to end
                        pass
                nearest = min((when for when, _ in self.active.values()), default=None)
                if nearest is None:
                    self.armed.clear()
            if nearest is None:
                self.armed.wait()
            else:
                time.sleep(max(nearest - time.monotonic(), 0.01))
