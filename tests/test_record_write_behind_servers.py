"""Write-behind under real gunicorn (gthread and gevent) and waitress: the
worker's flusher writes a record with no read to ask for it, no answer
waits for a store that is held up, and a worker that stops writes what it
queued before it exits."""

import signal
import socket
import sqlite3
import subprocess
import time

import pytest
from record_support import Held

from conftest import SERVERS, settings_text
from wsgi_echo.settings.converters import StoreSpec
from wsgi_echo.testing import clients
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

REQUESTS = 5


def start(start_server, kind, path, **record):
    return start_server(
        kind,
        settings_text(
            server={"workers": 1, "threads": 4},
            log={"access_log": ""},
            record=dict(record, store="sqlite:%s" % path),
            routes={"/echo": "echo", "/_requests": "requests"},
        ),
    )


def stored_paths(path):
    with sqlite3.connect(path) as reader:
        rows = reader.execute("SELECT path FROM requests ORDER BY id").fetchall()
    reader.close()
    return [row[0] for row in rows]


@pytest.mark.parametrize("kind", SERVERS)
def test_the_worker_writes_a_record_that_no_read_asked_for(start_server, tmp_path, kind):
    path = str(tmp_path / "record.sqlite3")
    server = start(start_server, kind, path)
    status, _, _ = clients.request(server, "GET", "/echo/unread")
    assert status == 200
    # Read from the file, not through the API (whose reads write the queue first).
    wait_for(lambda: stored_paths(path) == ["/echo/unread"], what="the record in the file")


def serving_stopped(server, kind):
    """Whether the worker is past its last request: gunicorn's worker says it
    is exiting; waitress closes its listening socket."""
    if kind != "waitress":
        return "Worker exiting" in server.log()
    try:
        socket.create_connection((server.host, server.port), timeout=1).close()
    except (ConnectionRefusedError, ConnectionResetError):
        return True  # reset: it came as the listening socket closed, its backlog with it
    return False


@pytest.mark.parametrize("kind", SERVERS)
def test_no_answer_waits_for_a_held_store_and_a_stopping_worker_writes_its_queue(
    start_server, tmp_path, kind
):
    path = str(tmp_path / "record.sqlite3")
    server = start(start_server, kind, path, store_timeout_ms=10000)
    held = Held(StoreSpec("sqlite", path))  # every write waits, up to its 10 s timeout
    try:
        started = time.monotonic()
        for n in range(REQUESTS):
            status, _, _ = clients.request(server, "GET", "/echo/held/%d" % n)
            assert status == 200
        # A write in the request's path would have cost the first of them the
        # 10 s timeout; queued, five answers take milliseconds (3 s: a loaded machine).
        answered = time.monotonic() - started
        assert answered < 3.0, answered
        server.signal(signal.SIGTERM)
        wait_for(lambda: serving_stopped(server, kind), what="the worker done serving")
        # Its exit waits for the store (without that wait it would take
        # milliseconds, and lose the queue).
        with pytest.raises(subprocess.TimeoutExpired):
            server.wait(timeout=1.0)
    finally:
        held.release()
    assert server.wait(timeout=30) == 0
    assert stored_paths(path) == ["/echo/held/%d" % n for n in range(REQUESTS)]
