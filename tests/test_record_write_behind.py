"""Write-behind against a real SQLite file and a real redis-server: a
request only queues its record, and the process's flusher writes what
gathered in one batch.  Every record present once, each writer's in the
order it wrote them, ids increasing; batches that form under contention
and while a write is held up (by a second SQLite connection holding the
write lock, or a Redis ``CLIENT PAUSE``); a failing write that drops and
counts its batch; the queue's bound; the read barrier (``settle``); and
greenlets writing at once under gevent (a process's exit, and the flusher
as a greenlet: test_record_write_behind_processes)."""

import collections
import json
import threading
import time

import pytest
from record_support import Held, numbers, script_result

from conftest import settings_text
from wsgi_echo import settings as settings_module
from wsgi_echo.record.recording import Recording, open_recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.record.write_behind import FLUSH_INTERVAL, QUEUE_BOUND
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing.ini import write_settings
from wsgi_echo.testing.waiting import wait_for

THREADS, EACH = 16, 50


class Config:
    """The ``[record]`` settings a Recording reads besides its store."""

    def __init__(self, timeout=0.5):
        self.max_body_bytes = 65536
        self.feed_listeners = 4
        self.store_timeout_ms = int(timeout * 1000)


@pytest.fixture(params=["sqlite", "redis"])
def spec(request, tmp_path):
    if request.param == "sqlite":
        return StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    return StoreSpec("redis", request.getfixturevalue("redis_url"))


@pytest.fixture
def recorded(request):
    """``recorded(spec, timeout)``: a Recording on a prepared store."""

    def open_one(spec, timeout=0.5):
        store = open_store(spec, 100000, timeout)
        store.prepare()
        request.addfinalizer(store.close)
        return Recording(Config(timeout), store, "test")

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
    """Whether ids increase, and each writer's (``key``) records in the order kept."""
    docs = [json.loads(text) for _, text in reversed(rows)]
    ids = [record_id for record_id, _ in reversed(rows)]
    by_writer = collections.defaultdict(list)
    for doc in docs:
        by_writer[doc[key]].append(doc["n"])
    return ids == sorted(set(ids)), dict(by_writer)


def entered(store):
    """An event set when the store's next write starts (the real write runs)."""
    started = threading.Event()
    write = store.write

    def spied(records, deadline=None):
        started.set()
        return write(records, deadline)

    store.write = spied
    return started


def test_threads_writing_at_once_share_writes_and_lose_nothing(spec, recorded):
    recording = recorded(spec)
    refused = []

    def write(thread):
        for n in range(EACH):
            if not recording.write("POST", "/echo/t", json.dumps({"t": thread, "n": n})):
                refused.append((thread, n))

    assert joined(writers(THREADS, write))
    recording.settle()
    assert refused == [] and recording.dropped == 0
    rows = recording.store.page(limit=100000)
    assert len(rows) == THREADS * EACH
    increasing, by_thread = in_order_once(rows, "t")
    assert increasing
    assert by_thread == {thread: list(range(EACH)) for thread in range(THREADS)}
    # Sixteen threads writing at once: records shared writes.
    assert recording.state.queue.batches < THREADS * EACH, recording.state.queue.batches


def test_the_flusher_writes_without_being_asked(spec, recorded):
    recording = recorded(spec)
    recording.write("GET", "/echo/alone", json.dumps({"n": 0}))
    # No read, no settle: the flusher woke on the record and wrote it.
    wait_for(lambda: recording.store.last_id() == 1, what="the record written")
    assert numbers(recording.store) == [0]


def test_records_that_come_while_a_write_is_held_go_in_the_next_one_together(spec, recorded):
    recording = recorded(spec, timeout=10.0)  # long enough to outlast the hold
    held = Held(spec)
    writing = entered(recording.store)
    try:
        assert recording.write("GET", "/echo/0", json.dumps({"n": 0}))
        assert writing.wait(10)  # the flusher took it, and waits for the store
        for n in (1, 2, 3):  # queued at once, while the store is held
            assert recording.write("GET", "/echo/%d" % n, json.dumps({"n": n}))
        assert len(recording.state.queue.queue) == 3
    finally:
        held.release()
    recording.settle()
    # One write for the first, one for the three that waited behind it.
    assert recording.state.queue.batches == 2
    assert numbers(recording.store) == [0, 1, 2, 3]
    ids = [record_id for record_id, _ in recording.store.page()]
    assert ids == sorted(ids, reverse=True)


