"""Under the gevent worker, one connection whose requests are always ready
(a pipelining client, or a fast one on a busy worker) does not hold the
worker: between two of its requests the others get a turn.  Without that,
its greenlet never waits, and the hub wakes no one else (not another
connection, not a deadline's timer, not the record's writer) until it
runs out of requests."""

import threading
import time

import pytest

from conftest import settings_text
from wsgi_echo.testing.clients import Connection, message

pytestmark = pytest.mark.server

PIPELINED = 1000


def test_a_pipelining_client_does_not_hold_the_worker_from_another_connection(start_server):
    server = start_server(
        "gunicorn-gevent",
        settings_text(server={"workers": 1}, routes={"/echo": "echo"}, log={"access_log": ""}),
    )
    with Connection(server) as other, Connection(server, timeout=30) as pipeliner:
        other.send(message("GET", "/echo/first", close=False))
        assert other.read_response().status == 200  # idle now, its greenlet waiting

        answered = []  # (when, how many of the pipelined answers had come)
        first = threading.Event()

        def read_pipelined():
            for count in range(1, PIPELINED + 1):
                pipeliner.read_response()
                answered.append((time.monotonic(), count))
                first.set()

        reader = threading.Thread(target=read_pipelined)
        reader.start()
        requests = [message("GET", "/echo/p/%d" % n, close=False) for n in range(PIPELINED - 1)]
        pipeliner.send(b"".join(requests) + message("GET", "/echo/p/last"))
        assert first.wait(30)  # the pipeliner's greenlet is at work, the rest of its requests read
        other.send(message("GET", "/echo/other"))
        assert other.read_response().status == 200
        other_answered = time.monotonic()
        reader.join(60)
        assert not reader.is_alive()
        before = sum(1 for when, _ in answered if when < other_answered)
        # Served in turn, the other connection waits for a request or two of the
        # pipeliner's (those counted here are mostly the ones answered before
        # its request came); held, it waits for all of them.
        assert before < PIPELINED // 2, before
