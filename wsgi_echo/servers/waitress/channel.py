"""waitress's channel and tasks, each override one thing waitress lacks.

* ``Channel.readable`` gives a silent client's request its deadline too:
  waitress asks it on every turn of its loop.
* ``Task`` answers ``Connection: close`` (and closes after) when
  ``keepalive = 0``, and once the server is stopping (``STOPPING``).
* ``LoggedErrorTask`` logs the one refusal gunicorn would have let the app
  answer (413 for an oversized body), through the app's ``log_refused``, so
  both servers log the same lines.
* ``IteratedFile`` replaces waitress's file wrapper, which stalls on a file
  that shrinks while it is sent.
* Every task is a ``connection.ControlledTask``: the app may reset, close or
  write raw bytes on its connection (``protocol.CONNECTION``).
"""

import time

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from ...protocol import HELD_CAPACITY
from .connection import ControlledTask
from .parser import Parser


class Channel(HTTPChannel):
    def readable(self):
        request = self.request
        if request is not None:
            if request.overdue(time.monotonic()):
                # A client that has gone silent sends nothing that would
                # reach the parser's check; hand it one byte, which the
                # overdue parser answers with its 408, through waitress's
                # own path for a completed request.
                self.received(b"\0")
            else:
                # A request is under way: its deadlines bound it, not the
                # idle timeout (``channel_timeout``), which would close it
                # silently at ``keepalive`` seconds.  Counted as active until
                # the loop's next turn, when this is asked again.
                self.last_activity = time.time() + self.adj.asyncore_loop_timeout
        return super().readable()


# Set (to True) on the waitress server by the runner's graceful stop.
STOPPING = "wsgi_echo_stopping"


class Task(ControlledTask):
    """A request's task: its response says ``Connection: close`` and closes
    the connection after it with ``keepalive = 0`` (``close_each``), and
    when the server is stopping, so the client sends nothing more on a
    connection about to close (RFC 9112 section 9.6).

    An app may not send Connection itself (PEP 3333: hop-by-hop headers are
    the server's; waitress answers 500 to them).
    """

    close_each = False

    def build_response_header(self):
        if self.close_each or getattr(self.channel.server, STOPPING, False):
            self.set_close_on_finish()
        return super().build_response_header()


class LoggedErrorTask(ErrorTask):
    """Logs waitress's 413: under gunicorn the app answers an oversized body
    itself, and the app logs what it answers; other refusals are logged by
    neither server."""

    def service(self):
        started = time.monotonic()
        try:
            super().service()
        finally:
            log_refused = getattr(self.channel.server.application, "log_refused", None)
            if log_refused is not None and self.request.error.code == 413:
                request = self.request
                log_refused(
                    {
                        "client": self.channel.addr[0] if self.channel.addr else "",
                        "method": request.command,
                        "target": request.request_uri,
                        "protocol": "HTTP/%s" % request.version,
                        "status": "413",
                        "length": str(self.content_length),
                        "bytes": self.content_length or 0,
                        "seconds": time.monotonic() - started,
                        "user_agent": request.headers.get("USER_AGENT", ""),
                    }
                )


class IteratedFile:
    """``wsgi.file_wrapper`` for waitress: the file read in blocks by the task.

    waitress's own wrapper (``ReadOnlyFileBasedBuffer``) is sent by the event
    loop, which spins on a file that shrinks after the response started:
    the buffer still expects bytes the file no longer has, so the connection
    stalls with the CPU busy.  Read by the task instead, a short file ends
    the iteration, and waitress closes the connection ("too few bytes").
    """

    def __init__(self, filelike, block_size=32768):
        self.filelike, self.block_size = filelike, block_size

    def __iter__(self):
        read, size = self.filelike.read, self.block_size
        while True:
            block = read(size)
            if not block:
                return
            yield block

    def close(self):
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


class FileWrapperFix:
    """WSGI wrapper: the app gets ``IteratedFile`` as its file wrapper, and
    how many requests that wait on purpose it may run (``held_capacity``:
    every request holds one of waitress's threads).  What the app offers a
    runner beyond WSGI (``log_refused``) stays reachable."""

    def __init__(self, app, held_capacity):
        self.app, self.held_capacity = app, held_capacity
        self.log_refused = getattr(app, "log_refused", None)

    def __call__(self, environ, start_response):
        environ["wsgi.file_wrapper"] = IteratedFile
        environ[HELD_CAPACITY] = self.held_capacity
        return self.app(environ, start_response)


def channel_class(settings, body_limit=None):
    """An HTTPChannel whose parser and tasks carry our settings, and the
    app's ``body_limit(method, path)`` (``Application.body_limit``)."""
    server = settings.server
    parser = type(
        "Parser",
        (Parser,),
        {
            "limits": (
                server.limit_request_line,
                server.limit_request_fields,
                server.limit_request_field_size,
            ),
            "header_timeout": server.header_timeout,
            "body_timeout": server.body_timeout,
            "body_limit": staticmethod(body_limit) if body_limit else None,
        },
    )
    return type(
        "Channel",
        (Channel,),
        {
            "parser_class": parser,
            "task_class": type("Task", (Task,), {"close_each": server.keepalive == 0}),
            "error_task_class": LoggedErrorTask,
        },
    )
