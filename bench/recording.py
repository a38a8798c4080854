"""The recording group: what the record costs the echo under gunicorn, with
its default worker (gevent) and with gthread.

Three wsgi-echo instances, the bench's settings with ``[record]`` set three
ways: off (the baseline), on with the SQLite store (the default) and on with
the Redis store (a redis-server on loopback, not pinned: it shares the
machine with wrk, as a store on another host would not).  The case is the
echo GET every speed group measures; the ratios are to recording off.

Besides the ratios, what recording costs per request, three ways: from the
rates (1/on - 1/off, what the server spends on it, GIL and all), from the
server's CPU time per request (on - off: the same where the server had its
CPU to itself, steadier where it did not), and its two parts timed alone
in this process, for one record taken from the live server's own record:
what a request pays to queue it (``Recording.write``, the median of
900, the flusher running behind), and the flusher's write of it, in a
batch of one (the median of 3,000 writes) and in batches of ``BATCH``
(the mean per record), the size a flush interval gathers at a few
thousand requests a second.
"""

import json
import os
import statistics
import time

from wsgi_echo.record.recording import Recording
from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing.clients import get_json
from wsgi_echo.testing.ini import settings_text
from wsgi_echo.testing.redis_server import RedisServer, find

from . import servers
from .rounds import ECHO_HEADERS, Case, check, run_rounds, wanted

# The runners measured, the default first: a group (a label) each.
RUNNERS = ("gunicorn-gevent", "gunicorn")
GROUPS = tuple("%s recording" % runner for runner in RUNNERS)
GROUP = GROUPS[0]
CASE = Case("echo GET", "/echo/foo?a=b", headers=ECHO_HEADERS, baseline="echo GET")
WRITES = 3000
QUEUED = 900  # records queued in the timing: under the queue's bound (QUEUE_BOUND)
BATCH = 32


class _Config:
    """The ``[record]`` settings a Recording reads besides its store."""

    max_body_bytes, feed_listeners, store_timeout_ms = 65536, 4, 2000


def _settings(workdir, base, name, record):
    path = os.path.join(workdir, "bench-record-%s.ini" % name)
    with open(base) as source, open(path, "w") as target:
        target.write(source.read().split("[record]")[0] + settings_text(record=record))
    return path


def _median_us(calls, call):
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def _write_cost(spec, text):
    """Microseconds: queueing ``text`` (the median), the store's write of it
    alone (the median), and per record in batches of ``BATCH`` (the mean)."""
    store = open_store(spec, 1000, 2.0)
    store.prepare()
    recording = Recording(_Config(), store, "bench")
    queued = _median_us(QUEUED, lambda: recording.write("GET", "/echo/foo", text))
    assert recording.dropped == 0
    recording.settle()
    record = ("GET", "/echo/foo", text)
    alone = _median_us(WRITES, lambda: store.write([record]))
    batch = [record] * BATCH
    started = time.perf_counter()
    for _ in range(WRITES // BATCH):
        store.write(batch)
    batched = (time.perf_counter() - started) / (WRITES // BATCH * BATCH) * 1e6
    store.close()
    return queued, alone, batched


def recording(workdir, settings_path):
    """Rows for the report, and lines on the write cost."""
    if not any(wanted(group, "recording", [CASE]) for group in GROUPS) or find() is None:
        return [], [
            "- recording group skipped: %s" % ("not selected" if find() else "no redis-server")
        ]
    redis = RedisServer(workdir)
    sqlite_file = os.path.join(workdir, "bench-record.sqlite3")
    plans = [
        ("recording off", {"enabled": "false"}),
        ("sqlite", {"store": "sqlite:" + sqlite_file}),
        ("redis", {"store": redis.url}),
    ]
    results, text, dropped = [], None, {}
    try:
        for runner, group in zip(RUNNERS, GROUPS, strict=True):
            if not wanted(group, "recording", [CASE]):
                continue
            started = []
            try:
                for name, record in plans:
                    path = _settings(workdir, settings_path, name, record)
                    started.append(
                        (name, servers.wsgi_echo("rec-" + name, runner, path, workdir), [CASE])
                    )
                print("%s: off, sqlite, redis" % group, flush=True)
                run_rounds(
                    results, runner, started, workdir, baseline="recording off",
                    label_of=lambda kind, target, group=group: group,
                )  # fmt: skip
                for name, server, _ in started[1:]:
                    last = _last_record(server)
                    dropped[group, name] = last["dropped"]
                    if text is None:  # the SQLite server's, as the store writes it
                        sample = last["requests"][0]
                        sample.pop("id")
                        text = json.dumps(sample, separators=(",", ":"))
            finally:
                for _, server, _ in started:
                    server.stop()
        alone = {
            "sqlite": _write_cost(
                StoreSpec("sqlite", os.path.join(workdir, "alone.sqlite3")), text
            ),
            "redis": _write_cost(StoreSpec("redis", redis.url_for(1)), text),
        }
    finally:
        redis.stop()
    lines = []
    for group in GROUPS:
        by_target = {row["target"]: row for row in results if row["server"] == group}
        off = by_target.get("recording off")
        for store in ("sqlite", "redis"):
            on = by_target.get(store)
            if not (on and off and on["rps"] and off["rps"]):
                continue
            per_request = (1 / on["rps"] - 1 / off["rps"]) * 1e6
            cpu = (on["cpu"] / on["rps"] - off["cpu"] / off["rps"]) * 1e4  # cpu is in %
            queued, single, batched = alone[store]
            lines.append(
                "- %s with %s, per request: %.0f us from the rates, %.0f us of server CPU; "
                "timed alone (a %d-byte record): %.1f us to queue it (median of %d), the "
                "store's write %.0f us for a batch of one (median of %d), %.1f us per record "
                "in batches of %d; records dropped in the run: %d"
                % (group, store, per_request, cpu, len(text), queued, QUEUED, single, WRITES,
                   batched, BATCH, dropped[group, store])
            )  # fmt: skip
    return results, lines


def _last_record(server):
    """The record's list answer, its last record (one the case just made) and
    the records the server dropped: a ratio is only worth its rows if none
    were (a record dropped is a write not paid for)."""
    check(server, CASE)
    return get_json(server, "GET", "/_requests?limit=1")[2]
