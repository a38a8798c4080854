"""A static file that changes while it is being served: replaced by rename and
rewritten in place, again and again, while four keep-alive clients fetch it.

Every answer must be a 200 (never a 5xx, never a 404 for a file that
exists) whose body holds only bytes of the file's versions (a version caught
mid-rewrite may mix two, but nothing from elsewhere: no error page, no bytes
of a next response), and a body shorter than its Content-Length may only end
in a closed connection, never leave the client waiting on an open one.
Bounded: two seconds of load per server, both servers at once.
"""

import concurrent.futures
import os
import socket
import threading
import time

import pytest

from conftest import at_once, settings_text
from http_client import Connection, message

pytestmark = pytest.mark.server

CLIENTS = 4
SECONDS = 2.0
SMALL = 10 * 1024          # answered from memory
LARGE = 400 * 1024         # sent from disk (sendfile under gunicorn)


def versions(size):
    """Contents of ``size`` and of a third of it: rewriting in place shrinks."""
    return [bytes([65 + n]) * size for n in range(3)] + [b"s" * (size // 3)]


class Writer(threading.Thread):
    """Changes ``path`` every few milliseconds: by rename, then in place."""

    def __init__(self, path, contents):
        super().__init__(daemon=True)
        self.path, self.contents = path, contents
        self.running = True
        self.changes = 0

    def run(self):
        while self.running:
            data = self.contents[self.changes % len(self.contents)]
            if self.changes % 2:
                with open(self.path, "r+b") as handle:  # in place, truncating
                    handle.truncate(0)
                    handle.write(data)
            else:
                temporary = "%s.tmp" % self.path
                with open(temporary, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, self.path)
            self.changes += 1
            time.sleep(0.006)


def fetch_repeatedly(server, path, contents, until):
    """Keep-alive GETs until ``until``: (statuses, bodies holding bytes that are
    in no version of the file)."""
    allowed = set(b"".join(contents))
    statuses, foreign = [], []
    connection = Connection(server, timeout=3)
    try:
        while time.monotonic() < until:
            connection.send(message("GET", path, close=False))
            try:
                status, headers, body = connection.read_response()
            except ConnectionError:
                # The server closed the connection, after a short body or
                # between requests: allowed; start a new one.
                connection.close()
                connection = Connection(server, timeout=3)
                continue
            except socket.timeout:
                raise AssertionError("a response stalled on an open connection "
                                     "(body shorter than its Content-Length?)")
            statuses.append(status)
            # read_response has read exactly Content-Length bytes (or timed
            # out, above); a version caught mid-rewrite may mix two versions.
            if not set(body) <= allowed:
                foreign.append(body[:40])
            if headers.get("connection", "").lower() == "close":
                connection.close()
                connection = Connection(server, timeout=3)
    finally:
        connection.close()
    return statuses, foreign


def race(server, folder):
    results = {}
    for name, size in (("small.txt", SMALL), ("large.txt", LARGE)):
        path = os.path.join(folder, name)
        contents = versions(size)
        with open(path, "wb") as handle:
            handle.write(contents[0])
        writer = Writer(path, contents)
        writer.start()
        until = time.monotonic() + SECONDS / 2
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(fetch_repeatedly, server, "/" + name, contents,
                                   until) for _ in range(CLIENTS)]
        outcomes = [future.result() for future in futures]
        writer.running = False
        writer.join()
        results[name] = (outcomes, writer.changes)
    return results


def test_a_file_changing_under_load_is_never_a_5xx_404_or_a_stalled_short_body(
        module_starter, tmp_path_factory):
    folders = {kind: str(tmp_path_factory.mktemp("race-" + kind))
               for kind in ("gunicorn", "waitress")}
    servers = {kind: module_starter(kind, settings_text(
        server={"workers": 1, "threads": 4}, static={"root": folder}))
        for kind, folder in folders.items()}
    results = at_once(lambda server: race(server, folders[server.kind]), servers)
    for kind, per_file in results.items():
        for name, (outcomes, changes) in per_file.items():
            statuses = [status for statuses, _ in outcomes for status in statuses]
            assert len(outcomes) == CLIENTS, (kind, name)
            assert changes > 20, (kind, name, changes)  # the file really did change
            assert len(statuses) > 50, (kind, name, len(statuses))
            assert set(statuses) == {200}, (kind, name, sorted(set(statuses)))
            assert [foreign for _, foreign in outcomes] == [[]] * CLIENTS, (kind, name)
        assert "Traceback" not in servers[kind].log(), kind
