"""The benchmark's report: a markdown table with ratios, the targets checked,
the versions measured, and a bar chart of the ratios."""

import os
import platform
import subprocess
from importlib import metadata

from . import held_report
from .units import ms

TARGETS = [
    # (server, target, case, minimum ratio to the group's baseline: bare under the
    # same server, or for the recording group recording off)
    ("gunicorn", "wsgi-echo", "echo GET", 0.80),
    ("gunicorn", "wsgi-echo", "echo POST", 0.80),
    ("waitress", "wsgi-echo", "echo GET", 0.70),
    ("waitress", "wsgi-echo", "echo POST", 0.70),
    ("gunicorn", "wsgi-echo", "1 KB", 0.85),
    ("gunicorn", "wsgi-echo", "50 KB PNG", 0.85),
    ("gunicorn", "wsgi-echo", "httpbin GET", 0.75),
    ("gunicorn", "wsgi-echo", "httpbin POST", 0.75),
    ("waitress", "wsgi-echo", "httpbin GET", 0.75),
    ("waitress", "wsgi-echo", "httpbin POST", 0.75),
    # Recording on, against recording off (bench/recording.py), under gunicorn's
    # default worker (gevent) and under gthread.
    ("gunicorn-gevent recording", "sqlite", "echo GET", 0.85),
    ("gunicorn-gevent recording", "redis", "echo GET", 0.75),
    ("gunicorn recording", "sqlite", "echo GET", 0.85),
    ("gunicorn recording", "redis", "echo GET", 0.75),
]
# What a group's ratios are to, where it is not the bare app.
BASELINES = {"gunicorn-gevent recording": "recording off", "gunicorn recording": "recording off"}
# (server, case, minimum req/s as a multiple of the real httpbin's, same server and case)
HTTPBIN_TARGETS = [
    ("gunicorn", "httpbin GET", 2.5),
    ("gunicorn", "httpbin POST", 2.5),
    ("waitress", "httpbin GET", 2.5),
    ("waitress", "httpbin POST", 2.5),
]
PACKAGES = (
    "wsgi-echo",
    "webob",
    "gunicorn",
    "gevent",
    "waitress",
    "httpbin",
    "flask",
    "werkzeug",
    "whitenoise",
)


