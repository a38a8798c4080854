"""Concurrent writers lose nothing and duplicate nothing: several real
processes, each with several threads queueing records for its flusher,
writing to one SQLite file and to one real Redis at once; and a real
multi-worker gunicorn recording concurrent clients through SQLite and
Redis.  Both with the shipped ``store_timeout_ms``: contention costs a
flusher a wait, never a record."""

import collections
import concurrent.futures
import json
import subprocess
import sys

import pytest

from conftest import settings_text
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings import BY_SECTION
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing import clients
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

PROCESSES, THREADS, EACH = 4, 3, 250
DEFAULT_TIMEOUT = int(BY_SECTION["record"]["store_timeout_ms"].default) / 1000.0

WRITER = """
import json, sys, threading
from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec
kind, target, writer, threads, each, timeout = sys.argv[1:7]
class Config:
    max_body_bytes, feed_listeners, store_timeout_ms = 65536, 4, int(float(timeout) * 1000)
store = open_store(StoreSpec(kind, target), 100000, float(timeout))
recording = Recording(Config(), store, "test", shared=True)
refused = []
def write(thread):
    for n in range(int(each)):
        if not recording.write("POST", "/echo/w", json.dumps({"w": writer, "t": thread, "n": n})):
            refused.append((thread, n))
workers = [threading.Thread(target=write, args=(t,)) for t in range(int(threads))]
for worker in workers: worker.start()
for worker in workers: worker.join()
recording.settle()
print(json.dumps({"refused": refused, "dropped": recording.dropped}))
"""


@pytest.fixture(params=["sqlite", "redis"])
def spec(request, tmp_path):
    if request.param == "sqlite":
        return StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    return StoreSpec("redis", request.getfixturevalue("redis_url"))


def test_writer_processes_and_threads_lose_and_duplicate_nothing(spec):
    store = open_store(spec, 100000, DEFAULT_TIMEOUT)
    store.prepare()
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                spec.kind,
                spec.target,
                str(w),
                str(THREADS),
                str(EACH),
                str(DEFAULT_TIMEOUT),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(PROCESSES)
    ]
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0
        assert json.loads(out) == {"refused": [], "dropped": 0}
    rows = store.page(limit=100000)
    total = PROCESSES * THREADS * EACH
    ids = [record_id for record_id, _ in rows]
    assert len(ids) == len(set(ids)) == total
    seen = collections.Counter(
        (doc["w"], doc["t"], doc["n"]) for doc in (json.loads(text) for _, text in rows)
    )
    assert set(seen.values()) == {1}
    assert len(seen) == total
    # Each thread's records are in the order it wrote them: ids follow the
    # writes, and a process writes its queue in order.
    by_writer = collections.defaultdict(list)
    for _, text in reversed(rows):
        doc = json.loads(text)
        by_writer[(doc["w"], doc["t"])].append(doc["n"])
    assert all(order == list(range(EACH)) for order in by_writer.values())


CLIENTS, PER_CLIENT = 12, 50


@pytest.mark.parametrize("store_kind", ["sqlite", "redis"])
def test_a_multi_worker_gunicorn_records_every_request_once(start_server, request, store_kind):
    record = {"max_requests": 5000}
    if store_kind == "redis":
        record["store"] = request.getfixturevalue("redis_url")
    server = start_server(
        "gunicorn",
        settings_text(
            server={"workers": 3, "threads": 4},
            log={"access_log": ""},
            record=record,
            routes={"/echo": "echo", "/_requests": "requests"},
        ),
    )
    wait_for(lambda: len(server.children()) == 3, what="three gunicorn workers")

    def client(number):
        for n in range(PER_CLIENT):
            status, _, _ = clients.request(server, "GET", "/echo/c%d/%d" % (number, n))
            assert status == 200

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, range(CLIENTS)))
    total = CLIENTS * PER_CLIENT

    def everything_recorded():
        """A read settles what its own worker queued, and waits one flush
        interval for the others' (docs/recording.md); on a loaded machine a
        worker may take longer to be given the CPU, so the list is asked
        until it is complete: what is checked is once, not how soon."""
        status, _, body = clients.request(server, "GET", "/_requests?limit=5000")
        assert status == 200
        return body if len(json.loads(body)["requests"]) >= total else None

    body = wait_for(everything_recorded, what="every request recorded")
    listed = json.loads(body)["requests"]
    paths = collections.Counter(entry["path"] for entry in listed)
    expected = {"/echo/c%d/%d" % (c, n) for c in range(CLIENTS) for n in range(PER_CLIENT)}
    assert set(paths) == expected
    assert set(paths.values()) == {1}
    ids = [entry["id"] for entry in listed]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert json.loads(body)["dropped"] == 0
