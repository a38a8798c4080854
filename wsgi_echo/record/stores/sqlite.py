"""``sqlite``: the record in one SQLite file, shared by every worker process
of an instance (the embedded default).

The file is in WAL mode, so readers never wait for the writer and a write
is one append to the log (``synchronous = NORMAL``: no fsync per record; a
power cut may lose the last records, never the file).  A record is one
``INSERT`` in autocommit; a trigger, in the same statement, deletes what
falls out of the ``max_requests`` window, so the table stays bounded with
no second round trip.  ``AUTOINCREMENT`` keeps ids increasing across
deletes and ``clear()``; SQLite takes one writer at a time, so ids are
committed in the order they are given out and a reader asking for
``after`` an id never misses one committed later.

Connections are per process and used by one thread or greenlet at a time:
a small pool, opened lazily and thrown away after a fork (the app is built
in gunicorn's master; its workers open their own).  The busy handler is
off and a locked database is retried here with ``time.sleep``, which a
greenlet server turns into a yield, until ``timeout`` has passed: a busy
wait inside SQLite would block every greenlet of the process.
"""

import os
import re
import sqlite3
import tempfile
import threading
import time

from .base import Store, StoreUnavailable

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    record TEXT NOT NULL
);
"""
# Re-created at each start, with this start's max_requests.
TRIGGER = """
CREATE TRIGGER trim_requests AFTER INSERT ON requests
BEGIN
    DELETE FROM requests WHERE id <= NEW.id - %d;
END
"""
IDLE_CONNECTIONS = 16  # kept open per process; more are closed after use
FIRST_RETRY, LAST_RETRY = 0.0005, 0.005  # seconds between tries on a locked database
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


def default_path(instance, port):
    """The per-instance file: the temporary folder, named by instance and port,
    so two instances on one machine never share a record by accident."""
    name = "wsgi-echo-record-%s-%d.sqlite3" % (SAFE_NAME.sub("_", instance), port)
    return os.path.join(tempfile.gettempdir(), name)


def _locked(error):
    text = str(error).lower()
    return "locked" in text or "busy" in text


class _Pool:
    """This process's idle connections, and its writers' turn: the threads of
    one process take turns here, in the order they came, rather than all
    polling SQLite's lock, where the unlucky one could wait out its timeout."""

    def __init__(self):
        self.pid = os.getpid()
        self.idle = []
        self.lock = threading.Lock()
        self.writer = threading.Lock()


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

    def _write(self, work):
        """``_run(work)`` in this process's writers' turn."""
        writer = self._pool_here().writer
        if not writer.acquire(timeout=self.timeout):
            raise StoreUnavailable("sqlite %s: no turn to write within the timeout" % self.path)
        try:
            return self._run(work)
        finally:
            writer.release()

    def _run(self, work):
        """``work(connection)`` on a pooled connection, retried while the
        database is locked, until ``timeout``; StoreUnavailable after it."""
        pool = self._pool_here()
        with pool.lock:
            connection = pool.idle.pop() if pool.idle else None
        try:
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
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(SCHEMA)
                connection.execute("DROP TRIGGER IF EXISTS trim_requests")
                connection.execute(TRIGGER % self.max_requests)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        self._write(create)
        self.close()  # nothing stays open in the process that forks the workers

    def add(self, method, path, text):
        return self._write(
            lambda connection: (
                connection.execute(
                    "INSERT INTO requests (method, path, record) VALUES (?, ?, ?)",
                    (method, path, text),
                ).lastrowid
            )
        )

    def page(self, after=0, before=None, limit=50, method=None, path=None):
        clauses, values = ["id > ?"], [after]
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
                "SELECT id, record FROM requests WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
            ).fetchall()
        )

    def get(self, record_id):
        row = self._run(
            lambda c: c.execute("SELECT record FROM requests WHERE id = ?", (record_id,)).fetchone()
        )
        return row[0] if row else None

    def last_id(self):
        row = self._run(
            lambda c: c.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'requests'"
            ).fetchone()
        )
        return row[0] if row else 0

    def clear(self):
        self._write(lambda c: c.execute("DELETE FROM requests"))

    def close(self):
        pool = self._pool
        with pool.lock:
            idle, pool.idle = pool.idle, []
        for connection in idle:
            connection.close()
