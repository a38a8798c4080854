"""``GET /_requests/events``: new records as server-sent events (the HTML
standard, section 9.2), each ``id: <record id>``, ``event: request`` and the
record as JSON, oldest first.

A feed starts after the ``Last-Event-ID`` a reconnecting EventSource sends
(so a browser resumes where it was, missing nothing the store still keeps),
else after ``?after=<id>``, else after the newest record now.  It first
sends ``event: ready`` with the id it starts after, so a client knows it
is listening.

It is a held connection, and under a threaded server it holds a thread
while it is open, so it is bounded twice: each feed ends after
``[record] feed_seconds`` (an EventSource reconnects by itself, and
resumes), and at most ``[record] feed_listeners`` are open per process
(the next is answered 503 with Retry-After).  The store is asked every
``POLL`` seconds (a store is shared by processes and instances, which have
no way to tell each other), each time after the record is settled
(``Recording.settle``: what this process queued is written first); a
comment line every ``HEARTBEAT`` seconds keeps proxies from timing the
feed out and lets the server notice a client that went away (the write
fails, and the server closes the feed).
"""

import json
import time

from ...record.stores import StoreUnavailable, with_id

POLL = 0.2  # seconds between two looks at the store
HEARTBEAT = 2.0  # seconds of quiet before a comment line
BATCH = 100  # records read per look
RETRY_MS = 1000  # what an EventSource waits before it reconnects
HEADERS = [
    ("Content-Type", "text/event-stream; charset=utf-8"),
    ("Cache-Control", "no-store"),
    # nginx buffers answers by default (deploy/nginx does): not this one.
    ("X-Accel-Buffering", "no"),
]


def event(name, data, record_id=None):
    lines = [] if record_id is None else ["id: %d" % record_id]
    lines += ["event: %s" % name, "data: %s" % data]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


class Feed:
    """The feed as a WSGI body: ``events`` while it is iterated, and the
    listener's slot given back when the server closes it (whether or not it
    was ever iterated)."""

    def __init__(self, body, slot):
        self.body = body
        self.slot = slot

    def __iter__(self):
        return self.body

    def close(self):
        try:
            self.body.close()
        finally:
            slot, self.slot = self.slot, None
            if slot is not None:
                slot.release()


def events(recording, start, seconds, matches):
    """Records after ``start`` that ``matches(text)``, as events, for ``seconds``."""
    store = recording.store
    cursor = start
    yield ("retry: %d\n\n" % RETRY_MS).encode("ascii")
    yield event("ready", json.dumps({"after": cursor}))
    deadline = time.monotonic() + seconds
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        try:
            recording.settle()
            found = store.newer(cursor, BATCH)
        except StoreUnavailable as error:
            yield event("store-error", json.dumps({"detail": str(error)}))
            found = []
        for record_id, text in found:
            cursor = record_id
            if matches(text):
                yield event("request", with_id(record_id, text), record_id)
                quiet_since = time.monotonic()
        if len(found) == BATCH:
            continue  # more are waiting
        if time.monotonic() - quiet_since >= HEARTBEAT:
            yield b": keep-alive\n\n"
            quiet_since = time.monotonic()
        time.sleep(POLL)
