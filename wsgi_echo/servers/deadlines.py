"""Run a callback when a deadline passes, for many requests, with one thread.

A server that reads request bodies in the app's thread, with a timeout per
``recv`` only, lets a client that sends a byte now and then hold that thread
for ever.  A deadline over the whole read needs something outside the
reading thread to end it; one watcher thread per process, with a heap of
deadlines, costs a heap push per request instead of a thread per request.
"""

import heapq
import itertools
import threading
import time


class Deadline:
    __slots__ = ("when", "callback", "cancelled", "lock")

    def __init__(self, when, callback, lock):
        self.when, self.callback, self.cancelled, self.lock = when, callback, False, lock

    def cancel(self):
        """After this returns, the callback has not run and will not run, or
        has already finished."""
        with self.lock:
            self.cancelled = True


class Deadlines:
    def __init__(self):
        self.heap = []
        self.counter = itertools.count()  # orders deadlines that share a time
        self.condition = threading.Condition()
        self.thread = None

    def arm(self, seconds, callback):
        """Call ``callback()`` in ``seconds`` unless the returned Deadline is
        cancelled first."""
        deadline = Deadline(time.monotonic() + seconds, callback, self.condition)
        with self.condition:
            heapq.heappush(self.heap, (deadline.when, next(self.counter), deadline))
            if self.thread is None or not self.thread.is_alive():
                # Started on first use, in the process that uses it (a
                # thread does not survive a fork into a worker process).
                self.thread = threading.Thread(target=self._watch, name="wsgi-echo-deadlines",
                                               daemon=True)
                self.thread.start()
            elif self.heap[0][2] is deadline:
                self.condition.notify()
        return deadline

    def _watch(self):
        while True:
            with self.condition:
                while self.heap and self.heap[0][2].cancelled:
                    heapq.heappop(self.heap)
                if not self.heap:
                    self.condition.wait()
                    continue
                wait = self.heap[0][0] - time.monotonic()
                if wait > 0:
                    self.condition.wait(wait)
                    continue
                _, _, deadline = heapq.heappop(self.heap)
                # Run under the lock cancel() takes, so a request that ends
                # just now is either cut or not, never its successor.
                try:
                    deadline.callback()
                except Exception:  # a socket already closed, say: nothing left to end
                    pass
