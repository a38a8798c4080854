"""``sqlite``: the record in one SQLite file, shared by every worker process
of an instance (the embedded default).

The file is in WAL mode, so readers never wait for the writer and a commit
is one append to the log.  ``synchronous = NORMAL``: no fsync per commit,
only at checkpoints, so a power cut may lose the last records but never
corrupts the file (SQLite's own guarantee for WAL with NORMAL).

A batch of records (``write``, from the recorder's flusher) goes in one
``INSERT`` of as many rows, in autocommit (one statement is one
transaction), so a commit's cost (the WAL append, its locks) is shared.
One statement rather than an ``executemany`` in ``BEGIN`` ... ``COMMIT``:
one step into SQLite instead of one per row and two more for the
transaction.  ``AUTOINCREMENT`` gives the ids and keeps them increasing
across deletes and ``clear()``; one statement, under SQLite's write lock,
gives its rows consecutive ids (the highest ever given, plus one, each),
so ``lastrowid`` names them all.  SQLite takes one writer at a time across
processes, so ids are committed in the order they are given out and a
reader asking for ``after`` an id never misses one committed later.

The ``max_requests`` window: readers see only the newest ``max_requests``
ids (``WINDOW``), and every ``TRIM_EVERY``-th write of a process also
deletes what fell out of it, in the same transaction.  Deleting at every
commit would write the oldest page of the table each time (a WAL frame,
a third of a commit's cost); this way the file holds at most a few
``TRIM_EVERY`` batches more than the window.

Connections are per process and used by one thread or greenlet at a time:
a small pool, opened lazily and thrown away after a fork (the app is built
in gunicorn's master; its workers open their own).  The busy handler is
off and a locked database is retried here with ``time.sleep``, which a
greenlet server turns into a yield, until the deadline has passed: a busy
wait inside SQLite would block every greenlet of the process.
"""

import os
import re
import sqlite3
import tempfile
import threading
import time

from .base import MAX_BATCH, Store, StoreUnavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    record TEXT NOT NULL
);
"""


def _insert(rows):
    return "INSERT INTO requests (method, path, record) VALUES " + ", ".join(["(?, ?, ?)"] * rows)


INSERTS = [None] + [_insert(rows) for rows in range(1, MAX_BATCH + 1)]  # by number of rows
LAST_ID = "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'requests'), 0)"
# What readers see: the newest max_requests ids (the parameter), so at most
# max_requests records (exactly, as ids are consecutive: a failed INSERT
# gives its ids back).
WINDOW = "id > %s - ?" % LAST_ID
TRIM = "DELETE FROM requests WHERE id <= ?"
TRIM_EVERY = 64  # writes of a process between two trims
IDLE_CONNECTIONS = 16  # kept open per process; more are closed after use
FIRST_RETRY, LAST_RETRY = 0.0005, 0.005  # seconds between tries on a locked database
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def default_path(instance, port):
    """The per-instance file: the temporary folder, named by instance and port,
    so two instances on one machine never share a record by accident."""
    name = "wsgi-echo-record-%s-%d.sqlite3" % (SAFE_NAME.sub("_", instance), port)
    return os.path.join(tempfile.gettempdir(), name)


class _transaction:
    """``BEGIN IMMEDIATE`` (the write lock first, so a busy database fails
    here, before any work) ... ``COMMIT``, or ``ROLLBACK`` on any error."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, error, trace):
        try:
            if kind is None:
                self.connection.execute("COMMIT")
        finally:
            if self.connection.in_transaction:  # an error, or a COMMIT that failed
                self.connection.execute("ROLLBACK")


def _locked(error):
    text = str(error).lower()
    return "locked" in text or "busy" in text


class _Pool:
    """This process's idle connections."""

    def __init__(self):
        self.pid = os.getpid()
        self.idle = []
        self.lock = threading.Lock()
        self.writes = 0  # by this process; its flusher writes one batch at a time


