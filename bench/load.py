"""The load generator: wrk pinned to CPU 1, driven by a generated Lua script
whose ``done`` hook prints the summary as one JSON line."""

import json
import re
import signal
import subprocess

WRK_CPU = "1"

SUMMARY = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "non2xx": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def single_request_script(method="GET", body=None, headers=None):
    lines = ["wrk.method = %s" % lua_string(method)]
    if body is not None:
        lines.append("wrk.body = %s" % lua_string(body))
    for name, value in (headers or {}).items():
        lines.append("wrk.headers[%s] = %s" % (lua_string(name), lua_string(value)))
    return "\n".join(lines) + "\n" + SUMMARY


def mixed_requests_script(requests, limit):
    """Cycle through ``requests`` (method, path, body, headers) and stop after
    ``limit`` responses: a count-bounded run, which wrk alone cannot do."""
    entries = []
    for method, path, body, headers in requests:
        header_table = (
            "{"
            + ", ".join(
                "[%s] = %s" % (lua_string(k), lua_string(v)) for k, v in (headers or {}).items()
            )
            + "}"
        )
        entries.append(
            "{%s, %s, %s, %s}"
            % (
                lua_string(method),
                lua_string(path),
                lua_string(body) if body is not None else "nil",
                header_table,
            )
        )
    return (
        """
local reqs = {%s}
local i = 0
local count = 0
local limit = %d
request = function()
  i = i %% #reqs + 1
  local r = reqs[i]
  return wrk.format(r[1], r[2], r[4], r[3])
end
response = function(status, headers, body)
  count = count + 1
  if count == limit then
    io.write("LIMIT REACHED\\n")
    io.flush()
    wrk.thread:stop()
  end
end
"""
        % (", ".join(entries), limit)
        + SUMMARY
    )


def wrk_command(url, script_path, seconds, connections, timeout_s):
    """wrk, one thread pinned to its own core, running ``script_path``."""
    return [
        "taskset",
        "-c",
        WRK_CPU,
        "wrk",
        "-t1",
        "-c%d" % connections,
        "-d%ds" % seconds,
        "--timeout",
        "%ds" % timeout_s,
        "-s",
        script_path,
        url,
    ]


def wrk_summary(output):
    """The summary dict the script printed as a line of JSON."""
    for line in output.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("wrk printed no summary:\n" + output)


def run_wrk(url, script_path, seconds, connections=16, timeout_s=10):
    """One wrk run; returns the parsed summary dict."""
    command = wrk_command(url, script_path, seconds, connections, timeout_s)
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + timeout_s + 30
    ).stdout
    return wrk_summary(output)


def run_wrk_until_limit(url, script_path, max_seconds, connections=16):
    """Run a ``mixed_requests_script`` until its limit: wrk's own stop only
    stops sending and still waits out ``-d``, so the script says when the
    limit is reached and wrk is interrupted (it reports on SIGINT)."""
    command = wrk_command(url, script_path, max_seconds, connections, 10)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if line.startswith("LIMIT REACHED"):
                process.send_signal(signal.SIGINT)
                break
        output = process.stdout.read()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return wrk_summary(output)


_H2LOAD_FINISHED = re.compile(r"finished in ([0-9.]+)s, ([0-9.]+) req/s, ([0-9.]+)([KMG]?)B/s")
_H2LOAD_REQUESTS = re.compile(
    r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, "
    r"(\d+) failed, (\d+) errored, (\d+) timeout"
)
_H2LOAD_STATUS = re.compile(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx")
_UNITS = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}


def run_h2load(url, headers, seconds, connections=16):
    """One HTTP/2 run with h2load (one stream per connection at a time, like
    wrk's connections); returns what ``run_wrk`` returns, without latency
    percentiles, which h2load does not print."""
    command = [
        "taskset",
        "-c",
        WRK_CPU,
        "h2load",
        "-c",
        str(connections),
        "-m",
        "1",
        "-t",
        "1",
        "-D",
        str(seconds),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", "%s: %s" % (name, value)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    finished, counts, statuses = (
        pattern.search(output) for pattern in (_H2LOAD_FINISHED, _H2LOAD_REQUESTS, _H2LOAD_STATUS)
    )
    if not (finished and counts and statuses):
        raise RuntimeError("h2load printed no summary:\n" + output)
    duration = float(finished.group(1))
    rate = float(finished.group(3)) * _UNITS[finished.group(4)]
    done = int(counts.group(2))
    return {
        "requests": done,
        "duration_us": int(duration * 1e6),
        "bytes": int(rate * duration),
        "errors": sum(int(counts.group(n)) for n in (4, 5, 6)),
        # h2load counts the status of a request cut off at the end of
        # the run, not its completion: more 2xx than done is none missing.
        "non2xx": max(done - int(statuses.group(1)), 0),
        "p50_us": None,
        "p99_us": None,
    }
