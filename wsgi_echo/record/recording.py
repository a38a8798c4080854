"""``Recording``: one app's record, its store, and the rule that a record
never costs a request its answer.

A write goes to the store in the request's own thread, before the answer
is handed over when the app returned it whole (so a client that has its
answer finds its request in the record), else when the server closes the
streamed answer; the stores commit the writes of a process's threads in
groups (``stores.group_commit``), and a write returns once its own record
is committed.  When the store fails or takes longer than
``[record] store_timeout_ms``, the record is dropped and counted, and for
the next ``PAUSE`` seconds this process drops records at once instead of
waiting on a store that is down (one line in the error log when that
starts): a store that is down costs records, never answers, and costs a
request at most one timeout per pause.  Nothing waits for the store but
the requests whose records are on their way, so nothing piles up in
memory while the store is away.

Per-process state (the drop counter, the pause, the feed listeners'
semaphore) is made afresh in each process, as gunicorn forks its workers
after the app is built.
"""

import os
import sys
import threading
import time

from .stores import StoreUnavailable, open_store

PAUSE = 1.0  # seconds without tries after a failed write
_NEW_STATE = threading.Lock()


class _ProcessState:
    def __init__(self, listeners):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.dropped = 0
        self.paused_until = 0.0
        self.listeners = threading.BoundedSemaphore(listeners)


class Recording:
    def __init__(self, config, store, instance):
        """``config``: the ``[record]`` settings; ``store``: a ``stores.Store``."""
        self.config = config
        self.store = store
        self.instance = instance
        self.max_body = config.max_body_bytes
        self._state = None

    @property
    def state(self):
        state = self._state
        if state is None or state.pid != os.getpid():
            with _NEW_STATE:  # two threads of a new worker make one state, not two
                state = self._state
                if state is None or state.pid != os.getpid():
                    state = self._state = _ProcessState(self.config.feed_listeners)
        return state

    @property
    def dropped(self):
        """Records this process could not write since it started."""
        return self.state.dropped

    def write(self, method, path, text):
        """Keep a record; returns its id, or None when it was dropped."""
        state = self.state
        if state.paused_until and time.monotonic() < state.paused_until:
            with state.lock:
                state.dropped += 1
            return None
        try:
            record_id = self.store.add(method, path, text)
        except StoreUnavailable as error:
            self._failed(state, error)
            return None
        if state.paused_until:
            state.paused_until = 0.0
            print("wsgi-echo: the record store answers again", file=sys.stderr, flush=True)
        return record_id

    def _failed(self, state, error):
        with state.lock:
            state.dropped += 1
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
    return Recording(config, store, settings.server.instance)
