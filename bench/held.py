"""The held-connection group: what clients that hold connections on purpose
cost everyone else, under every runner.

* ``held``: N holders (``held_load.HOLDS``: /httpbin/delay/5, /httpbin/sse,
  /httpbin/drip, a body trickled at a byte a second, an idle keep-alive
  connection, in equal shares), for N = the runner's threads, 100 and 1,000,
  while ordinary echo GETs arrive 50 a second; their p50/p99, their errors,
  what the holders were answered, and the server's RSS before and at its peak.
* ``tricklers``: 100 clients trickling headers or bodies a byte a second,
  ordinary GETs meanwhile, and when each trickler got its 408.

Each runner serves with one worker and the default threads and deadlines;
``max_connections`` is raised to 2,000 so that 1,000 holders and the
ordinary requests fit in one worker.  The load (``held_load``) runs pinned
to CPU 1, the server to CPU 0, as for wrk.
"""

import json
import os
import resource
import subprocess
import sys
import threading

from wsgi_echo import servers as runners
from wsgi_echo.testing.ini import write_settings
from wsgi_echo.testing.procfs import rss_bytes

from . import load, servers
from .rounds import selected
from .units import ms

THREADS = 8
HOLDERS = (0, THREADS, 100, 1000)  # 0: the ordinary requests alone, the reference
TRICKLERS = 100
SECONDS = 10
TRICKLE_SECONDS = 11  # past the body deadline (10 s), so every trickler is answered
FILES_WANTED = 8192  # a thousand holders on each side of loopback, and some


def raise_file_limit():
    """The soft limit on open files raised (within the hard one) for this
    process and the servers and load it starts: 1,000 holders are 1,000
    sockets in the load and 1,000 in the server."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FILES_WANTED if hard == resource.RLIM_INFINITY else min(FILES_WANTED, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def group_settings(workdir, docroot):
    return write_settings(
        os.path.join(workdir, "bench-held.ini"),
        server={"workers": 1, "threads": THREADS, "max_connections": 2000},
        static={"root": docroot},
        log={"access_log": ""},
    )


def run_load(server, holders, seconds, mix):
    """The load's summary, and the server's RSS before it and at its peak."""
    command = ["taskset", "-c", load.WRK_CPU, sys.executable, "-m", "bench.held_load"]
    command += [str(server.port), str(holders), str(seconds), mix]
    before = rss_bytes(server.pids())
    peak = [before]
    process = subprocess.Popen(
        command,
        cwd=servers.PROJECT,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=servers.PROJECT),
    )
    done = threading.Event()

    def sample():
        while not done.wait(0.5):  # the RSS sampling period
            peak[0] = max(peak[0], rss_bytes(server.pids()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=seconds + 60)
    finally:
        done.set()
        sampler.join()
        if process.poll() is None:
            process.kill()
            process.wait()
    lines = [line for line in output.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError("the held load printed no summary:\n" + output)
    summary = json.loads(lines[-1])
    summary.update(rss_before=before, rss_peak=peak[0])
    return summary


def kinds():
    return [kind for kind in runners.NAMES if selected("held | %s" % kind)]


def held(workdir, docroot):
    """Every runner, N = threads, 100 and 1,000 holders, then the tricklers."""
    raise_file_limit()
    settings_path = group_settings(workdir, docroot)
    rows, trickles = [], []

    def measured(kind, holders, seconds, mix):
        """One scenario on a server of its own."""
        server = servers.wsgi_echo("%s-%s-%d" % (mix, kind, holders), kind, settings_path, workdir)
        try:
            print("held: %s, %d %s ..." % (kind, holders, mix), flush=True)
            summary = run_load(server, holders, seconds, mix)
        finally:
            server.stop()
        summary.update(server=kind, holders=holders)
        print("  %s" % describe(summary), flush=True)
        return summary

    for kind in kinds():
        rows += [measured(kind, holders, SECONDS, "held") for holders in HOLDERS]
        trickles.append(measured(kind, TRICKLERS, TRICKLE_SECONDS, "trickle"))
    return {"held": rows, "tricklers": trickles}


def describe(summary):
    return "ordinary %d/%d, p50 %s ms, p99 %s ms, errors %s, held %s, RSS %.0f -> %.0f MB" % (
        summary["answered"],
        summary["ordinary"],
        ms(summary["p50_ms"]),
        ms(summary["p99_ms"]),
        summary["errors"] or 0,
        summary["held_statuses"],
        summary["rss_before"] / 1e6,
        summary["rss_peak"] / 1e6,
    )
