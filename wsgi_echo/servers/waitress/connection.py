"""``protocol.CONNECTION`` under waitress: what the app may do to its connection.

A waitress request runs as a task in a worker thread; its channel owns the
socket, and the event loop's thread writes to it and closes it.  The
connection is acted on through the task, as waitress's own writes are:

* the task is told it has written its head (``wrote_header``), so waitress
  adds no head of its own when the app's empty answer ends, and to close
  the connection when what is queued has been sent (``close_on_finish``);
* raw bytes are queued on the channel (``write_soon``), as the task's own
  writes are, and reach the client before the close;
* a reset sets ``SO_LINGER`` to 0 on the socket first, so the event loop's
  close sends RST instead of FIN (as Go's ``SetLinger(0)`` or WireMock's
  ``CONNECTION_RESET_BY_PEER`` do it).

``ControlledTask`` (a ``WSGITask``, the class waitress lets a server choose)
puts a ``Connection`` in each request's environ.  The attributes used are
checked by tests/test_server_seams_waitress.py.
"""

from waitress.channel import ClientDisconnected
from waitress.task import WSGITask

from ...protocol import CONNECTION
from ..raw_connection import reset_on_close


class Connection:
    """A request's connection, through its waitress task."""

    __slots__ = ("task",)
    whole = True  # waitress serves HTTP/1.x only

    def __init__(self, task):
        self.task = task

    def _take_over(self):
        task = self.task
        task.wrote_header = True
        task.close_on_finish = True

    def reset(self):
        self._take_over()
        try:
            reset_on_close(self.task.channel.socket)
        except OSError:  # the client is gone already
            pass

    def close(self):
        self._take_over()

    def write_raw(self, data):
        self._take_over()
        try:
            self.task.channel.write_soon(data)
        except ClientDisconnected:
            pass


class ControlledTask(WSGITask):
    """waitress's task for a request, with ``protocol.CONNECTION`` in its environ."""

    def get_environment(self):
        environ = super().get_environment()
        environ[CONNECTION] = Connection(self)
        return environ
