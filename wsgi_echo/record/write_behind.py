"""Write-behind: a request's record is queued in this process's memory and
written to the store by the process's flusher, in batches, so no request
waits for the store.

A synchronous write costs every request a store call: a SQLite commit or a
Redis round trip, which under gevent blocks the whole worker, and whose
fixed cost (a WAL append and its locks, a round trip) dwarfs the record.
Here a request only appends its record to a bounded queue (no lock, no
store call, no thread switch), and the flusher takes everything queued
and writes it in one go (``Store.write``: one statement, one script
call), so that fixed cost is shared by every record that gathered
meanwhile.

The flusher is a daemon thread (a greenlet under gevent, whose patched
``threading`` makes it one; it is started on the first record, in the
process that records, after gunicorn's fork and gevent's patching).  It
waits on an event the first record after a quiet spell sets, so a lone
record is written at once; under load it writes at most once per
``FLUSH_INTERVAL``, and what arrives between two writes forms the next
batch.

A flusher that is woken is not always run soon: under gunicorn's gevent
worker at full load, a greenlet waiting on a timer or an event was seen to
wait 100 to 280 ms (against 5 to 10 ms under a bare gevent server at the
same load), long enough for a thousand records to gather.  So when
``MAX_BATCH`` records are waiting and no write is in progress, the request
that queued the last of them writes that batch itself: the queue stays
short whatever the scheduler does, and under gevent, where a SQLite write
holds the whole worker anyway, it costs no more than the flusher's would.

The rules the record relies on:

- One write at a time per process (``flushing``), each of records taken
  from the front of the queue: records are written in the order they were
  queued, so the store gives them increasing ids in that order, and no
  record is taken twice.
- ``flush()`` returns once every record queued before it was called is
  written or dropped: a record not in the queue when it holds ``flushing``
  was taken by a write that has ended.  The reads' barrier is built on it
  (``Recording.settle``).
- The queue holds at most ``QUEUE_BOUND`` records (give or take one per
  thread queueing at that instant): past it, ``put`` refuses (the recorder
  drops and counts the record).  A request writes only when nobody else
  is writing (it never waits for a write in progress), so a store that
  hangs holds at most one request per pause.
- At exit (a worker that stops), what is queued is written, within
  ``stop_seconds``; what is left then is dropped.
"""

import atexit
import collections
import os
import threading
import time
import traceback

from .stores import MAX_BATCH

FLUSH_INTERVAL = 0.005  # seconds: at most one write per process per interval, under load
QUEUE_BOUND = 1000  # records queued per process; past it, the newest are dropped


class WriteBehind:
    def __init__(self, write, stop_seconds, interval=FLUSH_INTERVAL, bound=QUEUE_BOUND):
        """``write(batch, deadline)``: writes ``batch`` (a list of records, in
        order, at most ``MAX_BATCH``) to the store, or drops it, and never
        raises for a store that fails (the recorder's rule); ``deadline`` is
        None, or the ``time.monotonic()`` time past which it drops instead.
        ``stop_seconds``: how long the exit's flush may take."""
        self.write = write
        self.stop_seconds = stop_seconds
        self.interval = interval
        self.bound = bound
        self.pid = os.getpid()
        self.queue = collections.deque()
        self.starting = threading.Lock()  # one flusher, whatever the threads
        self.flushing = threading.Lock()  # one write at a time: ids follow the queue
        self.wake = threading.Event()
        self.idle = False  # the flusher waits for ``wake``: the next record sets it
        self.thread = None
        self.batches = 0  # writes made (tests, the bench)

    def put(self, record):
        """Queue ``record``; False when the queue is full."""
        # No lock: a deque's append is atomic, and a lock here (a Python
        # object under gevent) was a tenth of what recording cost a request.
        # Threads that look at the length at once may pass the bound by as
        # many records as there are threads.
        if len(self.queue) >= self.bound:
            return False
        self.queue.append(record)
        if self.thread is None:
            with self.starting:
                if self.thread is None:
                    self._start()
        waiting = len(self.queue)
        if self.idle:
            self.idle = False
            self.wake.set()
        elif waiting >= MAX_BATCH and self.flushing.acquire(blocking=False):
            try:  # the flusher has not run while a batch gathered: write it here
                self._write_queued()
            finally:
                self.flushing.release()
        return True

    def _start(self):
        self.thread = threading.Thread(target=self._run, name="wsgi-echo-record", daemon=True)
        self.thread.start()
        atexit.register(self.stop)

    def _run(self):
        started = 0.0
        while True:
            # idle is set before the queue is looked at: a record queued
            # after the look finds it set, and wakes the flusher.
            self.wake.clear()
            self.idle = True
            if not self.queue:
                self.wake.wait()
            self.idle = False
            rest = started + self.interval - time.monotonic()
            if rest > 0:
                time.sleep(rest)  # what arrives meanwhile joins this batch
            started = time.monotonic()
            try:
                self.flush()
            except Exception:  # a bug, not a store failure (those are dropped and counted)
                traceback.print_exc()

    def flush(self, deadline=None):
        """Write what is queued now, oldest first, ``MAX_BATCH`` records a
        write; returns once each is written or dropped (False when
        ``deadline`` passed before this process's write in progress ended)."""
        wait = -1 if deadline is None else max(deadline - time.monotonic(), 0)
        if not self.flushing.acquire(timeout=wait):
            return False
        try:
            self._write_queued(deadline)
        finally:
            self.flushing.release()
        return True

    def _write_queued(self, deadline=None):
        """Write what is queued now, ``MAX_BATCH`` records a write (the
        caller holds ``flushing``)."""
        left = len(self.queue)  # not what comes later: a flush under load ends
        while left > 0:
            batch = [self.queue.popleft() for _ in range(min(left, MAX_BATCH))]
            left -= len(batch)
            self.batches += 1
            self.write(batch, deadline)

    def stop(self):
        """At exit: what is queued is written, within ``stop_seconds``."""
        if self.pid == os.getpid():
            self.flush(time.monotonic() + self.stop_seconds)
