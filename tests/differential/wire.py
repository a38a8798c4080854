"""Requests as raw bytes, answers as exactly what came back.

A corpus request is bytes written by hand (so repeated, empty, odd-cased and
non-ASCII header lines go out exactly as written); its answer keeps the
status line whole, every header line in order with its name as sent, and the
body with the transfer framing removed (a chunked body's chunk sizes are the
server's business, the bytes in them the app's).  ``http.client`` would fold
repeated headers and lose the reason phrase's case, so this reads the socket.
"""

from collections import namedtuple
from urllib.parse import urlsplit

from wsgi_echo.testing.clients import Connection

HOST = "example.test"  # the Host every request names, whichever server gets it
REDIRECTS = (301, 302, 303, 307, 308)
MAX_HOPS = 6


class Answer:
    """One response: ``status_line`` (str), ``headers`` [(name, value)] as
    sent, ``body`` (bytes, unframed), ``framing`` ("length", "chunked",
    "close" or "none"), ``interim`` (1xx status lines before it)."""

    def __init__(self, status_line, headers, body, framing, interim=()):
        self.status_line, self.headers, self.body = status_line, headers, body
        self.framing, self.interim = framing, list(interim)

    @property
    def status(self):
        return int(self.status_line.split(" ", 2)[1])

    def header(self, name, default=None):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    def text(self):
        """The answer as a reader sees it, for a failure report."""
        lines = [self.status_line] + ["%s: %s" % pair for pair in self.headers]
        body = self.body[:1500].decode("utf-8", "replace")
        more = " [... %d bytes]" % len(self.body) if len(self.body) > 1500 else ""
        return "\n".join(lines) + "\n\n" + body + more


def message(method, target, headers=(), body=b"", version="HTTP/1.1", host=HOST, close=True):
    """Raw request bytes: ``headers`` are (name, value) pairs or raw lines
    (bytes), written in order after ``Host`` (``host`` None: no Host line)."""
    lines = [("%s %s %s" % (method, target, version)).encode("latin-1")]
    if host is not None:
        lines.append(b"Host: " + host.encode("latin-1"))
    for header in headers:
        if isinstance(header, bytes):
            lines.append(header)
        else:
            lines.append(("%s: %s" % header).encode("latin-1"))
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _head(reader):
    status_line = reader._line().decode("latin-1")
    headers = []
    while True:
        line = reader._line()
        if not line:
            return status_line, headers
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name, value.strip(" \t")))


def _chunked(reader):
    body = []
    while True:
        size = int(reader._line().split(b";")[0].strip(), 16)
        if size == 0:
            while reader._line():  # trailer fields, up to the blank line
                pass
            return b"".join(body)
        body.append(reader._take(size))
        reader._take(2)


def read_answer(reader, method):
    interim = []
    status_line, headers = _head(reader)
    status = int(status_line.split(" ", 2)[1])
    while 100 <= status < 200 and status != 101:
        try:  # an interim answer, unless the server closes after it (a final 1xx)
            next_head = _head(reader)
        except ConnectionError:  # closed by the server
            break
        interim.append(status_line)
        status_line, headers = next_head
        status = int(status_line.split(" ", 2)[1])
    answer = Answer(status_line, headers, b"", "none", interim)
    names = {name.lower(): value for name, value in headers}
    if method == "HEAD" or status in (204, 304) or status < 200:
        return answer
    if "chunked" in names.get("transfer-encoding", "").lower():
        answer.body, answer.framing = _chunked(reader), "chunked"
    elif "content-length" in names:
        answer.body, answer.framing = reader._take(int(names["content-length"])), "length"
    else:
        answer.body, answer.framing = reader.read_all(), "close"
    return answer


Address = namedtuple("Address", "host port")


def send(address, data, timeout=20):
    """``data`` sent on a fresh connection to ``address`` (host, port); the
    answer, read with the test client's ``Connection`` (its ``_line`` and
    ``_take`` read the socket; the head is read here, names kept as sent)."""
    method = data.split(b" ", 1)[0].decode("latin-1")
    with Connection(Address(*address), timeout) as reader:
        reader.send(data)
        return read_answer(reader, method)


def next_hop(answer, target, method):
    """(method, target) a client following ``answer``'s redirect asks next,
    or None: a ``Location`` on another host is not followed (RFC 9110
    section 15.4: 307 and 308 keep the method, the others become GET)."""
    location = answer.header("Location")
    if answer.status not in REDIRECTS or not location:
        return None
    parts = urlsplit(location)
    if parts.netloc and parts.netloc != HOST:
        return None
    path = parts.path or "/"
    if not path.startswith("/"):  # relative to the target's folder
        path = target.split("?", 1)[0].rsplit("/", 1)[0] + "/" + path
    new_target = path + ("?" + parts.query if parts.query else "")
    return ("GET" if answer.status not in (307, 308) else method), new_target


def exchange(address, probe):
    """The answers to ``probe``: one, or each hop of a redirect chain when
    the probe follows redirects (each hop a GET with the probe's headers)."""
    answers = [send(address, probe.data)]
    if not probe.follow:
        return answers
    method, target = probe.method, probe.target
    while len(answers) < MAX_HOPS:
        hop = next_hop(answers[-1], target, method)
        if hop is None:
            break
        method, target = hop
        headers = [line.encode("latin-1") for line in probe.follow_headers]
        answers.append(send(address, message(method, target, headers)))
    return answers
