"""gunicorn's gthread worker, which stops accepting at SIGTERM and lingers
on a closing connection off its event loop.

On SIGTERM gunicorn's gthread worker stops polling its listening socket
but keeps it open until its connections have drained (up to ``timeout``
seconds).  Meanwhile the kernel goes on completing connections into the
socket's backlog; their clients send requests that nobody reads, and are
reset when the worker at last closes it.  This worker accepts what is
already waiting (answered with ``Connection: close``, as every request of
a stopping worker is) and closes its listening socket at once, as the
waitress runner does: once every worker has, a new connection is refused,
which a client can safely retry elsewhere.

gthread ends a connection whose answer said ``Connection: close`` in
``finish_request``, on its event loop, with ``conn.close(graceful=True)``:
a lingering close (RFC 9112 section 9.6) that blocks until the client closes
its end, for up to 2 s, during which the worker accepts nothing and serves
no kept-alive connection; a client that keeps its end open stalled it 2 s,
one after another.  This worker hands that close to ``lingering_close``,
which lingers on a thread of its own; a plain close stays gunicorn's.

It relies on gthread's ``method_queue``, ``accept`` (which its loop calls
for each event on a listener, even one closed earlier in the same turn),
``nr_conns``, ``set_accept_enabled``, ``sockets``, ``run``,
``finish_request`` (which ends a connection by ``conn.close(graceful=True)``)
and ``TConn.sock``, checked by tests/test_server_seams_gunicorn*.py.
"""

from gunicorn.workers.gthread import ThreadWorker as GthreadWorker

from .lingering_close import Closer


class ThreadWorker(GthreadWorker):
    listeners_closed = False

    def run(self):
        self.closer = Closer()  # here: in the worker process, after the fork
        super().run()
        # At most the linger: a stopping worker's last answers whole too.  (On
        # SIGQUIT run() raises; the process's exit closes what lingers.)
        self.closer.stop()

    def finish_request(self, conn, fs):
        # gunicorn's, but for its graceful close, which is the closer's.
        conn.close = lambda graceful=False: (
            self.closer.close(conn.sock) if graceful else type(conn).close(conn)
        )
        try:
            super().finish_request(conn, fs)
        finally:
            del conn.close

    def handle_exit(self, sig, frame):
        if self.alive:
            self.alive = False
            # In the main loop, not in the signal handler: accept() changes
            # state the loop owns.
            self.method_queue.defer(self.stop_accepting)

    def stop_accepting(self):
        self.set_accept_enabled(False)
        for listener in self.sockets:
            listener.setblocking(False)
            while True:
                before = self.nr_conns
                try:
                    super().accept(listener)  # one waiting connection, to a thread
                except OSError:
                    break
                if self.nr_conns == before:  # none was waiting
                    break
            listener.close()
        self.listeners_closed = True

    def accept(self, listener):
        # The stop runs among the events of one select(): a client that
        # connected meanwhile leaves an event naming the listener, closed by
        # then, which gunicorn's accept() would raise on, ending the worker.
        if not self.listeners_closed:
            super().accept(listener)
