"""Hostile multipart bodies against the echo: what a post costs the server in
CPU, and what eight clients posting at once cost it in memory.

Bodies: 10,000 tiny parts in 1 MiB (past ``max_form_parts``, 1,000: refused
with a 413), 1,000 tiny parts (the cap), and 1,000 parts filling 1 MiB.
Each body gets a fresh server (resident memory only grows), one server at a
time (CPU is what is measured); on the first, also the CPU of 1,000, 500 and
1 tiny parts, a mean of 20 posts each, which says whether the cost of a part
is linear.  CPU is user + system time of the server and its workers from
/proc, read once the server is idle again.
"""

import collections
import http.client
import threading
import time

from wsgi_echo.testing.clients import request
from wsgi_echo.testing.procfs import rss_bytes

from .common import KINDS, idle_cpu_seconds, running

BOUNDARY = b"probe-boundary-7f3a"
HEADERS = {"Content-Type": "multipart/form-data; boundary=%s" % BOUNDARY.decode()}
HOSTILE_PARTS, HOSTILE_BYTES = 10_000, 1024 * 1024
POSTERS, POSTS_EACH = 8, 5
MEAN_OF = 20
SAMPLE_EVERY = 0.05  # seconds between memory readings while the posters run


def multipart_body(parts, total):
    """``parts`` fields in a body of ``total`` bytes (values padded evenly)."""
    heads = [
        b'--%s\r\nContent-Disposition: form-data; name="f%05d"\r\n\r\n' % (BOUNDARY, n)
        for n in range(parts)
    ]
    tail = b"--%s--\r\n" % BOUNDARY
    room = total - sum(len(head) + 2 for head in heads) - len(tail)
    if room < parts:
        raise ValueError("%d bytes cannot hold %d parts" % (total, parts))
    base, extra = divmod(room, parts)
    pieces = []
    for n, head in enumerate(heads):
        pieces += [head, b"v" * (base + (1 if n < extra else 0)), b"\r\n"]
    return b"".join(pieces) + tail


def post(server, body):
    """One post of ``body`` to the echo: (status or what went wrong, response size)."""
    try:
        status, _, data = request(server, "POST", "/echo/x", body, HEADERS, timeout=120)
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, 0
    return status, len(data)


def cpu_per_post(server, table, body, posts=1):
    """(last status, its response size, mean server CPU seconds per post)."""
    before = idle_cpu_seconds(server, table)
    for _ in range(posts):
        status, size = post(server, body)
    return status, size, (idle_cpu_seconds(server, table) - before) / posts


def posters(server, table, body):
    """POSTERS clients posting ``body`` POSTS_EACH times at once: (statuses,
    idle, peak and final resident bytes of the server's processes)."""
    statuses, lock, done = collections.Counter(), threading.Lock(), threading.Event()
    peak = [0]

    def sample():
        while not done.wait(SAMPLE_EVERY):
            peak[0] = max(peak[0], rss_bytes(server.pids()))

    def poster():
        for _ in range(POSTS_EACH):
            status = post(server, body)[0]
            with lock:
                statuses[status] += 1

    idle = rss_bytes(server.pids())
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=poster, daemon=True) for _ in range(POSTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    sampler.join()
    idle_cpu_seconds(server, table)  # the last posts' work is over
    final = rss_bytes(server.pids())
    return statuses, idle, max(peak[0], final), final


def mib(value):
    return "%.0f MiB" % (value / 1048576.0)


def run(table, workdir):
    tiny = HOSTILE_BYTES / HOSTILE_PARTS
    capped = multipart_body(1000, int(tiny * 1000))
    bodies = [
        ("10,000 tiny parts in 1 MiB", multipart_body(HOSTILE_PARTS, HOSTILE_BYTES)),
        ("1,000 tiny parts", capped),
        ("1,000 parts filling 1 MiB", multipart_body(1000, HOSTILE_BYTES)),
    ]
    linear = [
        (1000, capped),
        (500, multipart_body(500, int(tiny * 500))),
        (1, multipart_body(1, 200)),
    ]
    for kind in KINDS:
        for index, (label, body) in enumerate(bodies):
            with running(table, kind, "multipart", workdir) as server:
                post(server, multipart_body(3, 300))  # first-use imports, not counted
                status, size, cpu = cpu_per_post(server, table, body)
                table.record(
                    "multipart",
                    "%s, one post: status, response, CPU" % label,
                    kind,
                    "%s, %d bytes, %.0f ms CPU" % (status, size, cpu * 1000),
                )
                if index == 0:
                    means = [
                        cpu_per_post(server, table, data, MEAN_OF)[2] * 1000 for _, data in linear
                    ]
                    table.record(
                        "multipart",
                        "CPU per post, 1,000 / 500 / 1 tiny parts (mean of %d)" % MEAN_OF,
                        kind,
                        "%.1f / %.1f / %.1f ms" % tuple(means),
                    )
                started = time.monotonic()
                statuses, idle, peak, final = posters(server, table, body)
                table.record(
                    "multipart",
                    "%s, %d posters x %d: RSS peak / final" % (label, POSTERS, POSTS_EACH),
                    kind,
                    "%s / %s (idle %s; %s; %.1f s)"
                    % (
                        mib(peak),
                        mib(final),
                        mib(idle),
                        ", ".join("%s x%d" % item for item in sorted(statuses.items(), key=str)),
                        time.monotonic() - started,
                    ),
                )
