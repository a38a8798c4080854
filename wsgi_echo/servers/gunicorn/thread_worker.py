"""gunicorn's gthread worker, which stops accepting at SIGTERM.

On SIGTERM gunicorn's gthread worker stops polling its listening socket
but keeps it open until its connections have drained (up to ``timeout``
seconds).  Meanwhile the kernel goes on completing connections into the
socket's backlog; their clients send requests that nobody reads, and are
reset when the worker at last closes it.  This worker accepts what is
already waiting (answered with ``Connection: close``, as every request of
a stopping worker is) and closes its listening socket at once, as the
waitress runner does: once every worker has, a new connection is refused,
which a client can safely retry elsewhere.

It relies on gthread's ``method_queue``, ``accept``, ``nr_conns``,
``set_accept_enabled`` and ``sockets``, checked by
tests/test_server_seams_gunicorn*.py.
"""

from gunicorn.workers.gthread import ThreadWorker as GthreadWorker


class ThreadWorker(GthreadWorker):
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
                    self.accept(listener)  # one waiting connection, to a thread
                except OSError:
                    break
                if self.nr_conns == before:  # none was waiting
                    break
            listener.close()
