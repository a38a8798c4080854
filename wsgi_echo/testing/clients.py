"""Clients for real servers, shared by the test suite and the benchmark's
probes: a request on a fresh connection, raw bytes, one keep-alive
connection read a response at a time, curl as a user runs it, and
``at_once``, the same check against several servers at the same time.

Raw requests built here send ``Connection: close`` unless asked for
keep-alive, so reading "until the server closes" never waits out a
keep-alive timeout.  Anything with ``host`` and ``port`` is a server here.
"""

import collections
import concurrent.futures
import http.client
import json
import re
import socket
import subprocess
import time


def request(server, method, path, body=None, headers=None, timeout=15):
    """One request on a fresh connection: (status, headers, body bytes)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def get_json(server, method, path, body=None, headers=None):
    status, response_headers, data = request(server, method, path, body, headers)
    return status, response_headers, json.loads(data)


def message(method, target, headers=(), body=b"", version="HTTP/1.1", close=True):
    """A raw HTTP/1.x request: request line, ``Host``, ``headers`` (pairs or
    raw lines), ``Connection: close`` unless ``close`` is False, then ``body``."""
    lines = [("%s %s %s" % (method, target, version)).encode("latin-1"), b"Host: test"]
    for header in headers:
        lines.append(header if isinstance(header, bytes) else ("%s: %s" % header).encode("latin-1"))
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def raw(server, data, timeout=10):
    """Send raw bytes; read until the server closes (or goes quiet for ``timeout``)."""
    return exchange(server, data, timeout)[0]


def exchange(server, data, timeout=10):
    """``raw``, and whether it ended with the server closing: (bytes, closed).

    A server may answer and close before it has read everything sent (a
    refusal): the send then fails, and what it answered is still read.
    """
    with Connection(server, timeout) as connection:
        try:
            connection.send(data)
        except OSError:
            pass
        return connection.read_all(), connection.closed


def status_of(response_bytes):
    """The status code of the first response in raw bytes."""
    return int(response_bytes.split(b" ", 2)[1])


STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3})", re.M)


def status_lines(response_bytes):
    """The status code of every status line in raw bytes, interim (1xx) ones
    included, without relying on the responses' framing."""
    return [int(status) for status in STATUS_LINE.findall(response_bytes)]


def statuses_of(response_bytes):
    """The status codes of every response in raw bytes, in order, each
    response framed by its Content-Length (the servers' answers have one)."""
    statuses, rest = [], response_bytes
    while rest.startswith(b"HTTP/1."):
        head, _, rest = rest.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        statuses.append(int(lines[0].split(b" ", 2)[1]))
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        rest = rest[length:]
    assert not rest, "bytes after the last framed response: %r" % rest[:100]
    return statuses


class Response(collections.namedtuple("Response", "status headers body")):
    """A response read by ``Connection``: (status, headers with lower-case
    names, body), and ``ending``, how its body ended: ``complete``, ``eof``
    (the server closed before it was whole) or ``timeout`` (it stalled on an
    open connection), so a short body is a finding, not an exception."""

    ending = "complete"


class Connection:
    """A raw connection that reads one framed response at a time."""

    def __init__(self, server, timeout=10):
        self.timeout = timeout
        self.sock = socket.create_connection((server.host, server.port), timeout=timeout)
        self.buffer = b""
        self.closed = False  # by the server

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, ConnectionAbortedError):
            chunk = b""
        if not chunk:
            self.closed = True
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def _line(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _take(self, size):
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def wait_for_head(self):
        """Until the next response's head is here (it stays in the buffer, for
        ``read_response``): the sign the server is answering."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()

    def read_response(self, head=False):
        """The next response (``head``: it answers a HEAD, so has no body).
        ConnectionError or socket.timeout before its head is whole; after
        that, the Response's ``ending`` says how its body ended."""
        self.wait_for_head()
        block, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = block.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body, ending = [], "complete"
        try:
            if head or status < 200 or status in (204, 304):
                pass
            elif "chunked" in headers.get("transfer-encoding", "").lower():
                while True:
                    size = int(self._line().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self._line():  # trailers, up to the blank line
                            pass
                        break
                    body.append(self._take(size))
                    self._take(2)
            elif "content-length" in headers:
                body.append(self._take(int(headers["content-length"])))
            else:  # delimited by the close
                body.append(self.read_all())
                ending = "complete" if self.closed else "timeout"
        except ConnectionError:
            ending = "eof"
        except TimeoutError:
            ending = "timeout"
        if ending != "complete":
            body.append(self.buffer)
            self.buffer = b""
        response = Response(status, headers, b"".join(body))
        response.ending = ending
        return response

    def read_all(self):
        """Everything until the server closes (``closed`` is then True) or
        sends nothing for the connection's timeout."""
        try:
            while True:
                self._fill()
        except (TimeoutError, ConnectionError):
            pass
        data, self.buffer = self.buffer, b""
        return data

    def closed_by_server(self, wait=3.0):
        """True when the server closes the connection within ``wait`` seconds
        (bytes that come meanwhile stay in the buffer, for ``read_response``)."""
        deadline = time.monotonic() + wait
        try:
            while not self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.sock.settimeout(left)
                try:
                    self._fill()
                except ConnectionError:
                    pass
                except TimeoutError:
                    return False
            return True
        finally:
            self.sock.settimeout(self.timeout)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def curl(*args, timeout=20):
    """curl as a user runs it, silent but for errors, the body thrown away
    (``-sS -o /dev/null``), then ``args``: (its exit status, what it wrote
    (``-w``), what it said, stripped)."""
    done = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", *args], capture_output=True, text=True, timeout=timeout
    )
    return done.returncode, done.stdout, done.stderr.strip()


def at_once(check, servers):
    """Run ``check(server)`` for every value of ``{key: server}`` at the same
    time, returning ``{key: result}``: for checks that mostly wait (timeouts,
    slow clients), so their waits overlap.  A failure names its key."""
    with concurrent.futures.ThreadPoolExecutor(len(servers)) as pool:
        futures = {key: pool.submit(check, server) for key, server in servers.items()}
    for key, future in futures.items():
        error = future.exception()
        if error is not None:
            raise AssertionError("under %s: %s" % (key, error)) from error
    return {key: future.result() for key, future in futures.items()}
