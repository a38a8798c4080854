"""Run the benchmark: every target, one after the other, in one run.

Each server runs on CPU 0 and wrk (-t1 -c16, keep-alive) on CPU 1.  A case
is a short warm-up and then three measured runs; the median run is reported.
Ratios compare a case with the bare WSGI app under the same server, so the
machine's speed cancels out.  Results go to bench/results/ as markdown and
a PNG chart.
"""

import os
import shutil
import sys
import tempfile
import time

from . import chart, groups, held, load, memory, recording, report, servers
from .prepare import ensure_tools, make_docroot, write_settings
from .rounds import RUN_S, RUNS, WARMUP_S, partial_run, selected
from .speed import speed

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
# The docs' benchmarks page: the latest full run's report, written here, never
# by hand.  Only a full run writes it: a BENCH_ONLY run measures some groups
# and would replace the whole page with a part of it, so it writes
# bench/results/ only.
DOCS_PAGE = os.path.join(servers.PROJECT, "docs", "benchmarks.md")


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
                "memory: %d mixed requests to one gunicorn worker ..." % memory.MEMORY_REQUESTS,
                flush=True,
            )
            memory_result = memory.memory(workdir, settings_path)
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
    if not partial_run():
        with open(DOCS_PAGE, "w") as handle:
            handle.write(report.docs_page(markdown))
    print()
    print(markdown)
    print("saved %s.md%s (%.0f s)" % (base, " and .png" if charted else "", elapsed))
    if partial_run():
        print("a BENCH_ONLY run: %s left as it was" % os.path.relpath(DOCS_PAGE, servers.PROJECT))


if __name__ == "__main__":
    main()
