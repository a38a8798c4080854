"""The gunicorn and gevent internals the two worker subclasses
(``servers/gunicorn/thread_worker.py``, ``gevent_worker.py``), the hooks
that watch a worker, and the TLS layer (``servers/gunicorn/tls.py``) touch
are still there, with the shape they expect.  Each failure names the
attribute and the module of ours that uses it (``seam_checks``)."""

import inspect
import socket
import ssl
import threading

import pytest
from seam_checks import has, says

gunicorn = pytest.importorskip("gunicorn")
gevent = pytest.importorskip("gevent")

GEVENT_WORKER = "servers/gunicorn/gevent_worker.py Worker"
THREAD_WORKER = "servers/gunicorn/thread_worker.py ThreadWorker"
TLS = "servers/gunicorn/tls.py"


def test_gunicorn_worker_seams():
    from gunicorn.workers.base import Worker
    from gunicorn.workers.base_async import AsyncWorker
    from gunicorn.workers.ggevent import GeventWorker
    from gunicorn.workers.gthread import PollableMethodQueue, ThreadWorker

    for name in ("timeout_ctx", "handle", "handle_request"):
        has(AsyncWorker, name, "%s overrides it" % GEVENT_WORKER)
        has(GeventWorker, name, "%s overrides it" % GEVENT_WORKER)
    assert list(inspect.signature(AsyncWorker.handle).parameters) == [
        "self",
        "listener",
        "client",
        "addr",
    ], "AsyncWorker.handle(listener, client, addr) changed; %s overrides it" % GEVENT_WORKER
    for name in ("handle_exit", "accept", "set_accept_enabled", "finish_request", "run"):
        has(ThreadWorker, name, "%s uses it" % THREAD_WORKER)
    has(PollableMethodQueue, "defer", "%s defers its stop to the loop" % THREAD_WORKER)
    says(
        ThreadWorker.set_accept_enabled,
        "self.poller.register(listener, selectors.EVENT_READ, self.accept)",
        "%s accept() ignores a closed listener's last event" % THREAD_WORKER,
    )
    for name in ("self.method_queue", "self.nr_conns"):
        says(ThreadWorker.__init__, name, "%s uses it" % THREAD_WORKER)
    says(Worker.__init__, "self.sockets = sockets", "%s closes its listeners" % THREAD_WORKER)
    # hooks.stopping: a worker told to stop has alive = False.
    says(Worker.__init__, "self.alive = True", "servers/gunicorn/hooks.py stopping() reads it")
    says(Worker.handle_exit, "self.alive = False", "servers/gunicorn/hooks.py stopping()")


def test_gthread_ends_a_connection_by_a_graceful_close_on_its_loop():
    """thread_worker.ThreadWorker.finish_request swaps ``conn.close`` for the
    closer's (lingering_close) around gunicorn's, which closes by
    ``conn.close(graceful=True)``, on the loop (method_queue), as
    util.close_graceful lingers (the closer's figures are its defaults);
    run() is the worker's loop, called in the worker process."""
    from gunicorn import util
    from gunicorn.workers.base import Worker
    from gunicorn.workers.gthread import TConn, ThreadWorker

    from wsgi_echo.servers.gunicorn import lingering_close

    why = "%s hands it to servers/gunicorn/lingering_close.py" % THREAD_WORKER
    says(ThreadWorker.finish_request, "conn.close(graceful=True)", why)
    says(ThreadWorker.enqueue_req, "self.method_queue.defer(self.finish_request", why)
    assert list(inspect.signature(TConn.close).parameters) == ["self", "graceful"], (
        "TConn.close(graceful) changed; %s replaces it" % THREAD_WORKER
    )
    says(TConn.__init__, "self.sock = sock", why + " (conn.sock)")
    says(TConn.close, "util.close_graceful(self.sock)", why)
    defaults = inspect.signature(util.close_graceful).parameters
    assert (defaults["timeout"].default, defaults["max_drain"].default) == (
        lingering_close.LINGER,
        lingering_close.MAX_DRAIN,
    ), "util.close_graceful's linger changed; lingering_close.py copies its figures"
    says(Worker.init_process, "self.run()", "%s makes its closer in run()" % THREAD_WORKER)


