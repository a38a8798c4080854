"""The record's three stores against the real thing: memory, a SQLite file,
and a real redis-server (``redis_url``).  Each keeps records in id order,
filters them, resumes after an id, bounds itself, keeps ids increasing
across a clear, and fails within its timeout when it cannot answer."""

import json
import os
import sqlite3
import time

import pytest

from wsgi_echo.record.stores import StoreUnavailable, open_store, with_id
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing.process import free_port

STORES = ("memory", "sqlite", "redis")


def make_store(kind, tmp_path, request, max_requests=1000, timeout=2.0):
    if kind == "memory":
        spec = StoreSpec("memory", "")
    elif kind == "sqlite":
        spec = StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    else:
        spec = StoreSpec("redis", request.getfixturevalue("redis_url"))
    store = open_store(spec, max_requests, timeout)
    store.prepare()
    return store


@pytest.fixture(params=STORES)
def make(request, tmp_path):
    """``make(max_requests=1000)``: a new, empty store of each kind."""

    def build(**options):
        store = make_store(request.param, tmp_path, request, **options)
        request.addfinalizer(store.close)
        return store

    return build


def record(number):
    return json.dumps({"n": number})


def numbers(rows):
    return [json.loads(text)["n"] for _, text in rows]


def test_records_come_back_newest_first_with_increasing_ids(make):
    store = make()
    ids = [store.add("GET", "/echo/%d" % n, record(n)) for n in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    rows = store.page()
    assert [record_id for record_id, _ in rows] == ids[::-1]
    assert numbers(rows) == [4, 3, 2, 1, 0]
    assert store.last_id() == ids[-1]
    assert json.loads(store.get(ids[2])) == {"n": 2}
    assert store.get(ids[-1] + 1) is None


def test_after_before_and_limit_select_a_window(make):
    store = make()
    ids = [store.add("GET", "/x", record(n)) for n in range(10)]
    assert numbers(store.page(after=ids[6])) == [9, 8, 7]
    assert numbers(store.page(before=ids[3])) == [2, 1, 0]
    assert numbers(store.page(after=ids[2], before=ids[6])) == [5, 4, 3]
    assert numbers(store.page(limit=2)) == [9, 8]
    assert store.page(after=ids[-1]) == []
    assert numbers(store.newer(ids[4], 3)) == [5, 6, 7]


def test_method_and_path_prefix_filters(make):
    store = make()
    store.add("GET", "/echo/a", record(0))
    store.add("POST", "/echo/a/b", record(1))
    store.add("POST", "/httpbin/post", record(2))
    store.add("GET", "/echo/100%_sure", record(3))
    store.add("GET", "/echo/100xxsure", record(4))
    assert numbers(store.page(method="POST")) == [2, 1]
    assert numbers(store.page(path="/echo/a")) == [1, 0]
    assert numbers(store.page(method="POST", path="/echo")) == [1]
    # % and _ are characters of a path, not wildcards.
    assert numbers(store.page(path="/echo/100%_")) == [3]


def test_a_filter_finds_matches_beyond_the_first_batch(make):
    store = make(max_requests=2000)
    store.add("DELETE", "/echo/rare", record(-1))
    for n in range(600):
        store.add("GET", "/echo/common", record(n))
    assert numbers(store.page(method="DELETE")) == [-1]


def test_clear_forgets_records_but_never_reuses_an_id(make):
    store = make()
    last = [store.add("GET", "/x", record(n)) for n in range(3)][-1]
    store.clear()
    assert store.page() == []
    assert store.last_id() == last
    assert store.add("GET", "/x", record(9)) > last


def test_the_oldest_records_are_dropped_beyond_max_requests(make):
    store = make(max_requests=5)
    ids = [store.add("GET", "/x", record(n)) for n in range(12)]
    assert numbers(store.page(limit=100)) == [11, 10, 9, 8, 7]
    assert store.get(ids[6]) is None
    assert store.get(ids[7]) is not None


def test_the_record_stays_bounded_under_a_long_run(make, tmp_path):
    """20,000 records of 1 KiB into a store that keeps 100: it keeps exactly
    the newest 100, and a SQLite file stays within a bound (its WAL is
    checkpointed; without trimming it would pass 20 MB)."""
    store = make(max_requests=100)
    filler = "x" * 1024
    for n in range(20000):
        store.add("POST", "/echo/%d" % n, json.dumps({"n": n, "filler": filler}))
    rows = store.page(limit=1000)
    assert numbers(rows) == list(range(19999, 19899, -1))
    if store.kind == "sqlite":
        size = sum(
            os.path.getsize(store.path + suffix)
            for suffix in ("", "-wal")
            if os.path.exists(store.path + suffix)
        )
        assert size < 8 * 1024 * 1024, size


def test_with_id_puts_the_id_first():
    assert json.loads(with_id(7, '{"a":1}')) == {"id": 7, "a": 1}
    assert list(json.loads(with_id(7, '{"a":1}'))) == ["id", "a"]
    assert json.loads(with_id(3, "{}")) == {"id": 3}


def test_ids_go_on_from_the_file_after_a_restart(tmp_path):
    path = str(tmp_path / "record.sqlite3")
    first = open_store(StoreSpec("sqlite", path), 100, 1.0)
    first.prepare()
    last = first.add("GET", "/x", record(1))
    first.close()
    second = open_store(StoreSpec("sqlite", path), 100, 1.0)
    second.prepare()
    assert numbers(second.page()) == [1]
    assert second.add("GET", "/x", record(2)) == last + 1


def test_a_locked_sqlite_file_fails_within_the_timeout(tmp_path):
    path = str(tmp_path / "record.sqlite3")
    store = open_store(StoreSpec("sqlite", path), 100, 0.3)
    store.prepare()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="locked"):
            store.add("GET", "/x", record(1))
        waited = time.monotonic() - started
        # It retried for about its timeout (0.3 s), and gave up soon after it.
        assert 0.2 <= waited < 1.5, waited
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.add("GET", "/x", record(2)) > 0


