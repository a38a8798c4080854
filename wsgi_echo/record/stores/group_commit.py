"""Group commit: the records a process's threads write at the same moment
share one commit.

A writer that finds no commit in progress leads: it commits its record,
and every record that gathered meanwhile, in one go (the store's
``commit``: one SQLite transaction, one Redis round trip).  A writer that
finds a commit in progress adds its record to the pending batch and
waits; when the commit ends, the leader wakes the writers whose records
were in it and hands the lead to the oldest pending record's writer, who
commits everything pending.  A commit's fixed cost (a WAL append and its
locks, a round trip) is shared by every record in it.

Batches form by themselves while a commit waits (a round trip, a locked
file), but not on one CPU when the commit does not wait: a thread that
holds the GIL through a commit of a few microseconds lets no other thread
arrive, and every request commits alone.  So while commits are shared, a
leader first gives its CPU away once (``os.sched_yield``, the GIL
released): the process's other threads that are running requests reach
their own writes and join its batch.  When a batch is its leader's
record alone, leaders stop yielding (a yield is a context switch, and it
would delay a lone request for nothing) and try again every
``PROBE_EVERY`` commits, to notice that company has come.  (Under gevent
the yield does not switch greenlets; batches form while commits wait.)

Each waiting writer waits on a lock of its own, released by the leader:
it is woken once, when its record is settled or the lead is its turn,
never to find that it has to wait again (``Condition.notify_all`` would
wake them all, at a context switch each).  Under gevent ``threading`` is
patched and the wait yields.

The rules the recorder relies on (``recording``):

- A record's id is known when ``add`` returns: the record is in the store,
  committed, before its request's answer is handed over.
- Records are committed in the order their writers added them, so one
  thread's records get increasing ids.
- A commit that fails fails every record of its batch: each of their
  writers gets a ``StoreUnavailable`` (the recorder drops and counts each).
- A writer waits at most ``timeout`` for its turn: a record still pending
  then is taken back and fails alone.  A commit is given the earliest
  deadline of its batch (``commit(records, deadline)``; the SQLite store
  stops retrying a locked file then), and a writer whose record is in it
  waits for its end.

The state is per process, made afresh after a fork: a commit in progress
in the parent when gunicorn forked belongs to the parent.
"""

import os
import threading
import time

from .base import StoreUnavailable

MAX_BATCH = 128  # records per commit: keeps one transaction or script short
PROBE_EVERY = 16  # commits between two yields while batches are a record each
# The GIL released and the CPU offered to a ready thread; Windows has no
# sched_yield, and its Sleep(0), which time.sleep(0) calls, does the same.
_yield_cpu = getattr(os, "sched_yield", None) or (lambda: time.sleep(0))


class _Waiter:
    """A record that waits for a commit in progress: its writer blocks on
    ``wake``, which the leader releases once ``settled`` or ``leads`` is set."""

    __slots__ = ("deadline", "error", "leads", "record", "record_id", "settled", "taken", "wake")

    def __init__(self, record, deadline):
        self.record = record
        self.deadline = deadline
        self.taken = self.settled = self.leads = False
        self.record_id = self.error = None
        self.wake = threading.Lock()
        self.wake.acquire()

    def outcome(self):
        if self.error is not None:  # a new exception per writer: each has its own traceback
            raise StoreUnavailable(self.error)
        return self.record_id


class _ProcessState:
    def __init__(self):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.pending = []  # _Waiter, oldest first
        self.committing = False
        self.commits = 0
        self.shared = False  # whether the last batch had more than its leader's record


class GroupCommit:
    def __init__(self, commit, timeout, where):
        """``commit(records, deadline)``: keeps ``records`` (a list, in order)
        in one go and returns their ids in the same order, or raises
        ``StoreUnavailable``; ``where`` names the store in messages."""
        self.commit = commit
        self.timeout = timeout
        self.where = where
        self.batches = 0  # commits made (tests, the bench)
        self._state = _ProcessState()

    def waiting(self):
        """Writers of this process waiting for their turn (tests, the bench)."""
        return len(self._here().pending)

    def _here(self):
        state = self._state
        if state.pid != os.getpid():
            state = self._state = _ProcessState()
        return state

    def add(self, record):
        """Keep ``record`` in the next commit; returns its id once committed."""
        state = self._here()
        deadline = time.monotonic() + self.timeout
        with state.lock:
            leads = not state.committing
            if leads:
                state.committing = True
            else:
                waiter = _Waiter(record, deadline)
                state.pending.append(waiter)
        if leads:
            return self._lead(state, record, deadline)
        self._wait(state, waiter)
        if waiter.settled:
            return waiter.outcome()
        return self._lead(state, record, deadline)  # handed the lead

    def _wait(self, state, waiter):
        """Until the leader settles ``waiter`` or hands it the lead; a record
        still pending at its deadline is taken back."""
        if waiter.wake.acquire(timeout=max(waiter.deadline - time.monotonic(), 0)):
            return
        with state.lock:
            if not (waiter.taken or waiter.leads):
                state.pending.remove(waiter)
                raise StoreUnavailable("%s: no turn to write within the timeout" % self.where)
        waiter.wake.acquire()  # in a batch being committed, or the lead on its way

    def _lead(self, state, record, deadline):
        """Commit the leader's ``record`` and the records pending behind it
        (its deadline is the batch's earliest: it came first), settle them,
        and hand the lead to the next pending one."""
        if state.shared or state.commits % PROBE_EVERY == 0:
            _yield_cpu()  # let the threads that are on their way join (above)
        batch = []
        if state.pending:  # else alone; one that comes now is handed the lead after
            with state.lock:
                batch = state.pending[: MAX_BATCH - 1]
                del state.pending[: MAX_BATCH - 1]
                for waiter in batch:
                    waiter.taken = True
        records = [record]
        records += [waiter.record for waiter in batch]
        ids = None
        error = "%s: the commit was interrupted" % self.where
        try:
            ids = self.commit(records, deadline)
            error = None
        except StoreUnavailable as failed:
            error = str(failed)
        finally:
            with state.lock:
                self.batches += 1
                state.commits += 1
                state.shared = bool(batch or state.pending)  # company came, or is waiting
                following = state.pending.pop(0) if state.pending else None
                if following is None:
                    state.committing = False
                else:
                    following.leads = True
            for index, waiter in enumerate(batch, 1):
                if error is None:
                    waiter.record_id = ids[index]
                else:
                    waiter.error = error
                waiter.settled = True
                waiter.wake.release()
            if following is not None:
                following.wake.release()
        if error is not None:
            raise StoreUnavailable(error)
        return ids[0]
