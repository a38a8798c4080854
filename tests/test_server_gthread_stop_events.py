"""The gthread worker's stop (``servers/gunicorn/thread_worker.py``) meets
the other events of the same turn of gunicorn's loop.

The stop runs among the events of one ``select()``: when a client connects
just after the signal, that same list names the listening socket after the
stop has closed it, and gunicorn's ``accept`` on it raised, which killed
the worker (exit 255, seen as one refused request in a few hundred stops
under load).  Here the worker is gunicorn's real loop in this process, with
a real listening socket, and the two events are made ready in that order
(``selectors`` returns them as they became ready), so the turn that crashed
comes every time.
"""

import logging
import os
import selectors
import socket
import time

import pytest

gunicorn = pytest.importorskip("gunicorn")
pytestmark = pytest.mark.server


@pytest.fixture
def worker():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger
    from gunicorn.sock import TCPSocket

    from wsgi_echo.servers.gunicorn.thread_worker import ThreadWorker

    config = Config()
    log = Logger(config)
    log.error_log.setLevel(logging.CRITICAL)
    listener = TCPSocket(("127.0.0.1", 0), config, log)
    worker = ThreadWorker(0, os.getpid(), [listener], None, 30, config, log)
    worker.tpool = worker.get_thread_pool()
    worker.poller = selectors.DefaultSelector()
    worker.method_queue.init()
    # What ThreadWorker.run does before its loop.
    worker.poller.register(
        worker.method_queue.fileno(), selectors.EVENT_READ, worker.method_queue.run_callbacks
    )
    worker.set_accept_enabled(True)
    yield worker
    worker.tpool.shutdown(wait=True, cancel_futures=True)
    worker.poller.close()
    worker.method_queue.close()
    for each in worker.sockets:
        each.close()
    worker.tmp.close()


def turn(worker):
    """One turn of gunicorn's loop: what is ready now, dispatched in order."""
    worker.wait_for_and_dispatch_events(timeout=0)


def test_a_connection_ready_in_the_turn_of_the_stop_is_taken_and_the_loop_goes_on(worker):
    address = worker.sockets[0].getsockname()
    worker.handle_exit(15, None)  # SIGTERM: the stop is queued first ...
    client = socket.create_connection(address)  # ... then a client connects
    try:
        deadline = time.monotonic() + 5
        while len(worker.poller.select(0)) < 2 and time.monotonic() < deadline:
            pass  # until both are ready: the stop's wake-up, then the client
        turn(worker)  # raised AttributeError on the closed listener
        assert not worker.alive
        assert worker.sockets[0].sock is None, "the listening socket is still open"
        assert worker.nr_conns == 1, "the waiting connection was not taken"
    finally:
        client.close()
