"""Small socket-level helpers for talking to real servers in tests.

Raw requests built here send ``Connection: close`` unless a test asks for
keep-alive, so reading "until the server closes" never waits out a
keep-alive timeout.
"""

import http.client
import json
import re
import socket


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
        lines.append(header if isinstance(header, bytes)
                     else ("%s: %s" % header).encode("latin-1"))
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def raw(server, data, timeout=10):
    """Send raw bytes; read until the server closes (or goes quiet for ``timeout``).

    A server may answer and close before it has read everything sent (a
    refusal): the send then fails, and what it answered is still read.
    """
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (socket.timeout, ConnectionResetError):
            pass
        return b"".join(chunks)


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


class Connection:
    """A raw keep-alive connection that reads one framed response at a time."""

    def __init__(self, server, timeout=10):
        self.sock = socket.create_connection((server.host, server.port), timeout=timeout)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def read_response(self):
        """(status, headers with lower-case names, body) of the next response."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", 0))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(lines[0].split()[1]), headers, body

    def closed_by_server(self, wait=3.0):
        """True when the server closes the connection within ``wait`` seconds."""
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(1) == b""
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
