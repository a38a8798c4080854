"""Group commit against a real SQLite file and a real redis-server: the
records of writers that come at the same moment share one commit, and
every guarantee of a record written alone still holds.  Every record
present once, one writer's records in the order it wrote them, batches
that form under contention (and are held, to be sure of it, by a
second SQLite connection that holds the write lock, or a Redis
``CLIENT PAUSE``), a failing commit that fails every record of its batch
and releases its writers, and greenlets under gevent."""

import collections
import json
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import redis

from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings import BY_SECTION
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing.waiting import wait_for

THREADS, EACH = 16, 50
DEFAULT_TIMEOUT = int(BY_SECTION["record"]["store_timeout_ms"].default) / 1000.0


@pytest.fixture(params=["sqlite", "redis"])
def spec(request, tmp_path):
    if request.param == "sqlite":
        return StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    return StoreSpec("redis", request.getfixturevalue("redis_url"))


@pytest.fixture
def opened(request):
    """``opened(spec, timeout)``: a prepared store, closed after the test."""

    def open_one(spec, timeout=DEFAULT_TIMEOUT, max_requests=100000):
        store = open_store(spec, max_requests, timeout)
        store.prepare()
        request.addfinalizer(store.close)
        return store

    return open_one


def writers(count, write):
    threads = [threading.Thread(target=write, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def joined(threads, timeout=30):
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def in_order_once(rows, key):
    """Every record once, and each writer's (``key``) records in the order it wrote them."""
    docs = [json.loads(text) for _, text in reversed(rows)]
    ids = [record_id for record_id, _ in reversed(rows)]
    by_writer = collections.defaultdict(list)
    for doc in docs:
        by_writer[doc[key]].append(doc["n"])
    return ids == sorted(set(ids)), dict(by_writer)


def entered(store):
    """An event set when the store's next commit starts (the real commit runs)."""
    started = threading.Event()
    commit = store.group.commit

    def spied(records, deadline):
        started.set()
        return commit(records, deadline)

    store.group.commit = spied
    return started


class Held:
    """The store's commits held up, for as long as the test says: SQLite's
    write lock taken by another connection, or Redis's writers paused."""

    def __init__(self, spec):
        self.spec = spec
        if spec.kind == "sqlite":
            self.holder = sqlite3.connect(spec.target, isolation_level=None)
            self.holder.execute("BEGIN IMMEDIATE")
        else:
            self.holder = redis.Redis.from_url(spec.target)
            self.holder.execute_command("CLIENT", "PAUSE", 30000, "WRITE")

    def release(self):
        if self.spec.kind == "sqlite":
            self.holder.execute("ROLLBACK")
        else:
            self.holder.execute_command("CLIENT", "UNPAUSE")
        self.holder.close()


def test_threads_writing_at_once_share_commits_and_lose_nothing(spec, opened):
    store = opened(spec)
    failures, given = [], {}

    def write(thread):
        for n in range(EACH):
            text = json.dumps({"t": thread, "n": n})
            try:
                given[store.add("POST", "/echo/t", text)] = text
            except Exception as error:
                failures.append(repr(error))

    assert joined(writers(THREADS, write))
    assert failures == []
    rows = store.page(limit=100000)
    assert len(rows) == THREADS * EACH
    increasing, by_thread = in_order_once(rows, "t")
    assert increasing
    assert by_thread == {thread: list(range(EACH)) for thread in range(THREADS)}
    assert dict(rows) == given  # the id each writer was given names its own record
    # Sixteen threads writing at once: records shared commits.
    assert store.group.batches < THREADS * EACH, store.group.batches


def test_records_that_wait_for_a_commit_go_in_the_next_one_together(spec, opened):
    store = opened(spec, timeout=10.0)  # long enough to outlast the hold
    held = Held(spec)
    ids = {}

    def write(n):
        ids[n] = store.add("GET", "/echo/%d" % n, json.dumps({"n": n}))

    committing = entered(store)
    try:
        first = writers(1, write)  # the leader: it took its batch (itself) and is held up
        assert committing.wait(10)
        rest = [threading.Thread(target=write, args=(n,)) for n in (1, 2, 3)]
        for thread in rest:
            thread.start()
        wait_for(lambda: store.group.waiting() == 3, what="three writers waiting")
    finally:
        held.release()
    assert joined(first + rest)
    # One commit for the leader, one for the three that waited behind it.
    assert store.group.batches == 2
    assert ids[0] < ids[1] < ids[2] < ids[3]
    assert [json.loads(text)["n"] for _, text in store.page()] == [3, 2, 1, 0]


def test_a_failing_commit_drops_and_counts_every_record_of_its_batch(tmp_path, opened):
    spec = StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    store = opened(spec, timeout=1.0)
    recording = Recording(_Config(), store, "test")
    committing = entered(store)
    held = Held(spec)  # for longer than any write waits: every commit fails
    results = {}

    def write(n):
        results[n] = recording.write("GET", "/echo/%d" % n, json.dumps({"n": n}))

    try:
        started = time.monotonic()
        leader = writers(1, write)
        assert committing.wait(10)
        rest = [threading.Thread(target=write, args=(n,)) for n in (1, 2, 3)]
        for thread in rest:
            thread.start()
        wait_for(lambda: store.group.waiting() == 3, what="three writers waiting")
        # Every writer released, with its record dropped and counted: the
        # leader's commit and the batch of the three behind it both failed.
        assert joined(leader + rest, timeout=10)
        waited = time.monotonic() - started
    finally:
        held.release()
    assert results == {0: None, 1: None, 2: None, 3: None}
    assert recording.dropped == 4
    assert store.group.batches == 2
    # The batch gave up at its first record's deadline (1 s after it came,
    # just after the leader's), not a whole timeout after the leader failed.
    assert waited < 1.8, waited
    assert store.page() == []


class _Config:
    """The two ``[record]`` settings a Recording reads besides its store."""

    max_body_bytes = 65536
    feed_listeners = 4


GEVENT_WRITER = """
from gevent import monkey
monkey.patch_all()
import json, sys
import gevent
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec
kind, target, greenlets, each = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
store = open_store(StoreSpec(kind, target), 100000, 5.0)
def write(g):
    for n in range(each):
        store.add("POST", "/echo/g", json.dumps({"g": g, "n": n}))
gevent.joinall([gevent.spawn(write, g) for g in range(greenlets)], raise_error=True)
print(json.dumps({"batches": store.group.batches}))
"""


def test_greenlets_under_gevent_lose_and_duplicate_nothing(spec, opened):
    pytest.importorskip("gevent")
    store = opened(spec)
    greenlets, each = 20, 25
    out = subprocess.run(
        [sys.executable, "-c", GEVENT_WRITER, spec.kind, spec.target, str(greenlets), str(each)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    if spec.kind == "redis":  # a round trip yields to the other greenlets: batches form
        assert json.loads(out)["batches"] < greenlets * each
    rows = store.page(limit=100000)
    assert len(rows) == greenlets * each
    increasing, by_greenlet = in_order_once(rows, "g")
    assert increasing
    assert by_greenlet == {g: list(range(each)) for g in range(greenlets)}