def test_a_failing_write_drops_and_counts_its_batch_then_pauses(spec, recorded, capfd):
    recording = recorded(spec, timeout=0.3)
    queue = recording.state.queue
    held = Held(spec)  # for longer than a write waits: the write fails
    try:
        with queue.flushing:  # the flusher waits: the four are queued before it takes any
            for n in range(4):
                assert recording.write("GET", "/echo/%d" % n, json.dumps({"n": n}))
        wait_for(lambda: recording.dropped == 4, what="the batch of four dropped")
        assert queue.batches == 1
        # Within the pause after a failure, a record is dropped at once.
        assert not recording.write("GET", "/echo/4", json.dumps({"n": 4}))
        assert recording.dropped == 5
    finally:
        held.release()
    assert recording.store.page() == []
    failed = capfd.readouterr().err
    assert failed.count("the record store failed") == 1, failed
    # After the pause (1 s), records are written again, and the log says so.
    wait_for(
        lambda: recording.write("GET", "/echo/5", json.dumps({"n": 5})),
        what="a record queued after the pause",
    )
    recording.settle()
    assert numbers(recording.store) == [5]
    assert "the record store answers again" in capfd.readouterr().err


def test_past_the_queue_bound_records_are_dropped_and_counted(tmp_path, recorded, capfd):
    recording = recorded(StoreSpec("sqlite", str(tmp_path / "record.sqlite3")))
    queue = recording.state.queue
    with queue.flushing:  # nothing is taken from the queue meanwhile
        kept = [recording.write("GET", "/echo/q", json.dumps({"n": n})) for n in range(1005)]
    assert kept == [True] * QUEUE_BOUND + [False] * 5
    assert recording.dropped == 5
    assert capfd.readouterr().err.count("the record's queue is full") == 1
    recording.settle()
    assert numbers(recording.store) == list(range(QUEUE_BOUND))


def test_settle_returns_once_what_was_queued_before_it_is_written(spec, recorded):
    recording = recorded(spec, timeout=10.0)
    held = Held(spec)
    writing = entered(recording.store)
    seen = []
    settled = threading.Event()

    def read():
        recording.settle()
        seen.extend(numbers(recording.store))
        settled.set()

    try:
        recording.write("GET", "/echo/0", json.dumps({"n": 0}))
        assert writing.wait(10)
        for n in (1, 2):
            recording.write("GET", "/echo/%d" % n, json.dumps({"n": n}))
        reader = writers(1, lambda _: read())
        # While the store is held, the read waits (0.3 s of it is enough to
        # tell: the reader needs no more than a thread start to return otherwise).
        assert not settled.wait(0.3)
    finally:
        held.release()
    assert joined(reader)
    assert seen == [0, 1, 2]


def test_a_read_waits_one_flush_interval_where_other_processes_write(tmp_path):
    def recording_for(**sections):
        text = settings_text(routes={"/echo": "echo", "/_requests": "requests"}, **sections)
        return open_recording(settings_module.load(write_settings(tmp_path / "s.ini", text)))

    store = {"store": "sqlite:" + str(tmp_path / "record.sqlite3")}
    alone = recording_for(server={"workers": 1}, record=store)
    several = recording_for(server={"workers": 3}, record=store)
    assert (alone.shared, several.shared) == (False, True)
    started = time.monotonic()
    several.settle()
    assert time.monotonic() - started >= FLUSH_INTERVAL


def test_a_redis_record_is_shared_with_other_instances(tmp_path, redis_url):
    text = settings_text(server={"workers": 1}, record={"store": redis_url})
    recording = open_recording(settings_module.load(write_settings(tmp_path / "s.ini", text)))
    assert recording.shared


GEVENT_WRITERS = """
from gevent import monkey
monkey.patch_all()
import json, sys
import gevent
from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec

class Config:
    max_body_bytes, feed_listeners, store_timeout_ms = 65536, 4, 5000

kind, target, greenlets, each = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
recording = Recording(Config(), open_store(StoreSpec(kind, target), 100000, 5.0), "test")
def write(g):
    for n in range(each):
        assert recording.write("POST", "/echo/g", json.dumps({"g": g, "n": n}))
        gevent.sleep(0)  # as a request yields on its socket
gevent.joinall([gevent.spawn(write, g) for g in range(greenlets)], raise_error=True)
recording.settle()
print(json.dumps({"batches": recording.state.queue.batches, "dropped": recording.dropped}))
"""


def test_greenlets_under_gevent_share_writes_and_lose_nothing(spec, recorded):
    pytest.importorskip("gevent")
    store = recorded(spec).store
    greenlets, each = 20, 25
    result = script_result(GEVENT_WRITERS, spec.kind, spec.target, greenlets, each)
    assert result["dropped"] == 0
    assert result["batches"] < greenlets * each, result
    rows = store.page(limit=100000)
    assert len(rows) == greenlets * each
    increasing, by_greenlet = in_order_once(rows, "g")
    assert increasing
    assert by_greenlet == {g: list(range(each)) for g in range(greenlets)}
