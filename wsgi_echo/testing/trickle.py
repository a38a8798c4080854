"""``Trickler``: slow clients, for the tests of the servers' deadlines and the
benchmark's slow-client probes.

Every connection sends its ``head`` at once and then ``rest`` a byte at a
time; all of them are driven from one thread, so a hundred slow clients
cost one thread, and each notes what the server answered and when it
closed.  The pause between bytes is the point: it is what a slow client is.
"""

import re
import selectors
import socket
import threading
import time

STATUS = re.compile(rb"HTTP/1\.\d (\d{3})")


class Trickle:
    """One slow connection: what the server answered (``reply``) and how many
    seconds after the connect it closed (``closed_after``; None while open)."""

    def __init__(self, sock):
        self.sock, self.started = sock, time.monotonic()
        self.reply, self.closed_after = b"", None

    @property
    def status(self):
        """The status the server answered with, or None."""
        match = STATUS.match(self.reply)
        return int(match.group(1)) if match else None


class Trickler:
    """``count`` connections to ``server`` that send ``head``, then ``rest`` a
    byte every ``interval`` seconds, until the server has closed them all or
    ``cap`` seconds have passed.  ``sending`` is set once every connection
    has sent its first byte; ``connections`` are the ``Trickle``s."""

    def __init__(self, server, head, rest, count=1, interval=1.0, cap=30.0):
        self.rest, self.interval, self.cap = rest, interval, cap
        self.connections = []
        self.sending = threading.Event()
        self._stopping = threading.Event()
        for _ in range(count):
            connection = Trickle(socket.create_connection((server.host, server.port), timeout=5))
            self.connections.append(connection)
            try:
                connection.sock.sendall(head)
            except OSError:
                self._closed(connection)
            connection.sock.setblocking(False)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def open(self):
        """How many connections the server has not closed."""
        return sum(1 for connection in self.connections if connection.closed_after is None)

    def _closed(self, connection, selector=None):
        if connection.closed_after is None:
            connection.closed_after = time.monotonic() - connection.started
            if selector is not None and connection.sock in selector.get_map():
                selector.unregister(connection.sock)

    def _receive(self, connection, selector):
        """What the server sent; the connection noted closed at its end."""
        while True:
            try:
                data = connection.sock.recv(65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._closed(connection, selector)
                return
            connection.reply += data

    def _send_byte(self, position, selector):
        byte = self.rest[position : position + 1]
        for connection in self.connections:
            if connection.closed_after is None:
                try:
                    connection.sock.send(byte)
                except BlockingIOError:
                    pass
                except OSError:  # closed by the server: collect its answer
                    self._receive(connection, selector)
                    self._closed(connection, selector)

    def _run(self):
        selector = selectors.DefaultSelector()
        for connection in self.connections:
            if connection.closed_after is None:
                selector.register(connection.sock, selectors.EVENT_READ, connection)
        position, next_send = 0, time.monotonic()
        end = next_send + self.cap
        while not self._stopping.is_set() and self.open() and time.monotonic() < end:
            if position < len(self.rest) and time.monotonic() >= next_send:
                self._send_byte(position, selector)
                position += 1
                next_send += self.interval
            if position or not self.rest:
                self.sending.set()
            # Until the next byte is due (the trickle's pace, the thing under
            # test), listening for answers and closes meanwhile.
            due = next_send if position < len(self.rest) else end
            for key, _ in selector.select(min(max(due - time.monotonic(), 0.0), 0.2)):
                self._receive(key.data, selector)
        self.sending.set()  # nobody waits for a first byte that will not come
        selector.close()

    def join(self, timeout=None):
        """Until every connection is closed or the cap has passed."""
        self.thread.join(timeout)

    def stop(self):
        self._stopping.set()
        self.thread.join(5)
        for connection in self.connections:
            connection.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
