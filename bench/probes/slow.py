"""Slow clients against the default deadlines (``body_timeout`` 10 s,
``header_timeout`` 5 s) and threads: how long normal requests wait while
clients trickle a byte a second, and when the servers cut the tricklers off.

* ``body``: 16 clients trickle a 100 KB body, 7 normal GETs 1.4 s apart;
* ``headers``: 16 clients trickle a 4 KB header, 20 normal GETs 0.5 s apart;
* ``110 headers``: the same with 110 clients, more than waitress's own
  connection limit (100) and within ``max_connections``.

A normal request counts as answered when it is within 10 s; tricklers are
watched until the server closes them or the scenario's cap.  Both servers
run each scenario at the same time (they wait, they do not compute).
"""

import collections
import http.client
import threading
import time

from wsgi_echo.testing.clients import at_once, request
from wsgi_echo.testing.trickle import Trickler
from wsgi_echo.testing.waiting import WaitTimeout, wait_for

from ..proc import connections
from .common import started, stop

NORMAL_TIMEOUT = 10.0
PACE = 1.0  # seconds between a trickler's bytes: a slow client's speed
BODY_HEAD = (
    b"POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 100000\r\n\r\n"
)
HEADER_REST = b"GET /echo/slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"h" * 4000
SCENARIOS = (
    (
        "body",
        "16 body tricklers, 7 GETs 1.4 s apart",
        dict(count=16, head=BODY_HEAD, rest=b"b" * 100000, normal=7, interval=1.4, cap=30),
    ),
    (
        "headers",
        "16 header tricklers, 20 GETs 0.5 s apart",
        dict(count=16, head=b"", rest=HEADER_REST, normal=20, interval=0.5, cap=20),
    ),
    (
        "110 headers",
        "110 header tricklers, 20 GETs 0.5 s apart",
        dict(count=110, head=b"", rest=HEADER_REST, normal=20, interval=0.5, cap=20),
    ),
)


def normal_requests(server, count, interval):
    """``count`` GETs, each on a connection and thread of its own, ``interval``
    seconds apart: their latencies (None: not answered 200 within the limit)."""
    latencies = [None] * count

    def one(index):
        began = time.monotonic()
        try:
            status = request(server, "GET", "/echo/normal", timeout=NORMAL_TIMEOUT)[0]
        except (OSError, http.client.HTTPException):
            return
        took = time.monotonic() - began
        if status == 200 and took <= NORMAL_TIMEOUT:
            latencies[index] = took

    threads = []
    for index in range(count):
        threads.append(threading.Thread(target=one, args=(index,), daemon=True))
        threads[-1].start()
        if index < count - 1:
            time.sleep(interval)  # spreads the requests over the scenario: load pacing
    for thread in threads:
        thread.join(NORMAL_TIMEOUT + 5)
    return latencies


def normal_summary(latencies):
    answered = [latency for latency in latencies if latency is not None]
    text = "%d/%d" % (len(answered), len(latencies))
    if answered:
        text += ", worst %.2f s" % max(answered)
    return text


def trickler_summary(tricklers, cap):
    closed = sorted(c.closed_after for c in tricklers.connections if c.closed_after is not None)
    statuses = collections.Counter(
        c.status for c in tricklers.connections if c.closed_after is not None
    )
    said = ", ".join(
        "%s x%d" % (status or "no answer", count)
        for status, count in sorted(statuses.items(), key=str)
    )
    total = len(tricklers.connections)
    if not closed:
        return "0/%d closed, all open at %d s" % (total, cap)
    span = (
        "%.1f s" % closed[0]
        if closed[-1] - closed[0] < 0.05
        else "%.1f-%.1f s" % (closed[0], closed[-1])
    )
    return "%d/%d closed after %s [%s]" % (len(closed), total, span, said)


def scenario(server, count, head, rest, normal, interval, cap):
    """(normal requests, tricklers, connections per process) for one scenario."""
    with Trickler(server, head, rest, count=count, interval=PACE, cap=cap) as tricklers:
        try:  # every trickler accepted: then they hold what they hold
            wait_for(
                lambda: sum(connections(server.pids(), server.port).values()) >= count,
                timeout=10,
                what="%d connections accepted" % count,
            )
        except WaitTimeout:
            pass  # a server may hold fewer: the spread below says how many
        spread = sorted(connections(server.pids(), server.port).values(), reverse=True)
        latencies = normal_requests(server, normal, interval)
        tricklers.join(cap)
    held = "+".join(str(count) for count in spread if count)
    return normal_summary(latencies), trickler_summary(tricklers, cap), held or "0"


def run(table, workdir):
    for name, label, options in SCENARIOS:
        servers = started(table, "slow-" + name.replace(" ", "-"), workdir)
        try:
            results = at_once(lambda server, options=options: scenario(server, **options), servers)
        finally:
            for server in servers.values():
                stop(server, table)
        for kind, (normal, tricklers, held) in results.items():
            table.record(name, label + ": GETs answered <= 10 s", kind, normal)
            table.record(name, label + ": tricklers", kind, tricklers)
            table.record(name, label + ": connections held per process", kind, held)
