"""``Recording``: one app's record, its store, and the rule that a record
never costs a request its answer.

A request's record is queued, not written: the process's flusher writes
what gathered, in batches (``write_behind``), so a request never waits
for the store, up or down.  Before any read of the record through this
process (the API, the live feed's polls), ``settle`` writes what this
process queued, so a client that has its answer from this process finds
its request in the record; when other processes write to the same store
(several workers, or Redis, which instances share), it also waits one
``FLUSH_INTERVAL`` first, the time their flushers take to start writing
what they queued (docs/recording.md, "When a record is there", states
the bound).

When a write fails (the store is down, or slower than ``[record]
store_timeout_ms``), its batch is dropped and counted, and for the next
``PAUSE`` seconds this process drops records at once instead of queueing
them for a store that is down (one line in the error log when that
starts): a store that is down costs records, never answers.  A queue that
is full (the store writes slower than requests come) drops the newest
records and counts them too, with a line of its own.

Per-process state (the queue and its flusher, the drop counter, the pause,
the feed listeners' semaphore) is made afresh in each process, as gunicorn
forks its workers after the app is built.
"""

import os
import sys
import threading
import time
import weakref

from .stores import StoreUnavailable, open_store
from .write_behind import FLUSH_INTERVAL, WriteBehind

PAUSE = 1.0  # seconds without tries after a failed write
_NEW_STATE = threading.Lock()
_RECORDINGS = weakref.WeakSet()


def _forget_states():
    """In a forked child (a gunicorn worker): the parent's queue, flusher and
    locks are not its own, so each recording makes its state afresh.  Done
    at the fork rather than by comparing ``os.getpid()`` on every request."""
    global _NEW_STATE
    _NEW_STATE = threading.Lock()
    for recording in list(_RECORDINGS):
        recording._state = None


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_forget_states)


class _ProcessState:
    def __init__(self, listeners, write, stop_seconds):
        self.lock = threading.Lock()
        self.dropped = 0
        self.paused_until = 0.0
        self.full = False  # the queue refused a record, and has not been drained since
        self.listeners = threading.BoundedSemaphore(listeners)
        self.queue = WriteBehind(write, stop_seconds)


class Recording:
    def __init__(self, config, store, instance, shared=False):
        """``config``: the ``[record]`` settings; ``store``: a ``stores.Store``;
        ``shared``: whether other processes write to the store too."""
        self.config = config
        self.store = store
        self.instance = instance
        self.shared = shared
        self.max_body = config.max_body_bytes
        self.timeout = config.store_timeout_ms / 1000.0
        self._state = None
        _RECORDINGS.add(self)

    @property
    def state(self):
        state = self._state
        if state is None:
            with _NEW_STATE:  # two threads of a new worker make one state, not two
                state = self._state
                if state is None:
                    state = self._state = _ProcessState(
                        self.config.feed_listeners, self._write, self.timeout
                    )
        return state

    @property
    def dropped(self):
        """Records this process could not write since it started."""
        return self.state.dropped

    def write(self, method, path, text):
        """Queue a record for the flusher; False when it was dropped."""
        state = self.state
        if state.paused_until and time.monotonic() < state.paused_until:
            self._count(state, 1)
            return False
        if state.queue.put((method, path, text)):
            return True
        self._count(state, 1)
        if not state.full:
            state.full = True
            print(
                "wsgi-echo: the record's queue is full (%d records: the store writes slower "
                "than requests come); records are dropped and counted" % state.queue.bound,
                file=sys.stderr,
                flush=True,
            )
        return False

    def settle(self):
        """Before a read: what this process queued is written (or dropped),
        and, when other processes write too, one flush interval has passed."""
        if self.shared:
            time.sleep(FLUSH_INTERVAL)
        self.state.queue.flush()

    def _write(self, batch, deadline):
        """The flusher's write of ``batch``, under the rule above."""
        state = self.state
        now = time.monotonic()
        if (state.paused_until and now < state.paused_until) or (deadline and now >= deadline):
            self._count(state, len(batch))
            return
        try:
            self.store.write(batch, deadline)
        except StoreUnavailable as error:
            self._failed(state, error, len(batch))
            return
        if state.full and not state.queue.queue:
            state.full = False  # drained: a queue full again is a new line
        if state.paused_until:
            state.paused_until = 0.0
            print("wsgi-echo: the record store answers again", file=sys.stderr, flush=True)

    def _count(self, state, records):
        with state.lock:
            state.dropped += records

    def _failed(self, state, error, records):
        with state.lock:
            state.dropped += records
            first = not state.paused_until
            state.paused_until = time.monotonic() + PAUSE
        if first:
            print(
                "wsgi-echo: the record store failed (%s); requests are answered, "
                "their records dropped and counted" % error,
                file=sys.stderr,
                flush=True,
            )

    def listener(self):
        """A feed listener's slot (release it when the feed ends), or None
        when ``feed_listeners`` feeds are open in this process already."""
        listeners = self.state.listeners
        return listeners if listeners.acquire(blocking=False) else None


def open_recording(settings):
    """The record for ``settings``, its store prepared (in this process, before
    any fork); None when nothing records and nothing reads."""
    config = settings.record
    reads = any(kind == "requests" for _, kind in settings.routes)
    if not (config.enabled or reads):
        return None
    store = open_store(
        config.store,
        config.max_requests,
        config.store_timeout_ms / 1000.0,
        settings.server.instance,
        settings.server.port,
    )
    try:
        store.prepare()
    except StoreUnavailable as error:
        # Not fatal: the store may come up after the server (a Redis started
        # next to it); until then records are dropped and counted.
        print("wsgi-echo: the record store is not ready: %s" % error, file=sys.stderr, flush=True)
    # Other writers: this instance's other workers, or other instances on one Redis.
    shared = settings.server.workers > 1 or config.store.kind == "redis"
    return Recording(config, store, settings.server.instance, shared)
