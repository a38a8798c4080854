"""The held-connection load: ``python -m bench.held_load PORT HOLDERS SECONDS [MIX]``.

``HOLDERS`` connections hold the server on purpose, an equal share of each
kind in ``HOLDS`` (a slow route, a stream, a drip, a body trickled at a byte
a second, an idle keep-alive connection); each one, once the server has
finished with it, connects again, so the server holds that many for the
whole run.  Meanwhile an ordinary echo GET starts every ``1 / RATE`` seconds
on a connection of its own, whatever became of the ones before (an open
loop: a stalled server is measured, not waited for).  The summary is one
JSON line on stdout.

One thread drives every socket (``selectors``): a thousand holders cost no
thousand threads here, and the figures are the server's.  Written by hand
because wrk and h2load open connections that all do the same thing.
"""

import json
import selectors
import socket
import sys
import time

HOST = "127.0.0.1"
RATE = 50  # ordinary requests a second
ORDINARY_TIMEOUT = 10.0
# The holders start spread over this many seconds (the length of a hold),
# so they do not all end and reconnect at the same instants; the ordinary
# requests start a second after the last one.
SPREAD_S = 5.0
SETTLE_S = SPREAD_S + 1.0
TRICKLE_BYTES = 100_000
HOLDS = {
    "delay": b"GET /httpbin/delay/5 HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
    "sse": b"GET /httpbin/sse?duration=5 HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
    "drip": b"GET /httpbin/drip?duration=5&numbytes=50 HTTP/1.1\r\nHost: bench\r\n"
    b"Connection: close\r\n\r\n",
    "trickle": b"POST /echo/trickle HTTP/1.1\r\nHost: bench\r\nContent-Length: %d\r\n\r\n"
    % TRICKLE_BYTES,
    "idle": b"GET /echo/idle HTTP/1.1\r\nHost: bench\r\n\r\n",
}
# The tricklers' mix: headers and bodies a byte a second, each watched until
# the server answers and closes it (not opened again).
HEADER_TRICKLE = b"GET /echo/slow HTTP/1.1\r\nHost: bench\r\nX-Slow: " + b"h" * 4000
TRICKLES = {
    "headers": (HEADER_TRICKLE[:1], HEADER_TRICKLE[1:]),  # the first byte starts the deadline
    "body": (HOLDS["trickle"], b"x" * TRICKLE_BYTES),
}
ORDINARY = b"GET /echo/ordinary HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"


class Connection:
    """``data`` sent at once, then ``rest`` a byte a second."""

    def __init__(self, port, kind, data, rest=b""):
        self.kind, self.data, self.rest, self.reply = kind, data, rest, b""
        self.closed_after = None
        self.started = time.monotonic()
        self.sock = socket.socket()
        self.sock.setblocking(False)
        self.sock.connect_ex((HOST, port))

    @property
    def status(self):
        head = self.reply.split(b"\r\n", 1)[0].split(b" ")
        return int(head[1]) if len(head) > 1 and head[1].isdigit() else None

    def close(self):
        self.sock.close()


