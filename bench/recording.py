"""The recording group: what the record costs the echo under gunicorn.

Three wsgi-echo instances, the bench's settings with ``[record]`` set three
ways: off (the baseline), on with the SQLite store (the default) and on with
the Redis store (a redis-server on loopback, not pinned: it shares the
machine with wrk, as a store on another host would not).  The case is the
echo GET every speed group measures.  Besides the ratios, the cost of one
record write, two ways: from the rates (1/on - 1/off per request, what the
server spends on it, GIL and all), and timed alone (one record, taken from
the live server's own record, written 3,000 times to each store in this
process, the median).
"""

import json
import os
import statistics
import time

from wsgi_echo.record.stores import open_store
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing.ini import settings_text
from wsgi_echo.testing.redis_server import RedisServer, find

from . import servers
from .rounds import ECHO_HEADERS, Case, check, run_rounds, wanted

GROUP = "gunicorn recording"
CASE = Case("echo GET", "/echo/foo?a=b", headers=ECHO_HEADERS, baseline="echo GET")
WRITES = 3000


def _settings(workdir, base, name, record):
    path = os.path.join(workdir, "bench-record-%s.ini" % name)
    with open(base) as source, open(path, "w") as target:
        target.write(source.read().split("[record]")[0] + settings_text(record=record))
    return path


def _write_cost(spec, text):
    """Median microseconds of one ``add`` of ``text`` to the store ``spec``."""
    store = open_store(spec, 1000, 2.0)
    store.prepare()
    times = []
    for _ in range(WRITES):
        started = time.perf_counter()
        store.add("GET", "/echo/foo", text)
        times.append(time.perf_counter() - started)
    store.close()
    return statistics.median(times) * 1e6


def recording(workdir, settings_path):
    """Rows for the report, and lines on the write cost."""
    if not wanted(GROUP, "recording", [CASE]) or find() is None:
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
    results, started = [], []
    try:
        for name, record in plans:
            path = _settings(workdir, settings_path, name, record)
            started.append(
                (name, servers.wsgi_echo("rec-" + name, "gunicorn", path, workdir), [CASE])
            )
        print("%s: off, sqlite, redis" % GROUP, flush=True)
        run_rounds(
            results, "gunicorn", started, workdir, baseline="recording off",
            label_of=lambda kind, target: GROUP,
        )  # fmt: skip
        sqlite_server = started[1][1]
        check(sqlite_server, CASE)
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", sqlite_server.port, timeout=10)
        connection.request("GET", "/_requests?limit=1")
        sample = json.loads(connection.getresponse().read())["requests"][0]
        connection.close()
        sample.pop("id")
        text = json.dumps(sample, separators=(",", ":"))
        alone = {
            "sqlite": _write_cost(
                StoreSpec("sqlite", os.path.join(workdir, "alone.sqlite3")), text
            ),
            "redis": _write_cost(StoreSpec("redis", redis.url_for(1)), text),
        }
    finally:
        for _, server, _ in started:
            server.stop()
        redis.stop()
    rates = {row["target"]: row["rps"] for row in results}
    lines = []
    for store in ("sqlite", "redis"):
        if rates.get(store) and rates.get("recording off"):
            per_request = (1 / rates[store] - 1 / rates["recording off"]) * 1e6
            lines.append(
                "- one record's write, %s: %.0f us per request from the rates, %.0f us "
                "timed alone (%d writes of a %d-byte record, median)"
                % (store, per_request, alone[store], WRITES, len(text))
            )
    return results, lines
