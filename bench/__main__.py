"""Run the benchmark: every target, one after the other, in one run.

Each server runs on CPU 0 and wrk (-t1 -c16, keep-alive) on CPU 1.  A case
is a short warm-up and then three measured runs; the median run is reported.
Ratios compare a case with the bare WSGI app under the same server, so the
machine's speed cancels out.  Results go to bench/results/ as markdown and
a PNG chart.
"""

import functools
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

from wsgi_echo.testing.ini import write_settings as write_settings_file
from wsgi_echo.testing.procfs import rss_kb

from . import chart, groups, held, load, recording, report, servers
from .rounds import (
    ECHO_HEADERS,
    RUN_S,
    RUNS,
    WARMUP_S,
    Case,
    run_rounds,
    selected,
    server_label,
    wanted,
)

MEMORY_REQUESTS = 200_000
MEMORY_FIRST = 1_000
RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
# The docs' benchmarks page: the latest run's report, written here, never by hand.
DOCS_PAGE = os.path.join(servers.PROJECT, "docs", "benchmarks.md")

JSON_BODY = '{"data": "value", "n": 42, "list": [1, 2, 3]}'
JSON_HEADERS = {"Content-Type": "application/json"}
CLOSE = {"Connection": "close"}


BARE_CASES = [
    Case("GET", "/"),
    Case("POST JSON", "/", "POST", JSON_BODY, JSON_HEADERS, "POST JSON"),
    Case("GET close", "/", headers=CLOSE, baseline="GET close"),
]


def echo_cases(prefix):
    return [
        Case("echo GET", prefix + "/foo?a=b", headers=ECHO_HEADERS),
        Case("echo POST", prefix + "/foo", "POST", JSON_BODY, JSON_HEADERS, "POST JSON"),
    ]


def httpbin_cases(prefix):
    """httpbin's own routes: our httpbin app under ``prefix`` and the real
    httpbin at the root answer the same requests, so each row compares with
    bare and with httpbin.  They send what bare's cases send (no extra
    headers on the GET), so the ratio to bare is what the app and its stack cost,
    not the server's work on more request headers."""
    return [
        Case("httpbin GET", prefix + "/get?a=b"),
        Case("httpbin POST", prefix + "/post", "POST", JSON_BODY, JSON_HEADERS, "POST JSON"),
        Case("httpbin 418", prefix + "/status/418", status=418),
    ]


STATIC_CASES = [
    Case("1 KB", "/index.html"),
    Case("50 KB PNG", "/image.png"),
    Case("10 MB", "/large.txt"),
    Case("1 KB close", "/index.html", headers=CLOSE, baseline="GET close"),
]


# -- set-up --------------------------------------------------------------------------


def ensure_tools():
    tools = ("wrk", "nginx", "taskset", "h2load", "redis-server")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    packages = {
        "wrk": "wrk",
        "nginx": "nginx",
        "taskset": "util-linux",
        "h2load": "nghttp2-client",
        "redis-server": "redis-server",
    }
    names = sorted({packages[tool] for tool in missing})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing %s with apt-get ..." % " ".join(names), flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *names],
            check=True,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        return
    sys.exit(
        "make bench needs %s; install them first, e.g.: sudo apt-get install %s"
        % (", ".join(missing), " ".join(names))
    )


