"""Write-behind in processes of its own: a process that ends writes what
it queued (threads and gevent), waiting for a store that is down no
longer than its timeout; and under gevent the flusher is a greenlet, which
writes when the others yield."""

import subprocess
import sys
import time

import pytest
from record_support import Held, numbers, script_result

from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec

EXIT_WRITER = """
import sys
if sys.argv[1] == "gevent":
    from gevent import monkey
    monkey.patch_all()
import json
from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec

class Config:
    max_body_bytes, feed_listeners, store_timeout_ms = 65536, 4, int(sys.argv[3])

store = open_store(StoreSpec("sqlite", sys.argv[2]), 1000, int(sys.argv[3]) / 1000)
recording = Recording(Config(), store, "test")
for n in range(10):
    assert recording.write("GET", "/echo/%d" % n, json.dumps({"n": n}))
print("queued", flush=True)
sys.stdin.readline()  # the test says when to end
"""


def exit_writer(workers, path, timeout_ms):
    process = subprocess.Popen(
        [sys.executable, "-c", EXIT_WRITER, workers, path, str(timeout_ms)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "queued\n"
    return process


@pytest.mark.parametrize("workers", ["threads", "gevent"])
def test_a_process_that_ends_writes_what_it_queued(tmp_path, workers):
    if workers == "gevent":
        pytest.importorskip("gevent")
    spec = StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    store = open_store(spec, 1000, 1.0)
    store.prepare()
    held = Held(spec)
    try:
        process = exit_writer(workers, spec.target, 10000)
        process.stdin.write("end\n")
        process.stdin.flush()
        # Its exit waits for the store (held), up to its timeout (10 s):
        # without that wait it would end in milliseconds, its queue lost.
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=1.0)
    finally:
        held.release()
    assert process.wait(timeout=30) == 0
    assert numbers(store) == list(range(10))


def test_a_process_that_ends_waits_for_a_store_that_is_down_no_longer_than_its_timeout(tmp_path):
    spec = StoreSpec("sqlite", str(tmp_path / "record.sqlite3"))
    store = open_store(spec, 1000, 1.0)
    store.prepare()
    held = Held(spec)
    try:
        process = exit_writer("threads", spec.target, 500)
        started = time.monotonic()
        process.stdin.write("end\n")
        process.stdin.flush()
        assert process.wait(timeout=30) == 0
        ended = time.monotonic() - started
    finally:
        held.release()
    # The write in progress gives up at its 0.5 s timeout, and the exit's
    # flush within 0.5 s of its start: about 0.5 s; 3 s leaves room for a
    # loaded machine.
    assert ended < 3.0, ended
    assert numbers(store) == []


GREENLET_FLUSHER = """
from gevent import monkey
monkey.patch_all()
import json, sqlite3, sys, time
import gevent
from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec

class Config:
    max_body_bytes, feed_listeners, store_timeout_ms = 65536, 4, 5000

path = sys.argv[1]
recording = Recording(Config(), open_store(StoreSpec("sqlite", path), 1000, 5.0), "test")
reader = sqlite3.connect(path)
def count():
    return reader.execute("SELECT count(*) FROM requests").fetchone()[0]
def yield_until(records):
    for _ in range(500):
        if count() >= records:
            break
        gevent.sleep(0.01)  # yields: the flusher runs
recording.write("GET", "/echo/0", json.dumps({"n": 0}))  # starts the flusher
yield_until(1)
recording.write("GET", "/echo/1", json.dumps({"n": 1}))
busy_until = time.perf_counter() + 0.2
while time.perf_counter() < busy_until:  # 0.2 s without yielding
    pass
before = count()
yield_until(2)
print(json.dumps({"before": before, "after": count()}))
"""


def test_under_gevent_the_flusher_is_a_greenlet_that_writes_when_others_yield(tmp_path):
    pytest.importorskip("gevent")
    path = str(tmp_path / "record.sqlite3")
    open_store(StoreSpec("sqlite", path), 1000, 1.0).prepare()
    result = script_result(GREENLET_FLUSHER, path, timeout=60)
    # The second record was not written while the writer held the CPU (a
    # thread of its own would have had 0.2 s), and was as soon as it yielded.
    assert result == {"before": 1, "after": 2}


STARVED_FLUSHER = """
from gevent import monkey
monkey.patch_all()
import json, sqlite3, sys
from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.record.write_behind import MAX_BATCH
from wsgi_echo.settings.converters import StoreSpec

class Config:
    max_body_bytes, feed_listeners, store_timeout_ms = 65536, 4, 5000

path, records = sys.argv[1], int(sys.argv[2])
recording = Recording(Config(), open_store(StoreSpec("sqlite", path), 100000, 5.0), "test")
for n in range(records):  # never yields: the flusher greenlet never runs
    assert recording.write("GET", "/echo/%d" % n, json.dumps({"n": n}))
written = sqlite3.connect(path).execute("SELECT count(*) FROM requests").fetchone()[0]
print(json.dumps({"written": written, "queued": len(recording.state.queue.queue),
                  "dropped": recording.dropped, "batch": MAX_BATCH}))
"""


def test_a_flusher_that_does_not_run_leaves_no_more_than_a_batch_queued(tmp_path):
    """Under gunicorn's gevent worker at full load a woken flusher can wait
    hundreds of milliseconds; the requests then write whole batches
    themselves, and nothing is dropped."""
    pytest.importorskip("gevent")
    path = str(tmp_path / "record.sqlite3")
    open_store(StoreSpec("sqlite", path), 100000, 1.0).prepare()
    records = 3000  # three times the queue's bound (QUEUE_BOUND)
    result = script_result(STARVED_FLUSHER, path, records, timeout=60)
    assert result["dropped"] == 0
    assert result["queued"] < result["batch"]
    assert result["written"] + result["queued"] == records
