"""The store interface: what the recorder writes and the API reads.

A record is kept as JSON text without its id (``{"time": ...}``) beside the
two fields the API filters on, its method and its path; the store gives it
an id.  Ids increase with every record written and are never reused, not
even after ``clear()``: a reader that remembers the last id it saw asks for
what came ``after`` it, and a test marks its start with ``last_id()``.

A store answers in ids and JSON text, ``(id, text)`` pairs, so the API can
pass records on without decoding them (``with_id`` puts the id in front).
Records are written in batches (``write``): the recorder queues them and
its flusher writes what gathered in one go (``write_behind``), so a
write's fixed cost (a SQLite transaction, a Redis round trip) is shared by
the batch.  Every store bounds itself to ``max_requests`` records, dropping
the oldest, and raises ``StoreUnavailable`` when it cannot answer in time;
the recorder then drops the batch, never a request (``recording``).
"""

MAX_BATCH = 128  # records per write: keeps one SQLite statement or Redis script short


class StoreUnavailable(Exception):
    """The store is down, or did not answer within its timeout."""


class Store:
    """The interface; ``memory``, ``sqlite`` and ``redis`` implement it."""

    kind = ""

    def prepare(self):
        """Once, at start-up, in the process that builds the app (before any
        fork): create what the store needs, so the workers find it ready."""

    def write(self, records, deadline=None):
        """Keep ``records`` (at most ``MAX_BATCH`` ``(method, path, text)``
        triples, ``text`` the JSON without the id) in one go, in their order;
        returns their ids, increasing, in the same order.  ``deadline`` (a
        ``time.monotonic()`` time; default: the store's timeout from now)
        bounds the wait for a locked store."""
        raise NotImplementedError

    def add(self, method, path, text):
        """Keep one record now; returns its id (tools and tests: the recorder
        writes batches)."""
        return self.write([(method, path, text)])[0]

    def page(self, after=0, before=None, limit=50, method=None, path=None):
        """Up to ``limit`` records, newest first, with ``after < id < before``,
        the method ``method`` and a path starting with ``path`` (when given)."""
        raise NotImplementedError

    def newer(self, after, limit):
        """Up to ``limit`` records with ids above ``after``, oldest first (the feed)."""
        raise NotImplementedError

    def get(self, record_id):
        """One record's JSON text, or None."""
        raise NotImplementedError

    def last_id(self):
        """The id most recently given out (0 before the first): the marker
        after which everything is new."""
        raise NotImplementedError

    def clear(self):
        """Forget every record (ids go on increasing)."""
        raise NotImplementedError

    def close(self):
        """Let go of connections (this process's)."""


def matches(record_method, record_path, method, path):
    """Whether a record passes the API's filters (None: no filter)."""
    return (method is None or record_method == method) and (
        path is None or record_path.startswith(path)
    )


def with_id(record_id, text):
    """A stored record's JSON text with its id as the first key."""
    return '{"id":%d,%s' % (record_id, text[1:]) if len(text) > 2 else '{"id":%d}' % record_id