def png_bytes(width, height, seed=7):
    """A valid PNG of noisy pixels (so it does not compress away)."""
    state = seed
    rows = []
    for _ in range(height):
        row = bytearray([0])
        for _ in range(width * 3):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            row.append((state >> 16) & 0xFF)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def make_docroot(folder):
    os.makedirs(folder)
    page = "<!doctype html><title>bench</title><p>%s</p>\n"
    filler = "x" * (1024 - len(page % ""))
    with open(os.path.join(folder, "index.html"), "w") as handle:
        handle.write(page % filler)
    with open(os.path.join(folder, "image.png"), "wb") as handle:
        handle.write(png_bytes(128, 130))
    with open(os.path.join(folder, "large.txt"), "wb") as handle:
        line = b"wsgi-echo benchmark large file line\n"
        handle.write((line * (10 * 1024 * 1024 // len(line) + 1))[: 10 * 1024 * 1024])
    return folder


def write_settings(workdir, docroot):
    """The targets' settings, with recording off: the speed rows measure what
    they measured before there was a record, so their ratios compare with
    earlier runs; the recording group (``recording``) measures the record."""
    return write_settings_file(
        os.path.join(workdir, "bench-settings.ini"),
        server={"workers": 1, "threads": 4, "keepalive": 5},
        static={"root": docroot},
        log={"access_log": ""},
        record={"enabled": False},
    )


def speed(workdir, docroot, settings_path):
    """Per server, every target started (idle but one), then measured in rounds.
    nginx joins the gunicorn group, so the 10 MB comparison is interleaved too."""
    results = []
    env = {"BENCH_DOCROOT": docroot}
    for kind in ("gunicorn", "gunicorn-gevent", "waitress"):
        start = getattr(servers, kind.split("-")[0])
        if kind == "gunicorn-gevent":
            start = functools.partial(servers.gunicorn, worker="gevent")
        plan = [
            (
                "bare",
                lambda start=start: start("bare", "bench.apps:bare", workdir, env),
                BARE_CASES,
            ),
            (
                "wsgi-echo",
                lambda kind=kind: servers.wsgi_echo("wsgi-echo", kind, settings_path, workdir),
                echo_cases("/echo") + httpbin_cases("/httpbin") + STATIC_CASES,
            ),
            (
                "httpbin",
                lambda start=start: start("httpbin", "bench.apps:httpbin_app", workdir, env),
                echo_cases("/anything") + httpbin_cases(""),
            ),
            (
                "whitenoise",
                lambda start=start: start("whitenoise", "bench.apps:whitenoise_app", workdir, env),
                STATIC_CASES,
            ),
        ]
        if kind == "gunicorn":
            plan.append(("nginx", lambda: servers.nginx("nginx", docroot, workdir), STATIC_CASES))
        if kind == "gunicorn-gevent":
            # The worker against its own bare app and gthread's figures; the
            # peers' rows are gthread's and waitress's.
            plan = plan[:2]
        chosen = [
            (target, starter, cases)
            for target, starter, cases in plan
            if wanted(server_label(kind, target), target, cases)
        ]
        if not any(target != "bare" for target, _, _ in chosen):
            continue
        if chosen[0][0] != "bare":
            chosen.insert(0, plan[0])  # the baseline is always measured
        targets = []
        try:
            for target, starter, cases in chosen:
                targets.append((target, starter(), cases))
            print("%s: %s" % (kind, ", ".join(target for target, _, _ in targets)), flush=True)
            run_rounds(results, kind, targets, workdir)
        finally:
            for _, server, _ in targets:
                server.stop()
    return results


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


def main():
    if not sys.platform.startswith("linux"):
        sys.exit("make bench runs on Linux (it pins processes with taskset and reads /proc)")
    ensure_tools()
    os.makedirs(RESULTS, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wsgi-echo-bench-") as workdir:
        docroot = make_docroot(os.path.join(workdir, "docroot"))
        settings_path = write_settings(workdir, docroot)
        print(
            "speed: server on CPU %s, wrk -t1 -c16 on CPU %s, %ds warm-up + %d x %ds per case"
            % (servers.SERVER_CPU, load.WRK_CPU, WARMUP_S, RUNS, RUN_S),
            flush=True,
        )
        results = speed(workdir, docroot, settings_path)
        results += groups.https(workdir, settings_path)
        results += groups.behind_nginx(workdir, settings_path)
        recorded, notes = recording.recording(workdir, settings_path)
        results += recorded
        results += groups.workers(workdir, settings_path)
        held_result = held.held(workdir, docroot) if held.kinds() else None
        memory_result = None
        if selected("memory"):
            print(
                "memory: %d mixed requests to one gunicorn worker ..." % MEMORY_REQUESTS, flush=True
            )
            memory_result = memory(workdir, settings_path)
    elapsed = time.monotonic() - started
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    markdown = report.markdown(
        results, memory_result, report.versions(), stamp, elapsed, notes, held_result
    )
    base = os.path.join(RESULTS, "bench-" + time.strftime("%Y%m%d-%H%M%S", time.gmtime()))
    with open(base + ".md", "w") as handle:
        handle.write(markdown)
    charted = chart.chart(results, base + ".png")
    for suffix in (".md", ".png"):
        if os.path.exists(base + suffix):
            shutil.copyfile(base + suffix, os.path.join(RESULTS, "latest" + suffix))
    with open(DOCS_PAGE, "w") as handle:
        handle.write(report.docs_page(markdown))
    print()
    print(markdown)
    print("saved %s.md%s (%.0f s)" % (base, " and .png" if charted else "", elapsed))


if __name__ == "__main__":
    main()
