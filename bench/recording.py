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
CPU to itself, steadier where it did not), and the store's write timed
alone in this process, for one record taken from the live server's own
record: written 3,000 times by one thread (the median; each write is a
commit of its own), and by four threads at once (the mean per record,
with the records per commit the group commit made).
"""

import json
import os
import statistics
import threading
import time

from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec
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
THREADS = 4


def _settings(workdir, base, name, record):
    path = os.path.join(workdir, "bench-record-%s.ini" % name)
    with open(base) as source, open(path, "w") as target:
        target.write(source.read().split("[record]")[0] + settings_text(record=record))
    return path


def _write_cost(spec, text):
    """Microseconds of one ``add`` of ``text`` to the store ``spec``: the
    median of one writer's, and the mean per record of ``THREADS`` writers
    at once, with their records per commit."""
    store = open_store(spec, 1000, 2.0)
    store.prepare()
    times = []
    for _ in range(WRITES):
        started = time.perf_counter()
        store.add("GET", "/echo/foo", text)
        times.append(time.perf_counter() - started)
    alone = statistics.median(times) * 1e6
    batches = store.group.batches

    def write():
        for _ in range(WRITES // THREADS):
            store.add("GET", "/echo/foo", text)

    writers = [threading.Thread(target=write) for _ in range(THREADS)]
    started = time.perf_counter()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    records = WRITES // THREADS * THREADS
    together = (time.perf_counter() - started) / records * 1e6
    per_commit = records / (store.group.batches - batches)
    store.close()
    return alone, together, per_commit


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
    results, text = [], None
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
                if text is None:
                    text = _sample_record(started[1][1])
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
            single, together, per_commit = alone[store]
            lines.append(
                "- %s with %s, per request: %.0f us from the rates, %.0f us of server CPU; "
                "the store's write timed alone (a %d-byte record): %.0f us for one writer "
                "(median of %d), %.0f us per record for %d writers at once (%.1f records "
                "per commit)"
                % (group, store, per_request, cpu, len(text), single, WRITES, together,
                   THREADS, per_commit)
            )  # fmt: skip
    return results, lines


def _sample_record(server):
    """One record the live server kept, as the store writes it (without its id)."""
    check(server, CASE)
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/_requests?limit=1")
    sample = json.loads(connection.getresponse().read())["requests"][0]
    connection.close()
    sample.pop("id")
    return json.dumps(sample, separators=(",", ":"))
