"""The memory row: 200,000 mixed requests to one gunicorn worker, and its
resident memory after the first 1,000 and at the end."""

import os

from wsgi_echo.testing.procfs import rss_kb

from . import load, servers
from .rounds import ECHO_HEADERS
from .speed import JSON_BODY, JSON_HEADERS

MEMORY_REQUESTS = 200_000
MEMORY_FIRST = 1_000


def memory(workdir, settings_path):
    """200,000 mixed requests to one gunicorn worker; its RSS after the first
    1,000 and at the end."""
    server = servers.wsgi_echo("wsgi-echo-memory", "gunicorn", settings_path, workdir)
    try:
        worker = max(server.children())  # the gunicorn worker (the master's only child)
        mix = [
            ("GET", "/echo/foo?a=b", None, ECHO_HEADERS),
            ("POST", "/echo/foo", JSON_BODY, JSON_HEADERS),
            ("GET", "/index.html", None, {}),
            ("GET", "/image.png", None, {}),
            ("GET", "/missing.html", None, {}),
            ("GET", "/secret.py", None, {}),
        ]
        done = 0
        readings = {}
        for limit in (MEMORY_FIRST, MEMORY_REQUESTS - MEMORY_FIRST):
            script = os.path.join(workdir, "memory.lua")
            with open(script, "w") as handle:
                handle.write(load.mixed_requests_script(mix, limit))
            summary = load.run_wrk_until_limit(server.url + "/", script, max_seconds=300)
            done += summary["requests"]
            readings[done] = rss_kb(worker)
        first, last = readings[min(readings)], readings[max(readings)]
        return {
            "requests": done,
            "first_n": min(readings),
            "rss_first_kb": first,
            "rss_last_kb": last,
            "growth": (last - first) / first,
            "worker": worker,
        }
    finally:
        server.stop()