def _command_version(argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except OSError:
        return "not found"
    text = (result.stdout + result.stderr).strip().splitlines()
    return text[0] if text else "?"


def versions():
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["nginx"] = _command_version(["nginx", "-v"]).replace("nginx version: nginx/", "")
    found["wrk"] = (
        _command_version(["wrk", "--version"]).split(" Copyright")[0].replace("wrk ", "", 1)
    )
    found["kernel"] = platform.release()
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    found["cpu"] = "%s (%d cores)" % (cpu, os.cpu_count() or 0)
    return found


def _index(results):
    return {(row["server"], row["target"], row["case"]): row for row in results}


def ratio_to_httpbin(row, index):
    """Our req/s over the real httpbin's for the same server and case, or None."""
    if row["target"] != "wsgi-echo":
        return None
    peer = index.get((row["server"], "httpbin", row["case"]))
    return row["rps"] / peer["rps"] if peer and peer["rps"] else None


def check_targets(results):
    index = _index(results)
    lines = []
    for server, target, case, minimum in TARGETS:
        row = index.get((server, target, case))
        if row is None or row.get("ratio") is None:
            continue
        verdict = "met" if row["ratio"] >= minimum else "MISSED"
        lines.append(
            "- %s %s under %s: %.2fx %s (target %.2fx): %s"
            % (
                target,
                case,
                server,
                row["ratio"],
                BASELINES.get(server, "bare"),
                minimum,
                verdict,
            )
        )
    for server, case, minimum in HTTPBIN_TARGETS:
        row = index.get((server, "wsgi-echo", case))
        ratio = ratio_to_httpbin(row, index) if row else None
        if ratio is not None:
            lines.append(
                "- %s under %s: %.1fx httpbin's req/s (target %.1fx): %s"
                % (case, server, ratio, minimum, "met" if ratio >= minimum else "MISSED")
            )
    tls = [
        index.get(("gunicorn https", "wsgi-echo", case)) for case in ("echo GET h1", "echo GET h2")
    ]
    if all(tls):
        lines.append(
            "- echo GET over HTTPS under gunicorn: %.2fx bare HTTPS over HTTP/1.1, "
            "%.2fx over HTTP/2" % (tls[0]["ratio"], tls[1]["ratio"])
        )
    front = index.get(("nginx + 2 gunicorn", "nginx", "echo GET"))
    if front and front.get("ratio"):
        lines.append(
            "- echo GET through nginx before two gunicorn instances: %.2fx one instance "
            "without nginx (all on 2 CPUs)" % front["ratio"]
        )
    for case in ("1 KB", "50 KB PNG"):
        ours = index.get(("gunicorn", "wsgi-echo", case))
        peer = index.get(("gunicorn", "whitenoise", case))
        if ours and peer:
            lines.append(
                "- %s under gunicorn, wsgi-echo vs whitenoise: %.2fx (%s)"
                % (
                    case,
                    ours["rps"] / peer["rps"],
                    "ahead" if ours["rps"] > peer["rps"] else "BEHIND",
                )
            )
    ours = index.get(("gunicorn", "wsgi-echo", "10 MB"))
    native = index.get(("nginx", "nginx", "10 MB"))
    if ours and native:
        share = ours["mbps"] / native["mbps"]
        lines.append(
            "- 10 MB under gunicorn: %.0f MB/s, %.2fx nginx's %.0f MB/s (target 0.90x): %s"
            % (ours["mbps"], share, native["mbps"], "met" if share >= 0.9 else "MISSED")
        )
    for case in ("echo GET", "echo POST"):
        gevent = index.get(("gunicorn workers", "gevent", case))
        if gevent and gevent.get("ratio"):
            lines.append(
                "- %s under gunicorn's gevent worker: %.2fx the gthread worker's req/s, "
                "measured in the same rounds (target at least 1.00x): %s"
                % (case, gevent["ratio"], "met" if gevent["ratio"] >= 1.0 else "MISSED")
            )
    for server in ("gunicorn", "waitress"):
        ours = [index.get((server, "wsgi-echo", case)) for case in ("echo GET", "echo POST")]
        ratios = [ratio_to_httpbin(row, index) if row else None for row in ours]
        if all(ratios):
            lines.append(
                "- echo under %s: %.1fx / %.1fx httpbin's req/s (GET / POST)"
                % (server, ratios[0], ratios[1])
            )
    return lines


def markdown(results, memory, found_versions, stamp, elapsed, notes=(), held=None):
    """The report; ``notes``: more lines for its Targets section (the record's
    write cost); ``held``: the held-connection group's results."""
    out = [
        "# wsgi-echo benchmark, %s" % stamp,
        "",
        "## Throughput",
        "",
        "Server pinned to CPU 0, `wrk -t1 -c16` (keep-alive) pinned to CPU 1. Per case a "
        "1 s warm-up, then three rounds in which every case of the server group runs "
        "2 s in turn; req/s is the median run, the ratio the median of the per-round "
        "ratios to the bare WSGI app under the same server (nginx: to gunicorn's bare). "
        "Python servers: gunicorn `gthread`, 1 worker, 4 threads (`gunicorn-gevent`: its gevent "
        "worker, 1 worker); waitress 4 threads. "
        "Access logs off for every target. HTTPS rows: gunicorn with TLS, the bare app "
        "and wsgi-echo, HTTP/2 by h2load (4 connections, one per thread; no latency "
        "percentiles). The nginx + 2 gunicorn rows: the shipped deploy/nginx files in "
        "front of two instances pinned to CPU 0 and 1, against one instance on CPU 0 "
        "without nginx (so wrk, nginx and both instances share the two CPUs). "
        "The gunicorn recording rows: the echo GET with [record] off, on with SQLite and "
        "on with Redis (redis-server unpinned); their ratio is to recording off, not to "
        "bare. Every other wsgi-echo row runs with recording off, as before there was a "
        "record, so its ratio compares with earlier runs.",
        "",
        "| server | target | case | req/s | p50 ms | p99 ms | ratio to bare | ratio to httpbin "
        "| MB/s | server CPU % |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    index = _index(results)
    for row in results:
        ratio = "%.2f" % row["ratio"] if row.get("ratio") is not None else "-"
        to_httpbin = ratio_to_httpbin(row, index)
        errors = " (%d errors)" % row["errors"] if row["errors"] else ""
        out.append(
            "| %s | %s | %s | %.0f%s | %s | %s | %s | %s | %.1f | %.0f |"
            % (
                row["server"],
                row["target"],
                row["case"],
                row["rps"],
                errors,
                ms(row["p50_ms"], 2),
                ms(row["p99_ms"], 2),
                ratio,
                "%.2f" % to_httpbin if to_httpbin else "-",
                row["mbps"],
                row["cpu"],
            )
        )
    if held:
        out += held_report.markdown(held)
    targets = check_targets(results) + list(notes)
    if held:
        targets += held_report.check_targets(held)
    if targets or memory:
        out += ["", "## Targets", "", *targets]
    if memory:
        verdict = (
            "met" if memory["growth"] <= 0.10 and memory["rss_last_kb"] < 40 * 1024 else "MISSED"
        )
        out.append(
            "- memory: one gunicorn worker, %d mixed requests: RSS %.1f MB after the "
            "first %d, %.1f MB at the end (%+.1f%%; target within 10%% and under 40 MB): %s"
            % (
                memory["requests"],
                memory["rss_first_kb"] / 1024,
                memory["first_n"],
                memory["rss_last_kb"] / 1024,
                100 * memory["growth"],
                verdict,
            )
        )
    out += [
        "",
        "## Versions",
        "",
        ", ".join("%s %s" % item for item in found_versions.items()),
        "",
        "Whole run: %.0f s." % elapsed,
        "",
    ]
    return "\n".join(out)


def docs_page(markdown_text):
    """docs/benchmarks.md: a full run's report under the page's own title
    (a partial run, ``BENCH_ONLY``, does not write the page)."""
    body = markdown_text.split("\n", 1)[1]  # without the report's own title
    return (
        "# Benchmarks\n\n`make bench` writes this page: every figure on it comes from its "
        "latest full run (`bench/results/` keeps each run, partial ones too).\n%s" % body
    )
