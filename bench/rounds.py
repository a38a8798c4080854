"""Measuring: a case is one kind of request to one target; every case of a
group is measured round after round, and each ratio is the median of
per-round ratios to the group's baseline (see ``run_rounds``)."""

import http.client
import os
import statistics
import time
from dataclasses import dataclass, field

from . import load
from .proc import cpu_seconds
from .units import ms

WARMUP_S = 1
RUN_S = 2
RUNS = 3


@dataclass
class Case:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    baseline: str = "GET"  # which case of the group's baseline this one is compared with
    status: int = 200
    tool: str = "wrk"  # or "h2load", for HTTP/2
    connections: int = 16


# The request headers of every echo case: what a typical API client sends.
ECHO_HEADERS = {
    "Accept": "application/json",
    "User-Agent": "bench/1.0",
    "X-Request-Id": "5f0c2a",
    "Cookie": "session=abc123; theme=dark",
}


def partial_run():
    """Whether ``BENCH_ONLY`` chose some groups (a partial run)."""
    return bool(os.environ.get("BENCH_ONLY", "").strip())


def selected(name):
    if not partial_run():
        return True
    only = os.environ["BENCH_ONLY"].strip()
    return any(word.strip().lower() in name.lower() for word in only.split(",") if word.strip())


# -- measuring ------------------------------------------------------------------------


def check(server, case):
    """One request first: the case must answer what we think it answers."""
    if server.url.startswith("https"):
        import ssl

        connection = http.client.HTTPSConnection(
            "127.0.0.1", server.port, timeout=30, context=ssl._create_unverified_context()
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request(case.method, case.path, body=case.body, headers=case.headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != case.status:
        raise RuntimeError("%s %s answered %d" % (server.name, case.path, response.status))
    return len(body)


def write_script(workdir, number, case):
    path = os.path.join(workdir, "case-%d.lua" % number)
    with open(path, "w") as handle:
        handle.write(load.single_request_script(case.method, case.body, case.headers))
    return path


def one_run(server, url, script, seconds, case):
    """One measured wrk run; answers other than 2xx count as errors unless the
    case expects one (``/status/418``)."""
    cpu_before, wall_before = cpu_seconds(server.pids()), time.monotonic()
    if case.tool == "h2load":
        summary = load.run_h2load(url, case.headers, seconds, case.connections)
    else:
        summary = load.run_wrk(url, script, seconds, case.connections)
    cpu = cpu_seconds(server.pids()) - cpu_before
    wall = time.monotonic() - wall_before
    seconds = summary["duration_us"] / 1e6
    return {
        "rps": summary["requests"] / seconds,
        "p50_ms": summary["p50_us"] / 1000.0 if summary["p50_us"] is not None else None,
        "p99_ms": summary["p99_us"] / 1000.0 if summary["p99_us"] is not None else None,
        "mbps": summary["bytes"] / seconds / 1e6,
        "cpu": 100.0 * cpu / wall,
        "errors": summary["errors"] + (summary["non2xx"] if case.status < 300 else 0),
    }


def server_label(kind, target):
    return "nginx" if target == "nginx" else kind


def wanted(server_kind, target, cases):
    return any(selected("%s | %s | %s" % (server_kind, target, case.name)) for case in cases)


def run_rounds(results, kind, targets, workdir, baseline="bare", label_of=None):
    """Measure every case of every target, round after round.

    Each round runs each case once, so a case and the bare app it is
    compared with are measured a few seconds apart, again and again; the
    ratio is the median of the per-round ratios, which drift on a shared
    machine (often 10-30% over minutes) does not move the way it moves a
    ratio of two numbers taken minutes apart.
    """
    label_of = label_of or server_label
    plan = []
    for target, server, cases in targets:
        for case in cases:
            label = "%s | %s | %s" % (label_of(kind, target), target, case.name)
            if selected(label) or target == baseline:
                check(server, case)
                script = write_script(workdir, len(plan), case)
                one_run(server, server.url + case.path, script, WARMUP_S, case)  # warm-up
                plan.append((label, target, server, case, script))
    samples = {label: [] for label, *_ in plan}
    for _round_number in range(RUNS):
        for label, _target, server, case, script in plan:
            samples[label].append(one_run(server, server.url + case.path, script, RUN_S, case))
    bare = {case.name: samples[label] for label, target, _, case, _ in plan if target == baseline}
    for label, target, _server, case, _script in plan:
        runs = samples[label]
        ordered = sorted(runs, key=lambda run: run["rps"])
        row = dict(ordered[len(ordered) // 2])
        row.update(
            server=label_of(kind, target),
            target=target,
            case=case.name,
            baseline=case.baseline,
            rps_runs=[round(r["rps"]) for r in runs],
            mbps=statistics.median(run["mbps"] for run in runs),
            cpu=statistics.median(run["cpu"] for run in runs),
        )
        base_runs = bare.get(case.baseline)
        row["ratio"] = (
            statistics.median(
                run["rps"] / base["rps"] for run, base in zip(runs, base_runs, strict=True)
            )
            if base_runs
            else None
        )
        results.append(row)
        print(
            "  %-44s %8.0f req/s  p50 %s  p99 %s  %7.1f MB/s  cpu %3.0f%%  %s"
            % (
                label,
                row["rps"],
                ms(row["p50_ms"], 2, 6) + " ms",
                ms(row["p99_ms"], 2, 6) + " ms",
                row["mbps"],
                row["cpu"],
                "ratio %.2f" % row["ratio"] if row["ratio"] else "",
            ),
            flush=True,
        )