class SqliteStore(Store):
    kind = "sqlite"

    def __init__(self, path, max_requests, timeout):
        """``timeout``: seconds a call may wait for a locked database."""
        self.path = path
        self.max_requests = max_requests
        self.timeout = timeout
        self._pool = _Pool()

    # -- connections ------------------------------------------------------------------

    def _connect(self):
        connection = sqlite3.connect(
            self.path, timeout=0, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def _pool_here(self):
        pool = self._pool
        if pool.pid != os.getpid():  # forked: the parent's connections are not ours
            pool = self._pool = _Pool()
        return pool

    def _run(self, work, deadline=None):
        """``work(connection)`` on a pooled connection, retried while the
        database is locked, until ``deadline`` (default: ``timeout`` from
        now); StoreUnavailable after it.  One try at least."""
        pool = self._pool_here()
        with pool.lock:
            connection = pool.idle.pop() if pool.idle else None
        try:
            if deadline is None:
                deadline = time.monotonic() + self.timeout
            pause = FIRST_RETRY
            while True:
                try:
                    if connection is None:
                        connection = self._connect()
                    result = work(connection)
                    break
                except sqlite3.OperationalError as error:
                    if not _locked(error) or time.monotonic() + pause > deadline:
                        raise
                time.sleep(pause)  # a locked database: a writer holds it for microseconds
                pause = min(pause * 2, LAST_RETRY)
        except sqlite3.Error as error:
            if connection is not None:
                connection.close()
            raise StoreUnavailable("sqlite %s: %s" % (self.path, error)) from None
        with pool.lock:
            if len(pool.idle) < IDLE_CONNECTIONS:
                pool.idle.append(connection)
                connection = None
        if connection is not None:
            connection.close()
        return result

    # -- the interface ----------------------------------------------------------------------

    def prepare(self):
        def create(connection):
            connection.execute("PRAGMA journal_mode = WAL")
            with _transaction(connection):
                connection.execute(SCHEMA)
                # Files from before group commit trimmed with a trigger per row.
                connection.execute("DROP TRIGGER IF EXISTS trim_requests")

        self._run(create)
        self.close()  # nothing stays open in the process that forks the workers

    def write(self, records, deadline=None):
        """One statement for ``records``; every ``TRIM_EVERY`` writes, in one
        transaction with the trim."""
        pool = self._pool_here()
        pool.writes += 1
        trim = pool.writes % TRIM_EVERY == 1

        insert = INSERTS[len(records)]
        values = [field for record in records for field in record]

        def write(connection):
            if not trim:
                last = connection.execute(insert, values).lastrowid
            else:
                with _transaction(connection):
                    last = connection.execute(insert, values).lastrowid
                    connection.execute(TRIM, (last - self.max_requests,))
            return range(last - len(records) + 1, last + 1)

        return self._run(write, deadline)

    def page(self, after=0, before=None, limit=50, method=None, path=None):
        clauses, values = ["id > ?", WINDOW], [after, self.max_requests]
        if before is not None:
            clauses.append("id < ?")
            values.append(before)
        if method is not None:
            clauses.append("method = ?")
            values.append(method)
        if path is not None:
            # substr, not LIKE: a path may hold % and _.
            clauses.append("substr(path, 1, ?) = ?")
            values += [len(path), path]
        query = "SELECT id, record FROM requests WHERE %s ORDER BY id DESC LIMIT ?" % (
            " AND ".join(clauses)
        )
        return self._run(lambda c: c.execute(query, (*values, limit)).fetchall())

    def newer(self, after, limit):
        return self._run(
            lambda c: c.execute(
                "SELECT id, record FROM requests WHERE id > ? AND %s ORDER BY id LIMIT ?" % WINDOW,
                (after, self.max_requests, limit),
            ).fetchall()
        )

    def get(self, record_id):
        row = self._run(
            lambda c: c.execute(
                "SELECT record FROM requests WHERE id = ? AND %s" % WINDOW,
                (record_id, self.max_requests),
            ).fetchone()
        )
        return row[0] if row else None

    def last_id(self):
        return self._run(lambda c: c.execute("SELECT " + LAST_ID).fetchone()[0])

    def clear(self):
        self._run(lambda c: c.execute("DELETE FROM requests"))

    def close(self):
        pool = self._pool
        with pool.lock:
            idle, pool.idle = pool.idle, []
        for connection in idle:
            connection.close()
