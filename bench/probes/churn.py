"""A static file changing while four keep-alive clients fetch it, as fast as
they can, for a few seconds: how many answers they get, and how often a
body is cut short and the connection closed (a file that shrank while it
was being sent), which costs the client a new connection.

The file changes every ~6 ms: a 10 KB file (answered from memory) replaced
by rename, the same rewritten in place, and a 400 KB file (sent from disk,
with sendfile under gunicorn) rewritten in place, 400 KB and 130 KB by
turns.  Anything but a 200 is counted too; ``tests/test_static_race.py``
checks that there is none, and that no body holds a foreign byte.
"""

import collections
import os
import threading
import time

from wsgi_echo.testing.churn import FileChurn
from wsgi_echo.testing.clients import Connection, message, request

from .common import KINDS, running, site

CLIENTS = 4
SECONDS = 5.0
INTERVAL = 0.006  # seconds between changes of the file
STALL = 2.0  # a response that stops this long on an open connection is a stall
SMALL = [bytes([65 + n]) * 10 * 1024 for n in range(3)]
LARGE = [b"L" * 400 * 1024, b"s" * 130 * 1024]
CASES = (
    ("10 KB replaced by rename", "renamed.txt", SMALL, "rename"),
    ("10 KB rewritten in place", "inplace.txt", SMALL, "in place"),
    ("400/130 KB rewritten in place", "large.txt", LARGE, "in place"),
)


def fetch(server, path, until, tally):
    """Keep-alive GETs of ``path`` until ``until``, counted into ``tally``."""
    connection = None
    while time.monotonic() < until:
        try:
            connection = connection or Connection(server, timeout=STALL)
            connection.send(message("GET", path, close=False))
            response = connection.read_response()
        except TimeoutError:
            tally["stalls"] += 1  # not even the head came
            response = None
        except OSError:
            tally["closed between requests"] += 1
            response = None
        if response is not None:
            tally["responses"] += 1
            tally["status %d" % response.status] += 1
            if response.ending != "complete":
                tally["stalls" if response.ending == "timeout" else "closed short"] += 1
        closing = (
            response is None
            or response.ending != "complete"
            or response.headers.get("connection", "").lower() == "close"
        )
        if closing and connection is not None:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()


def churn(server, name, contents, mode):
    """The tally of CLIENTS fetching ``name`` for SECONDS while it changes."""
    path = os.path.join(site(server), name)
    tallies = [collections.Counter() for _ in range(CLIENTS)]
    writer = FileChurn(path, contents, mode, INTERVAL)
    request(server, "GET", "/" + name)  # cached before the churn starts
    with writer:
        until = time.monotonic() + SECONDS
        clients = [
            threading.Thread(target=fetch, args=(server, "/" + name, until, tally))
            for tally in tallies
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
    tally = sum(tallies, collections.Counter())
    tally["changes"] = writer.changes
    return tally


def run(table, workdir):
    for kind in KINDS:
        with running(table, kind, "churn", workdir) as server:
            for label, name, contents, mode in CASES:
                tally = churn(server, name, contents, mode)
                others = ", ".join(
                    "%d x %s" % (count, key[7:])
                    for key, count in sorted(tally.items())
                    if key.startswith("status ") and key != "status 200"
                )
                table.record(
                    "churn",
                    "%s, %g s: responses / closed short / stalls" % (label, SECONDS),
                    kind,
                    "%d / %d / %d%s (%d changes)"
                    % (
                        tally["responses"],
                        tally["closed short"],
                        tally["stalls"],
                        "; " + others if others else "",
                        tally["changes"],
                    ),
                )
