"""``wait_for``: the one way the harness, the tests and the benchmark wait for
something to happen.

A server's log line, a worker, a file reopened: each is awaited by asking
again until it is so, never by sleeping for a time that is usually enough.
A wait that runs out says what it was waiting for, so a failure reads as the
event that did not come, not as a bare timeout.
"""

import time


class WaitTimeout(AssertionError):
    """What was awaited did not happen in time (a failed expectation, which
    is why it is an AssertionError: pytest reports it as a test failure)."""


def wait_for(predicate, timeout=10.0, interval=0.05, what=None, max_interval=None):
    """``predicate()``'s first true value, asked every ``interval`` seconds
    (doubling after each look up to ``max_interval``, when given: a
    predicate that costs the server a request asks less often as it waits).

    After ``timeout`` seconds raises ``WaitTimeout`` naming ``what`` (a
    string, or a callable giving one, evaluated then, so it can describe
    the state at the time of the failure); without it, the predicate's
    docstring or name.  An exception from the predicate ends the wait at
    once: that is how a predicate says the event can no longer come.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout("waited %gs for %s" % (timeout, _describe(what, predicate)))
        time.sleep(interval)  # the polling interval, not a guess at how long it takes
        if max_interval is not None:
            interval = min(interval * 2, max_interval)


def _describe(what, predicate):
    if callable(what):
        what = what()
    if what:
        return what
    doc = (getattr(predicate, "__doc__", None) or "").strip()
    return doc.splitlines()[0] if doc else getattr(predicate, "__name__", repr(predicate))
