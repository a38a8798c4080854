"""A static file that changes while it is being served: replaced by rename and
rewritten in place, again and again, while four keep-alive clients fetch it.

Every answer must be a 200 (never a 5xx, never a 404 for a file that
exists) whose body holds only bytes of the file's versions (a version caught
mid-rewrite may mix two, but nothing from elsewhere: no error page, no bytes
of a next response), and a body shorter than its Content-Length may only end
in a closed connection, never leave the client waiting on an open one.
Bounded: two seconds of load per server, both servers at once (longer, up
to fifteen, while the file has not yet changed, or been fetched, often
enough).
"""

import concurrent.futures
import os
import time

import pytest

from conftest import SERVERS, settings_text
from wsgi_echo.testing.churn import FileChurn
from wsgi_echo.testing.clients import Connection, at_once, message

pytestmark = pytest.mark.server

CLIENTS = 4
SECONDS = 2.0
# The file must really have changed this often while it was fetched; on a
# loaded machine the writer may take longer to get there, up to this bound.
MIN_CHANGES = 21
MIN_ANSWERS = 50  # and this many answers, all clients together, beyond it
MAX_SECONDS = 15.0
SMALL = 10 * 1024  # answered from memory
LARGE = 400 * 1024  # sent from disk (sendfile under gunicorn)


def versions(size):
    """Contents of ``size`` and of a third of it: rewriting in place shrinks."""
    return [bytes([65 + n]) * size for n in range(3)] + [b"s" * (size // 3)]


def fetch_repeatedly(server, path, contents, going, statuses):
    """Keep-alive GETs while ``going()``, each answer's status appended to
    ``statuses`` (a list the clients share); returns the bodies holding
    bytes that are in no version of the file."""
    allowed = set(b"".join(contents))
    foreign = []
    connection = Connection(server, timeout=3)
    try:
        while going():
            connection.send(message("GET", path, close=False))
            try:
                response = connection.read_response()
            except ConnectionError:
                # Closed between requests: allowed; start a new connection.
                connection.close()
                connection = Connection(server, timeout=3)
                continue
            assert response.ending != "timeout", (
                "a response stalled on an open connection (body shorter than its Content-Length?)"
            )
            statuses.append(response.status)
            # A version caught mid-rewrite may mix two versions, and a body cut
            # short ends where the server closed: only the file's bytes, still.
            if not set(response.body) <= allowed:
                foreign.append(response.body[:40])
            closing = response.headers.get("connection", "").lower() == "close"
            if response.ending == "eof" or closing:
                connection.close()
                connection = Connection(server, timeout=3)
    finally:
        connection.close()
    return foreign


def race(server, folder):
    results = {}
    for name, size in (("small.txt", SMALL), ("large.txt", LARGE)):
        contents = versions(size)
        # A change every few milliseconds, by rename and in place by turns.
        with FileChurn(os.path.join(folder, name), contents, "both", interval=0.006) as churn:
            started = time.monotonic()
            statuses = []

            def going(churn=churn, started=started, statuses=statuses):
                """At least half of SECONDS, and until the file has changed
                MIN_CHANGES times and more than MIN_ANSWERS answers have come
                (the events the check needs), at most MAX_SECONDS."""
                elapsed = time.monotonic() - started
                return elapsed < SECONDS / 2 or (
                    (churn.changes < MIN_CHANGES or len(statuses) <= MIN_ANSWERS)
                    and elapsed < MAX_SECONDS
                )

            with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
                futures = [
                    pool.submit(fetch_repeatedly, server, "/" + name, contents, going, statuses)
                    for _ in range(CLIENTS)
                ]
            foreign = [future.result() for future in futures]
        results[name] = (statuses, foreign, churn.changes)
    return results


def test_a_file_changing_under_load_is_never_a_5xx_404_or_a_stalled_short_body(
    module_starter, tmp_path_factory
):
    folders = {kind: str(tmp_path_factory.mktemp("race-" + kind)) for kind in SERVERS}
    servers = {
        kind: module_starter(
            kind, settings_text(server={"workers": 1, "threads": 4}, static={"root": folder})
        )
        for kind, folder in folders.items()
    }
    results = at_once(lambda server: race(server, folders[server.kind]), servers)
    for kind, per_file in results.items():
        for name, (statuses, foreign, changes) in per_file.items():
            assert len(foreign) == CLIENTS, (kind, name)
            assert changes >= MIN_CHANGES, (kind, name, changes)  # the file really did change
            assert len(statuses) > MIN_ANSWERS, (kind, name, len(statuses))
            assert set(statuses) == {200}, (kind, name, sorted(set(statuses)))
            assert foreign == [[]] * CLIENTS, (kind, name)
        assert "Traceback" not in servers[kind].log(), kind