def test_a_redis_that_is_not_there_fails_fast():
    """Nothing listens on the port: refused at once, well within the timeout."""
    store = open_store(StoreSpec("redis", "redis://127.0.0.1:%d/0" % free_port()), 100, 2.0)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match=r"redis://127\.0\.0\.1"):
        store.add("GET", "/x", record(1))
    assert time.monotonic() - started < 1.0


def test_a_redis_error_message_shows_no_password():
    url = "redis://user:s3cret-pass@127.0.0.1:%d/0" % free_port()
    store = open_store(StoreSpec("redis", url), 100, 1.0)
    with pytest.raises(StoreUnavailable) as caught:
        store.last_id()
    assert "s3cret-pass" not in str(caught.value)


def test_a_sqlite_file_trims_in_steps_and_readers_see_the_window(tmp_path):
    """The file is trimmed every TRIM_EVERY commits, not at each: it holds
    a bounded number of rows beyond max_requests, and readers see exactly
    the newest max_requests."""
    from wsgi_echo.record.stores.sqlite import TRIM_EVERY

    path = str(tmp_path / "record.sqlite3")
    store = open_store(StoreSpec("sqlite", path), 10, 2.0)
    store.prepare()
    ids = [store.add("GET", "/x", record(n)) for n in range(1000)]
    assert numbers(store.page(limit=100)) == list(range(999, 989, -1))
    assert numbers(store.newer(0, 100)) == list(range(990, 1000))
    assert store.get(ids[989]) is None and store.get(ids[990]) is not None
    with sqlite3.connect(path) as reader:
        rows = reader.execute("SELECT count(*) FROM requests").fetchone()[0]
    assert 10 <= rows <= 10 + TRIM_EVERY, rows
    store.close()


def test_a_file_from_the_trigger_era_keeps_its_records_and_ids(tmp_path):
    """A file written when a trigger trimmed every insert: its records stay,
    the trigger goes (the store trims itself now), ids go on."""
    path = str(tmp_path / "record.sqlite3")
    with sqlite3.connect(path, isolation_level=None) as old:
        old.execute(
            "CREATE TABLE requests (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "method TEXT NOT NULL, path TEXT NOT NULL, record TEXT NOT NULL)"
        )
        old.execute(
            "CREATE TRIGGER trim_requests AFTER INSERT ON requests "
            "BEGIN DELETE FROM requests WHERE id <= NEW.id - 1000; END"
        )
        for n in range(3):
            old.execute(
                "INSERT INTO requests (method, path, record) VALUES ('GET', '/x', ?)", (record(n),)
            )
    old.close()
    store = open_store(StoreSpec("sqlite", path), 1000, 2.0)
    store.prepare()
    assert numbers(store.page()) == [2, 1, 0]
    assert store.add("GET", "/x", record(3)) == 4
    with sqlite3.connect(path) as reader:
        assert (
            reader.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() == []
        )
    reader.close()
    store.close()


def test_a_sqlite_file_may_lose_its_last_records_in_a_power_cut_but_never_its_file(tmp_path):
    """WAL with synchronous = NORMAL: commits are not synced one by one (a power
    cut may lose the last ones), and the file stays whole (SQLite's guarantee
    for that pair; FULL would sync every commit, OFF could corrupt the file)."""
    store = open_store(StoreSpec("sqlite", str(tmp_path / "record.sqlite3")), 100, 1.0)
    store.prepare()
    store.add("GET", "/x", record(1))
    modes = store._run(
        lambda c: (
            c.execute("PRAGMA journal_mode").fetchone()[0],
            c.execute("PRAGMA synchronous").fetchone()[0],
        )
    )
    assert modes == ("wal", 1)  # 1: NORMAL
    store.close()