class Load:
    """``mix``: ``held`` (``HOLDS``, each opened again when it ends) or
    ``trickle`` (``TRICKLES``, each watched until the server closes it)."""

    def __init__(self, port, holders, seconds, mix="held"):
        self.port, self.seconds, self.mix = port, seconds, mix
        self.selector = selectors.DefaultSelector()
        kinds = list(HOLDS if mix == "held" else TRICKLES)
        self.holders = [kinds[number % len(kinds)] for number in range(holders)]
        self.latencies, self.errors, self.held_statuses = [], {}, {}
        self.tricklers = []
        self.ordinary = set()  # the ordinary requests under way, apart: they are checked often

    def open(self, kind, data, rest=b""):
        connection = Connection(self.port, kind, data, rest)
        self.selector.register(connection.sock, selectors.EVENT_WRITE, connection)
        if kind == "ordinary":
            self.ordinary.add(connection)
        return connection

    def hold(self, kind):
        if self.mix == "held":
            rest = b"x" * TRICKLE_BYTES if kind == "trickle" else b""
            return self.open(kind, HOLDS[kind], rest)
        self.tricklers.append(self.open(kind, *TRICKLES[kind]))
        return self.tricklers[-1]

    def error(self, what):
        self.errors[what] = self.errors.get(what, 0) + 1

    def finished(self, connection, failure=None):
        """The server closed ``connection`` (or it failed): note it, and
        open a holder again in its place."""
        self.selector.unregister(connection.sock)
        connection.close()
        if connection.kind == "ordinary":
            self.ordinary.discard(connection)
            if failure or connection.status != 200:
                self.error(failure or "status %s" % connection.status)
            else:
                self.latencies.append(time.monotonic() - connection.started)
            return
        status = connection.status
        self.held_statuses[status] = self.held_statuses.get(status, 0) + 1
        connection.closed_after = time.monotonic() - connection.started
        if not self.stopping and self.mix == "held":
            self.hold(connection.kind)

    def on_event(self, connection, mask):
        if mask & selectors.EVENT_WRITE:
            error = connection.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error:
                return self.finished(connection, "connect: %s" % errno_name(error))
            try:
                connection.sock.sendall(connection.data)
            except OSError as exc:
                return self.finished(connection, "send: %s" % errno_name(exc.errno))
            self.selector.modify(connection.sock, selectors.EVENT_READ, connection)
            return None
        try:
            data = connection.sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError as exc:
            return self.finished(connection, "recv: %s" % errno_name(exc.errno))
        if not data:
            return self.finished(connection)
        if len(connection.reply) < 256:  # the status line is all that is read of it
            connection.reply += data[:256]
        return None

    def trickle(self):
        """One byte more of every trickled body."""
        for key in list(self.selector.get_map().values()):
            connection = key.data
            if connection.rest and key.events == selectors.EVENT_READ:
                try:
                    connection.sock.send(connection.rest[:1])
                    connection.rest = connection.rest[1:]
                except OSError:
                    pass

    def expire_ordinary(self, now):
        for connection in [c for c in self.ordinary if now - c.started > ORDINARY_TIMEOUT]:
            self.finished(connection, "timeout")

    def run(self):
        self.stopping = False
        begin = time.monotonic()
        starts = [
            (begin + SPREAD_S * number / len(self.holders), kind)
            for number, kind in enumerate(self.holders)
        ]
        starts.reverse()
        measure_from = begin + SETTLE_S
        end = measure_from + self.seconds
        next_ordinary, next_trickle = measure_from, begin
        while True:
            now = time.monotonic()
            while starts and starts[-1][0] <= now:
                self.hold(starts.pop()[1])
            if now >= next_trickle:
                self.trickle()
                next_trickle += 1.0
            if measure_from <= now < end and now >= next_ordinary:
                self.open("ordinary", ORDINARY)
                next_ordinary += 1.0 / RATE
            self.expire_ordinary(now)
            if now >= end and not self.ordinary:
                break
            # Until the next ordinary request or trickled byte is due.
            due = min(next_ordinary, next_trickle, starts[-1][0] if starts else end)
            timeout = max(due - now, 0.0) if now < end else 0.05
            for key, mask in self.selector.select(min(timeout, 0.05)):
                self.on_event(key.data, mask)
        self.stopping = True
        for key in list(self.selector.get_map().values()):
            key.data.close()
        return self.summary()

    def summary(self):
        ordered = sorted(self.latencies)

        def percentile(share):
            return ordered[min(int(share * len(ordered)), len(ordered) - 1)] if ordered else None

        return {
            "ordinary": len(ordered) + sum(self.errors.values()),
            "answered": len(ordered),
            "p50_ms": percentile(0.5) and 1000 * percentile(0.5),
            "p99_ms": percentile(0.99) and 1000 * percentile(0.99),
            "max_ms": 1000 * ordered[-1] if ordered else None,
            "errors": self.errors,
            "held_statuses": {str(key): value for key, value in self.held_statuses.items()},
            "tricklers": [
                (connection.kind, connection.status, connection.closed_after)
                for connection in self.tricklers
            ],
        }


def errno_name(number):
    import errno

    return errno.errorcode.get(number, str(number))


def main(argv):
    port, holders, seconds = (int(value) for value in argv[:3])
    mix = argv[3] if len(argv) > 3 else "held"
    print(json.dumps(Load(port, holders, seconds, mix).run()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