def test_async_worker_reads_each_head_under_timeout_ctx():
    """gevent_worker.RequestHead is ``timeout_ctx()``: gunicorn must enter it
    around each ``next(parser)``, and end a connection quietly on the
    StopIteration it raises for an idle one."""
    from gunicorn.workers.base_async import AsyncWorker

    source = inspect.getsource(AsyncWorker.handle)
    context = source.find("with self.timeout_ctx():")
    assert context != -1 and source.find("req = next(parser)", context) != -1, (
        "AsyncWorker.handle no longer reads a request head inside timeout_ctx(); "
        "%s times the head through it" % GEVENT_WORKER
    )
    quiet = source.find("except StopIteration")
    assert quiet != -1 and "self.log.debug" in source[quiet : quiet + 120], (
        "AsyncWorker.handle no longer ends a connection quietly on StopIteration; "
        "%s raises it for an idle connection" % GEVENT_WORKER
    )


def test_gevent_takes_greenlet_exit_from_the_handshake_as_a_normal_end():
    """The gevent worker's server wraps each socket (``RefusingPlainHTTP``) in
    the connection's own greenlet; Worker.end_connection's GreenletExit,
    raised there, ends that greenlet as a success: no traceback printed."""
    from gevent.server import StreamServer

    says(
        StreamServer.wrap_socket_and_handle,
        "self.wrap_socket(",
        "%s end_connection ends a connection from inside it" % GEVENT_WORKER,
    )

    def handshake():
        raise gevent.GreenletExit("TLS handshake failed")

    greenlet = gevent.spawn(handshake)
    greenlet.join()
    assert greenlet.successful(), (
        "gevent no longer takes GreenletExit as a greenlet's normal end; "
        "%s end_connection relies on it" % GEVENT_WORKER
    )


def test_the_ssl_context_hook_and_the_worker_class():
    """tls.context_hook is gunicorn's ``ssl_context(config, factory)`` hook; it
    reads the worker class's own ``end_connection`` and ``handshake_deadline``
    through ``config.worker_class``."""
    from gunicorn import sock as gunicorn_sock
    from gunicorn.config import Config

    from wsgi_echo.servers.gunicorn.gevent_worker import worker_class
    from wsgi_echo.servers.gunicorn.thread_worker import ThreadWorker
    from wsgi_echo.servers.gunicorn.tls import context_hook

    config = Config()
    config.set("ssl_context", context_hook(5))  # validated: a callable of two arguments
    says(
        gunicorn_sock.ssl_context,
        "conf.ssl_context(conf, default_ssl_context_factory)",
        "%s context_hook is that hook" % TLS,
    )
    config.set("worker_class", "wsgi_echo.servers.gunicorn.thread_worker.ThreadWorker")
    assert config.worker_class is ThreadWorker, (
        "gunicorn's Config.worker_class no longer loads the class; %s reads it" % TLS
    )
    gevent_class = worker_class(5, 5)
    config.set("worker_class", gevent_class)
    assert config.worker_class is gevent_class


def test_workers_shake_hands_after_wrap_socket():
    """tls.RefusingPlainHTTP shakes hands inside wrap_socket, under its
    deadline; gthread (and the async workers) then call do_handshake()
    again, which must do nothing on a finished handshake."""
    import trustme
    from gunicorn.workers.base_async import AsyncWorker
    from gunicorn.workers.gthread import TConn

    says(TConn.init, "self.sock.do_handshake()", "%s shakes hands first" % TLS)
    says(AsyncWorker.handle, "client.do_handshake()", "%s shakes hands first" % TLS)
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    left, right = socket.socketpair()
    answered = []

    def client():
        with client_context.wrap_socket(left, server_hostname="127.0.0.1") as sock:
            sock.sendall(b"ping")
            answered.append(sock.recv(4))

    thread = threading.Thread(target=client)
    thread.start()
    try:
        right.settimeout(10)
        wrapped = server_context.wrap_socket(right, server_side=True)
        wrapped.do_handshake()  # the second, as gthread's
        assert wrapped.recv(4) == b"ping"
        wrapped.sendall(b"pong")
        thread.join(10)
        assert answered == [b"pong"], "a second do_handshake() broke the connection"
        wrapped.close()
    finally:
        thread.join(10)
        right.close()


def test_gthread_keeps_idle_connections_at_a_stop_as_long_as_the_other_runners():
    """servers.STOP_LINGER is gthread's figure (docs/servers.md: "two seconds
    more"), which the gevent worker and the waitress runner use too."""
    from gunicorn.workers import gthread

    from wsgi_echo.servers import STOP_LINGER

    assert gthread.STOP_KEEPALIVE_LINGER == STOP_LINGER, (
        "gunicorn's gthread STOP_KEEPALIVE_LINGER is now %r; servers/__init__.py "
        "STOP_LINGER says %r" % (gthread.STOP_KEEPALIVE_LINGER, STOP_LINGER)
    )
