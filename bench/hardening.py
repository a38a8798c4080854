"""Before/after figures for five hardening findings, measured against real servers.

Run it once per tree, with that tree's interpreter; the script itself runs
from this project (it reuses ``wsgi_echo.testing.process`` to start and stop
servers by PID).  To compare with an earlier commit::

    mkdir -p /tmp/before && git archive 83553bb | tar -x -C /tmp/before
    python3 -m venv /tmp/before/.venv && /tmp/before/.venv/bin/pip install -q -e /tmp/before
    .venv/bin/python -m bench.hardening --python /tmp/before/.venv/bin/python --cwd /tmp/before
    .venv/bin/python -m bench.hardening --python .venv/bin/python --cwd .

Every server is ``<python> -m wsgi_echo --config <tmp ini> --server gunicorn|waitress
--host 127.0.0.1 --port <free port>``, run in a scratch folder with PYTHONPATH
unset, with the default settings but for ``[server] workers = 2, threads = 8``,
a scratch docroot and ``[log] access_log =`` (off).  New keys of the after
tree (``body_timeout``, ``header_timeout``, ``max_connections``,
``max_form_parts``) keep their defaults, so the comparison is default against
default.  Only 127.0.0.1 is used.

What it measures, under gunicorn and under waitress:

1. A multipart part without a name, and a part with no headers at all: the
   status of each (it was a 500).
2. A static file changing while 4 keep-alive clients fetch it: a 10 KB file
   replaced by rename every ~6 ms for 10 s (responses, 5xx); rewritten in
   place for 10 s (404s); a 400 KB file (sendfile under gunicorn) rewritten in
   place, 400 KB / 130 KB alternately, for 5 s: bodies shorter than their
   Content-Length on a connection left open (a 2 s read timeout: "stall") and
   on a connection the server closed ("closed short", acceptable).
3. Framing that RFC 9112 section 6.1 says must not be trusted (Content-Length
   with chunked; chunked twice; chunked in HTTP/1.0; gzip, chunked), each with
   a valid chunked body and a second request pipelined behind it: the first
   status, whether the second was answered, whether the server closed.
4. Slow clients: (a) 16 clients trickling a body at 1 byte/s while a normal
   request is made every 1.4 s (7 of them); (b) 16 clients trickling headers,
   20 normal requests; (c) 110 clients trickling headers, 20 normal requests;
   (d) a chunk-size line of 24 hex digits and then silence.  Normal requests
   count as answered within 10 s each; trickling connections are watched until
   the server closes them (capped, see below).
5. Hostile multipart: one 1 MiB body of 10,000 tiny parts (status, response
   size, server CPU seconds from /proc utime+stime of the server and its
   workers); then 8 concurrent posters x 5 of that body (peak and final RSS,
   summed over the server's processes).  For a tree with ``max_form_parts``
   (the after tree) also: the same with 1,000 parts (the cap) of the same tiny
   size and with 1,000 parts filling 1 MiB, and the mean CPU per post of
   1,000, 500 and 1 tiny parts (20 posts each; /proc counts in 10 ms ticks).
   Each body gets a fresh server.

Counts are reduced so that each tree takes about 3 minutes (under 6): 4 clients, 10 s /
10 s / 5 s of churn; 16 body tricklers and 7 normal requests; 16 and 110
header tricklers with 20 normal requests; trickler observation capped at 40 s
((b): 20 s); 8 x 5 hostile posts.  The gunicorn and waitress runs of finding
3 and 4 go at the same time (they are I/O-bound); findings 1, 2 and 5 run one
server at a time.  ``--only 1,3`` runs a subset.  Everything stops by itself;
servers are stopped by PID (their own process group).
"""

import argparse
import collections
import os
import re
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from wsgi_echo.testing.ini import write_settings
from wsgi_echo.testing.process import ServerProcess, StartError, free_port, wsgi_echo_argv

from .servers import cpu_seconds, rss_kb

HOST = "127.0.0.1"
KINDS = ("gunicorn", "waitress")
WORKERS, THREADS = 2, 8

# Reduced counts (see the docstring).
RACE_CLIENTS = 4
RACE_SMALL_SECONDS = 10.0
RACE_LARGE_SECONDS = 5.0
RACE_INTERVAL = 0.006
STALL_TIMEOUT = 2.0
SMALL_SIZE = 10 * 1024
LARGE_SIZES = (400 * 1024, 130 * 1024)
NORMAL_TIMEOUT = 10.0
TRICKLE_CAP = 40.0
TRICKLE_CAP_B = 20.0
HOSTILE_PARTS = 10_000
HOSTILE_BYTES = 1024 * 1024
POSTERS, POSTS_EACH = 8, 5
POSTERS_DEADLINE = 150.0  # no new post starts after this many seconds
LINEAR_POSTS = 20

BOUNDARY = b"hardening-boundary-7f3a"


# -- a small HTTP/1.1 client on raw sockets -----------------------------------------------

class Response:
    def __init__(self, status, headers, body, ending):
        self.status, self.headers, self.body = status, headers, body
        self.ending = ending  # "complete", "eof" (server closed), "timeout"

    @property
    def short(self):
        return self.ending != "complete"


class Conn:
    """One connection: ``timeout`` bounds each read, ``deadline`` (monotonic)
    the whole exchange."""

    def __init__(self, port, timeout=5.0, deadline=None):
        self.timeout, self.deadline = timeout, deadline
        self.sock = socket.create_connection((HOST, port), timeout=self._wait())
        self.buf = bytearray()
        self.eof = False

    def _wait(self):
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("deadline passed")
        return min(self.timeout, left)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.settimeout(self._wait())
        self.sock.sendall(data)

    def recv(self):
        """More bytes into the buffer; EOFError when the server has closed."""
        self.sock.settimeout(self._wait())
        try:
            chunk = self.sock.recv(1 << 18)
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.eof = True
            raise EOFError
        self.buf += chunk

    def _take_line(self):
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[:end + 2]
                return line
            self.recv()

    def _take(self, size):
        while len(self.buf) < size:
            self.recv()
        data = bytes(self.buf[:size])
        del self.buf[:size]
        return data

    def read_response(self, head=False):
        """The next response.  EOFError / socket.timeout before its headers
        are whole; after that the Response says how its body ended."""
        while True:
            while self.buf.find(b"\r\n\r\n") < 0:
                self.recv()
            end = self.buf.find(b"\r\n\r\n")
            block = bytes(self.buf[:end]).decode("latin-1")
            del self.buf[:end + 4]
            lines = block.split("\r\n")
            try:
                status = int(lines[0].split()[1])
            except (IndexError, ValueError):
                status = 0
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if 100 <= status < 200:
                continue  # 100 Continue: the real answer follows
            break
        length = headers.get("content-length")
        expected = int(length) if length and length.isdigit() else None
        body = bytearray()
        ending = "complete"
        try:
            if head or status in (204, 304):
                pass
            elif "chunked" in headers.get("transfer-encoding", "").lower():
                while True:
                    size = int(self._take_line().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self._take_line():
                            pass
                        break
                    body += self._take(size)
                    self._take(2)
            elif expected is not None:
                while len(body) + len(self.buf) < expected:
                    self.recv()
                body += self.buf[:expected - len(body)]
                del self.buf[:expected]
            else:  # delimited by the close
                try:
                    while True:
                        self.recv()
                except EOFError:
                    body += self.buf
                    self.buf.clear()
        except EOFError:
            ending = "eof"
            body += self.buf
            self.buf.clear()
        except socket.timeout:
            ending = "timeout"
            body += self.buf
            self.buf.clear()
        return Response(status, headers, bytes(body), ending)

    def closed_within(self, seconds):
        """True if the server closes within ``seconds`` (bytes that come
        instead are kept in the buffer)."""
        until = time.monotonic() + seconds
        while not self.eof:
            left = until - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except OSError:
                chunk = b""
            if not chunk:
                self.eof = True
                break
            self.buf += chunk
        return True


def request(port, method, path, body=b"", headers=(), timeout=10.0):
    """One request on its own connection: (Response or None, seconds).
    None when no response headers came within ``timeout``."""
    started = time.monotonic()
    try:
        conn = Conn(port, timeout=timeout, deadline=started + timeout)
    except OSError:
        return None, time.monotonic() - started
    try:
        head = ["%s %s HTTP/1.1" % (method, path), "Host: x", "Connection: close"]
        head += list(headers)
        if body or method == "POST":
            head.append("Content-Length: %d" % len(body))
        conn.send(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        return conn.read_response(head=method == "HEAD"), time.monotonic() - started
    except (OSError, EOFError):
        return None, time.monotonic() - started
    finally:
        conn.close()


# -- servers ------------------------------------------------------------------------------

class Bench:
    """What one run shares: the interpreter under test, the scratch folder, the results."""

    def __init__(self, python, workdir):
        self.python, self.workdir = python, workdir
        self.rows = []  # (finding, measurement, kind, value)
        self.notes = []
        self.live = []  # servers not yet stopped
        self.lock = threading.Lock()

    def record(self, finding, measurement, kind, value):
        with self.lock:
            self.rows.append((finding, measurement, kind, value))
            print("  %-9s %-4s %-52s %s" % (kind, finding, measurement, value), flush=True)

    def note(self, text, server=None, tail=True):
        with self.lock:
            self.notes.append(text)
            print("  ! %s" % text, flush=True)
            if server is not None and tail:
                log = server.log()
                if len(log) != server.tail_shown_at:  # each part of a log once
                    server.tail_shown_at = len(log)
                    print(indent(server.log_tail()), flush=True)


def indent(text, prefix="      | "):
    return "\n".join(prefix + line for line in text.splitlines()) or prefix + "(empty log)"


class Server:
    def __init__(self, bench, kind, label):
        self.bench, self.kind, self.label = bench, kind, label
        self.folder = tempfile.mkdtemp(prefix="%s-%s-" % (label, kind), dir=bench.workdir)
        self.site = os.path.join(self.folder, "site")
        os.mkdir(self.site)
        with open(os.path.join(self.site, "index.html"), "w") as handle:
            handle.write("<!doctype html><title>hardening</title>\n")
        config = write_settings(os.path.join(self.folder, "settings.ini"),
                                server={"workers": WORKERS, "threads": THREADS},
                                static={"root": self.site}, log={"access_log": ""})
        self.log_path = os.path.join(self.folder, "server.log")
        self.port = free_port()
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        argv = wsgi_echo_argv(config, kind, HOST, self.port, python=bench.python)
        self.process = ServerProcess(argv, self.port, cwd=self.folder, env=env,
                                     log_path=self.log_path, timeout=30)
        bench.live.append(self)
        self.stopped = False
        self.tail_shown_at = -1
        self.warm_up()

    def warm_up(self):
        """The port accepts before gunicorn's workers run: wait for answers
        and for both workers."""
        until = time.monotonic() + 30
        while time.monotonic() < until:
            response, _ = request(self.port, "GET", "/echo/warm-up", timeout=3)
            if response is not None and response.status == 200:
                break
            time.sleep(0.1)
        else:
            raise StartError("%s answered no request within 30 s:\n%s"
                             % (self.kind, self.log_tail()))
        if self.kind == "gunicorn":
            while time.monotonic() < until and len(self.process.children()) < WORKERS:
                time.sleep(0.1)
            time.sleep(0.3)
        for _ in range(4):
            request(self.port, "GET", "/echo/warm-up", timeout=3)

    def pids(self):
        return [self.process.pid] + self.process.children()

    def cpu_seconds(self):
        return cpu_seconds(self.pids())

    def rss_bytes(self):
        total = 0
        for pid in self.pids():
            try:
                total += rss_kb(pid) * 1024
            except (OSError, ValueError):
                pass  # gone since it was listed
        return total

    def connections_per_worker(self):
        """Established connections held by each gunicorn worker ("" for waitress)."""
        if self.kind != "gunicorn":
            return ""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as handle:
                    next(handle)
                    for line in handle:
                        fields = line.split()
                        if (int(fields[1].rsplit(":", 1)[1], 16) == self.port
                                and fields[3] == "01"):
                            inodes.add("socket:[%s]" % fields[9])
            except (OSError, StopIteration, IndexError, ValueError):
                pass
        counts = []
        for pid in self.process.children():
            count = 0
            try:
                for fd in os.listdir("/proc/%d/fd" % pid):
                    try:
                        if os.readlink("/proc/%d/fd/%s" % (pid, fd)) in inodes:
                            count += 1
                    except OSError:
                        pass
            except OSError:
                continue
            counts.append(count)
        return "+".join(str(count) for count in sorted(counts, reverse=True))

    def log(self):
        return self.process.log()

    def log_tail(self, lines=25):
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        alive = self.process.alive()
        started = time.monotonic()
        self.process.stop(timeout=10)
        took = time.monotonic() - started
        if self in self.bench.live:
            self.bench.live.remove(self)
        log = self.log()
        if not alive:
            self.bench.note("%s (%s) had exited before the stop" % (self.kind, self.label), self)
        elif "Traceback" in log:
            count = log.count("Traceback")
            kinds = collections.Counter(
                match.group(1) for match in re.finditer(
                    r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b", log, re.M))
            self.bench.note("%s (%s): %d traceback(s) in the server log (%s); last lines:"
                            % (self.kind, self.label, count, ", ".join(
                                "%s x%d" % item for item in kinds.most_common())), self)
        if took > 9:
            self.bench.note("%s (%s) took %.0f s to stop" % (self.kind, self.label, took),
                            tail=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def servers(bench, label, kinds=KINDS):
    started = []
    try:
        for kind in kinds:
            started.append(Server(bench, kind, label))
    except Exception:
        for server in started:
            server.stop()
        raise
    return started


def at_once(function, servers_):
    """``function(server)`` for every server at the same time; results by kind."""
    results, errors_ = {}, {}

    def run(server):
        try:
            results[server.kind] = function(server)
        except Exception as exc:  # reported, and the run goes on
            errors_[server.kind] = exc

    threads = [threading.Thread(target=run, args=(server,), daemon=True) for server in servers_]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for kind, exc in errors_.items():
        raise RuntimeError("%s: %r" % (kind, exc)) from exc
    return results


# -- 1. multipart parts without a name ----------------------------------------------------

NAMELESS = b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n"
HEADERLESS = b"--B\r\n\r\nx\r\n--B--\r\n"


def finding_1(bench):
    print("\n1. multipart part without a name (was a 500)", flush=True)
    for kind in KINDS:
        with Server(bench, kind, "f1") as server:
            for label, body in (("part without a name: status", NAMELESS),
                                ("part with no headers: status", HEADERLESS)):
                response, _ = request(server.port, "POST", "/echo/x", body,
                                      ["Content-Type: multipart/form-data; boundary=B"])
                status = response.status if response else "no answer"
                bench.record("1", label, kind, str(status))
                if response is None or response.status >= 500:
                    bench.note("%s: %s answered %s" % (kind, label.split(":")[0], status),
                               server)


# -- 2. a static file changing under load -------------------------------------------------

class Writer(threading.Thread):
    def __init__(self, path, contents, in_place):
        super().__init__(daemon=True)
        self.path, self.contents, self.in_place = path, contents, in_place
        self.running = True
        self.changes = 0

    def run(self):
        while self.running:
            data = self.contents[self.changes % len(self.contents)]
            if self.in_place:
                with open(self.path, "r+b") as handle:
                    handle.truncate(0)
                    handle.write(data)
            else:
                temporary = self.path + ".tmp"
                with open(temporary, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, self.path)
            self.changes += 1
            time.sleep(RACE_INTERVAL)


def fetch_loop(port, path, until, tally):
    """Keep-alive GETs until ``until``; counts into ``tally`` (a Counter of
    this client's own)."""
    conn = None
    request_bytes = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    while time.monotonic() < until:
        if conn is None:
            try:
                conn = Conn(port, timeout=STALL_TIMEOUT)
            except OSError:
                tally["connect failed"] += 1
                time.sleep(0.05)
                continue
        try:
            conn.send(request_bytes)
            response = conn.read_response()
        except socket.timeout:
            # Not even the headers within STALL_TIMEOUT, on an open connection.
            tally["stalls"] += 1
            tally["stalled before the headers"] += 1
            conn.close()
            conn = None
            continue
        except (EOFError, OSError):
            # Closed (or reset) before a response began: between requests.
            tally["closed before a response"] += 1
            conn.close()
            conn = None
            continue
        tally["responses"] += 1
        tally["status %d" % response.status] += 1
        if response.ending == "timeout":
            tally["stalls"] += 1
        elif response.ending == "eof":
            tally["closed short"] += 1
        if response.short or response.headers.get("connection", "").lower() == "close":
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def churn(server, name, contents, in_place, seconds):
    path = os.path.join(server.site, name)
    with open(path, "wb") as handle:
        handle.write(contents[0])
    request(server.port, "GET", "/" + name)  # cached before the churn starts
    writer = Writer(path, contents, in_place)
    tallies = [collections.Counter() for _ in range(RACE_CLIENTS)]
    until = time.monotonic() + seconds
    writer.start()
    clients = [threading.Thread(target=fetch_loop, daemon=True,
                                args=(server.port, b"/" + name.encode(), until, own))
               for own in tallies]
    for client in clients:
        client.start()
    for client in clients:
        client.join(seconds + 30)
    writer.running = False
    writer.join(5)
    tally = sum(tallies, collections.Counter())
    tally["changes"] = writer.changes
    print("    (%s %s: %d file changes, %d connections closed between requests, %d stalled "
          "before the headers)" % (server.kind, name, writer.changes,
                                   tally["closed before a response"],
                                   tally["stalled before the headers"]), flush=True)
    return tally


def others(tally, expected=("status 200",)):
    """Statuses other than the expected ones, as text."""
    found = ["%d x %s" % (count, key[7:]) for key, count in sorted(tally.items())
             if key.startswith("status ") and key not in expected]
    return ", ".join(found)


def finding_2(bench):
    print("\n2. static file changing under %d keep-alive clients (changes every ~%d ms)"
          % (RACE_CLIENTS, RACE_INTERVAL * 1000), flush=True)
    small = [bytes([65 + n]) * SMALL_SIZE for n in range(3)]
    large = [b"L" * LARGE_SIZES[0], b"s" * LARGE_SIZES[1]]
    for kind in KINDS:
        with Server(bench, kind, "f2") as server:
            tally = churn(server, "renamed.txt", small, False, RACE_SMALL_SECONDS)
            fivexx = sum(count for key, count in tally.items()
                         if key.startswith("status 5"))
            extra = others(tally)
            bench.record("2", "10 KB replaced by rename, %d s: responses / 5xx"
                         % RACE_SMALL_SECONDS, kind, "%d / %d%s" % (
                             tally["responses"], fivexx, " (%s)" % extra if extra else ""))
            if fivexx:
                bench.note("%s: %d 5xx while a file was replaced by rename" % (kind, fivexx),
                           server)

            tally = churn(server, "inplace.txt", small, True, RACE_SMALL_SECONDS)
            extra = others(tally, ("status 200", "status 404"))
            bench.record("2", "10 KB rewritten in place, %d s: responses / 404s"
                         % RACE_SMALL_SECONDS, kind, "%d / %d%s" % (
                             tally["responses"], tally["status 404"],
                             " (%s)" % extra if extra else ""))
            if any(key.startswith("status 5") for key in tally):
                bench.note("%s: 5xx while a file was rewritten in place" % kind, server)

            tally = churn(server, "large.txt", large, True, RACE_LARGE_SECONDS)
            extra = others(tally)
            bench.record("2", "400/130 KB rewritten in place, %d s: responses / stalls "
                         "/ closed short" % RACE_LARGE_SECONDS, kind, "%d / %d / %d%s" % (
                             tally["responses"], tally["stalls"], tally["closed short"],
                             " (%s)" % extra if extra else ""))


# -- 3. framing ---------------------------------------------------------------------------

CHUNKED_BODY = b"5\r\nhello\r\n0\r\n\r\n"
SMUGGLED = b"GET /echo/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
FRAMING = (
    ("Content-Length + chunked",
     b"POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n" % len(CHUNKED_BODY)),
    ("chunked, chunked",
     b"POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
    ("chunked in HTTP/1.0",
     b"POST /echo/x HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ("gzip, chunked",
     b"POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
)


def framing_case(port, head):
    """(first status, second answered?, closed?) for one case."""
    conn = Conn(port, timeout=2.0)
    statuses = []
    try:
        conn.send(head + CHUNKED_BODY + SMUGGLED)
        for _ in range(2):
            try:
                response = conn.read_response()
            except (EOFError, socket.timeout, OSError):
                break
            statuses.append((response.status, b"smuggled" in response.body))
            if response.short:
                break
        closed = conn.eof or conn.closed_within(1.5)
    finally:
        conn.close()
    first = statuses[0][0] if statuses else "no answer"
    second = "yes (%d)" % statuses[1][0] if len(statuses) > 1 else "no"
    return first, second, closed


def finding_3(bench):
    print("\n3. framing (RFC 9112 6.1), a request pipelined behind each", flush=True)
    pair = servers(bench, "f3")
    try:
        def run(server):
            return [framing_case(server.port, head) for _, head in FRAMING]
        results = at_once(run, pair)
        for index, (label, _) in enumerate(FRAMING):
            for server in pair:
                first, second, closed = results[server.kind][index]
                bench.record("3", "%s: status; 2nd answered; closed" % label, server.kind,
                             "%s; %s; %s" % (first, second, "closed" if closed else "open"))
                if isinstance(first, int) and first >= 500 and first != 501:
                    bench.note("%s: %s answered %d" % (server.kind, label, first), server)
    finally:
        for server in pair:
            server.stop()


# -- 4. slow clients ----------------------------------------------------------------------

class Trickle:
    __slots__ = ("sock", "started", "closed_at", "reply")

    def __init__(self, sock, started):
        self.sock, self.started, self.closed_at, self.reply = sock, started, None, b""


class Tricklers:
    """``count`` connections that send ``head`` at once and then ``rest`` at
    one byte per second each, in one thread; it notes when the server answers
    and closes each."""

    def __init__(self, port, count, head, rest):
        self.head, self.rest = head, rest
        self.conns = []
        for _ in range(count):
            started = time.monotonic()
            sock = socket.create_connection((HOST, port), timeout=5)
            sock.setblocking(False)
            conn = Trickle(sock, started)
            if head:
                try:
                    sock.send(head)
                except OSError:
                    conn.closed_at = 0.0
            self.conns.append(conn)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _closed(self, conn, selector):
        if conn.closed_at is None:
            conn.closed_at = time.monotonic() - conn.started
            try:
                selector.unregister(conn.sock)
            except (KeyError, ValueError):
                pass

    def _run(self):
        selector = selectors.DefaultSelector()
        for conn in self.conns:
            if conn.closed_at is None:
                selector.register(conn.sock, selectors.EVENT_READ, conn)
        position, next_send = 0, time.monotonic()
        while not self.stopping.is_set() and self.open():
            now = time.monotonic()
            if now >= next_send and position < len(self.rest):
                byte = self.rest[position:position + 1]
                for conn in self.conns:
                    if conn.closed_at is None:
                        try:
                            conn.sock.send(byte)
                        except BlockingIOError:
                            pass
                        except OSError:
                            self._closed(conn, selector)
                position += 1
                next_send += 1.0
            wait = min(max(next_send - time.monotonic(), 0.0), 0.2)
            if not selector.get_map():
                time.sleep(wait)
                continue
            for key, _ in selector.select(wait):
                conn = key.data
                try:
                    data = conn.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    conn.reply = (conn.reply + data)[:200]
                else:
                    self._closed(conn, selector)
        selector.close()

    def open(self):
        return sum(1 for conn in self.conns if conn.closed_at is None)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        for conn in self.conns:
            try:
                conn.sock.close()
            except OSError:
                pass

    def summary(self, cap):
        closed = sorted(conn.closed_at for conn in self.conns if conn.closed_at is not None)
        replies = collections.Counter()
        for conn in self.conns:
            match = re.match(rb"HTTP/1\.\d (\d{3})", conn.reply)
            if match:
                replies[match.group(1).decode()] += 1
        said = ", ".join("%s x%d" % item for item in sorted(replies.items()))
        said = " [%s]" % said if said else (" [no response]" if closed else "")
        total = len(self.conns)
        if not closed:
            return "still open at %d s (0/%d closed)%s" % (cap, total, said)
        span = ("%.1f s" % closed[0] if closed[-1] - closed[0] < 0.05
                else "%.1f-%.1f s" % (closed[0], closed[-1]))
        clusters = collections.Counter(int(round(seconds)) for seconds in closed)
        if len(clusters) > 1:
            span += " (%s)" % ", ".join("%d at ~%d s" % (count, seconds)
                                        for seconds, count in sorted(clusters.items()))
        if len(closed) < total:
            return "%d/%d closed (%s), rest still open at %d s%s" % (
                len(closed), total, span, cap, said)
        return "%d/%d closed after %s%s" % (len(closed), total, span, said)


class NormalRequests:
    """``count`` GET requests, one every ``interval`` s, each on its own
    connection and thread, each given NORMAL_TIMEOUT seconds."""

    def __init__(self, port, count, interval):
        self.port, self.count, self.interval = port, count, interval
        self.latencies = [None] * count
        self.statuses = [None] * count
        self.threads = []
        self.launcher = threading.Thread(target=self._launch, daemon=True)
        self.launcher.start()

    def _launch(self):
        for index in range(self.count):
            thread = threading.Thread(target=self._one, args=(index,), daemon=True)
            thread.start()
            self.threads.append(thread)
            if index < self.count - 1:
                time.sleep(self.interval)

    def _one(self, index):
        response, seconds = request(self.port, "GET", "/echo/n", timeout=NORMAL_TIMEOUT)
        if response is not None:
            self.statuses[index] = response.status
            if response.status == 200 and not response.short and seconds <= NORMAL_TIMEOUT:
                self.latencies[index] = seconds

    def done(self):
        return (not self.launcher.is_alive()
                and all(not thread.is_alive() for thread in self.threads))

    def join(self):
        self.launcher.join(self.count * self.interval + 5)
        for thread in self.threads:
            thread.join(NORMAL_TIMEOUT + 5)

    def summary(self):
        answered = [latency for latency in self.latencies if latency is not None]
        text = "%d/%d" % (len(answered), self.count)
        if answered:
            text += ", worst answered %.2f s" % max(answered)
        if len(answered) < self.count:
            text += ", %d not within %d s" % (self.count - len(answered), NORMAL_TIMEOUT)
        odd = [status for status in self.statuses if status not in (None, 200)]
        return text + (" (statuses %s)" % odd if odd else "")


def slow_scenario(server, count, head, rest, normal_count, normal_interval, cap):
    """Tricklers plus normal requests; ends when both are done, or at ``cap``."""
    tricklers = Tricklers(server.port, count, head, rest)
    try:
        time.sleep(0.5)  # the tricklers' first bytes are in
        spread = server.connections_per_worker()
        normal = NormalRequests(server.port, normal_count, normal_interval)
        started = time.monotonic() - 0.5
        while time.monotonic() - started < cap:
            if normal.done() and not tricklers.open():
                break
            time.sleep(0.1)
        normal.join()
        summary = tricklers.summary(cap)
        if spread:
            summary += "; per worker %s" % spread
        return normal.summary(), summary
    finally:
        tricklers.stop()


BODY_HEAD = (b"POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
             b"Content-Length: 100000\r\n\r\n")
BODY_REST = b"b" * 100000
HEADER_REST = b"GET /echo/slow HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"h" * 4000


def finding_4(bench):
    print("\n4. slow clients (gunicorn %d workers x %d threads, waitress %d threads; "
          "both servers at once)" % (WORKERS, THREADS, THREADS), flush=True)
    scenarios = (
        ("4a", "16 body tricklers (1 B/s), 7 GETs 1.4 s apart",
         dict(count=16, head=BODY_HEAD, rest=BODY_REST, normal_count=7,
              normal_interval=1.4, cap=TRICKLE_CAP)),
        ("4b", "16 header tricklers (1 B/s), 20 GETs 0.5 s apart",
         dict(count=16, head=b"", rest=HEADER_REST, normal_count=20,
              normal_interval=0.5, cap=TRICKLE_CAP_B)),
        ("4c", "110 header tricklers (1 B/s), 20 GETs 0.5 s apart",
         dict(count=110, head=b"", rest=HEADER_REST, normal_count=20,
              normal_interval=0.5, cap=TRICKLE_CAP)),
    )
    for finding, label, options in scenarios:
        pair = servers(bench, finding)
        extra = []
        try:
            if finding == "4c":
                # (d) runs beside (c), on servers of its own: one idle connection.
                extra = servers(bench, "4d")
                chunk_results = {}
                chunk = threading.Thread(target=lambda: chunk_results.update(
                    at_once(chunk_size_case, extra)), daemon=True)
                chunk.start()
            results = at_once(lambda server: slow_scenario(server, **options), pair)
            for server in pair:
                normal, tricklers = results[server.kind]
                bench.record(finding, label + ": answered <=10 s", server.kind, normal)
                bench.record(finding, label + ": tricklers", server.kind, tricklers)
            if extra:
                chunk.join(TRICKLE_CAP + 10)
                for server in extra:
                    bench.record("4d", "chunk size of 24 hex digits, then silence",
                                 server.kind, chunk_results.get(server.kind, "(no result)"))
        finally:
            for server in pair + extra:
                server.stop()


CHUNK_HEAD = (b"POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"ffffffffffffffffffffffff\r\n")


def chunk_size_case(server):
    """Seconds until the server answers or closes, and what it said."""
    conn = Conn(server.port, timeout=TRICKLE_CAP)
    started = time.monotonic()
    conn.deadline = started + TRICKLE_CAP
    try:
        conn.send(CHUNK_HEAD)
        try:
            response = conn.read_response()
        except (EOFError, OSError) as exc:
            if isinstance(exc, socket.timeout):
                return "no answer, still open at %d s" % TRICKLE_CAP
            return "closed after %.1f s, no response" % (time.monotonic() - started)
        took = time.monotonic() - started
        closed = conn.eof or conn.closed_within(1.0)
        return "%d after %.1f s, %s" % (response.status, took,
                                         "closed" if closed else "left open")
    finally:
        conn.close()


# -- 5. hostile multipart -----------------------------------------------------------------

def multipart_body(parts, total):
    """``parts`` fields in a body of ``total`` bytes (values padded evenly)."""
    heads = [b'--%s\r\nContent-Disposition: form-data; name="f%05d"\r\n\r\n' % (BOUNDARY, n)
             for n in range(parts)]
    tail = b"--%s--\r\n" % BOUNDARY
    room = total - sum(len(head) + 2 for head in heads) - len(tail)
    if room < parts:
        raise ValueError("%d bytes cannot hold %d parts" % (total, parts))
    base, extra = divmod(room, parts)
    pieces = []
    for n, head in enumerate(heads):
        pieces += [head, b"v" * (base + (1 if n < extra else 0)), b"\r\n"]
    body = b"".join(pieces) + tail
    assert len(body) == total, (len(body), total)
    return body


MULTIPART = ["Content-Type: multipart/form-data; boundary=%s" % BOUNDARY.decode()]


def post(server, body, timeout=120):
    """One multipart post of ``body`` to the echo: (response or None, seconds)."""
    return request(server.port, "POST", "/echo/x", body, MULTIPART, timeout=timeout)


def posts_cpu(server, body, posts=1):
    """(last response, its seconds, mean server CPU seconds per post) for
    ``posts`` sequential posts, the server idle before and after."""
    time.sleep(0.3)
    before = server.cpu_seconds()
    for _ in range(posts):
        response, seconds = post(server, body)
    time.sleep(0.2)
    return response, seconds, (server.cpu_seconds() - before) / posts


def one_post_cpu(server, body):
    """(status, response bytes, server CPU seconds) for one post."""
    response, seconds, used = posts_cpu(server, body)
    if response is None:
        return "no answer in %.0f s" % seconds, 0, used
    return response.status, len(response.body), used


def posters(server, body):
    """POSTERS x POSTS_EACH posts: (statuses, idle, peak and final RSS in bytes, seconds)."""
    statuses = collections.Counter()
    peak = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], server.rss_bytes())
            stop.wait(0.05)

    started = time.monotonic()

    lock = threading.Lock()

    def poster():
        for _ in range(POSTS_EACH):
            if time.monotonic() - started > POSTERS_DEADLINE:
                outcome = "not sent (deadline)"
            else:
                response, _ = post(server, body)
                outcome = response.status if response else "no answer"
            with lock:
                statuses[outcome] += 1

    baseline = server.rss_bytes()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=poster, daemon=True) for _ in range(POSTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(POSTERS_DEADLINE + 130)
    seconds = time.monotonic() - started
    time.sleep(1.0)
    stop.set()
    sampler.join(2)
    final = server.rss_bytes()
    peak[0] = max(peak[0], final)
    return statuses, baseline, peak[0], final, seconds


def mib(value):
    return "%.0f MiB" % (value / 1048576.0)


def statuses_text(statuses):
    return ", ".join("%s x%d" % (key, count) for key, count in sorted(
        statuses.items(), key=lambda item: str(item[0])))


def warm_multipart(server):
    """A few small multipart posts first, so that no first-use import is counted."""
    small = multipart_body(3, 300)
    for _ in range(4):
        post(server, small)


def cpu_per_post(server, body, posts=LINEAR_POSTS):
    """Mean server CPU seconds of ``posts`` sequential posts of ``body``."""
    return posts_cpu(server, body, posts)[2]


def finding_5(bench, after_extras):
    print("\n5. hostile multipart (%d parts in %d bytes; a fresh server for each body)"
          % (HOSTILE_PARTS, HOSTILE_BYTES), flush=True)
    per_part = HOSTILE_BYTES / HOSTILE_PARTS
    capped = multipart_body(1000, int(per_part * 1000))
    half = multipart_body(500, int(per_part * 500))
    one = multipart_body(1, 200)
    variants = [("1 MiB / 10,000 parts", multipart_body(HOSTILE_PARTS, HOSTILE_BYTES))]
    if after_extras:
        variants += [("1,000 tiny parts (%d bytes)" % len(capped), capped),
                     ("1,000 parts filling 1 MiB", multipart_body(1000, HOSTILE_BYTES))]
    for kind in KINDS:
        for index, (label, body) in enumerate(variants):
            with Server(bench, kind, "f5") as server:
                warm_multipart(server)
                status, size, cpu = one_post_cpu(server, body)
                bench.record("5", "%s, one post: status, response, CPU" % label, kind,
                             "%s, %d bytes, %.2f s CPU" % (status, size, cpu))
                if not isinstance(status, int) or status >= 500:
                    bench.note("%s: %s answered %s" % (kind, label, status), server)
                if index == 0 and after_extras:
                    cpus = {parts: cpu_per_post(server, data)
                            for parts, data in ((1000, capped), (500, half), (1, one))}
                    bench.record("5", "CPU per post, 1,000 / 500 / 1 tiny parts (mean of %d)"
                                 % LINEAR_POSTS, kind,
                                 "%.1f / %.1f / %.1f ms; per 500 parts %.1f then %.1f ms" % (
                                     cpus[1000] * 1000, cpus[500] * 1000, cpus[1] * 1000,
                                     (cpus[500] - cpus[1]) * 1000,
                                     (cpus[1000] - cpus[500]) * 1000))
                statuses, baseline, peak, final, seconds = posters(server, body)
                bench.record("5", "%s, %d posters x %d: RSS peak / final"
                             % (label, POSTERS, POSTS_EACH), kind,
                             "%s / %s (idle %s; %s; %.0f s)" % (
                                 mib(peak), mib(final), mib(baseline),
                                 statuses_text(statuses), seconds))


# -- the run ------------------------------------------------------------------------------

def describe_tree(python, tree):
    code = ("import wsgi_echo, gunicorn, importlib.metadata as m, sys; "
            "print(wsgi_echo.__file__); print(gunicorn.__version__); "
            "print(m.version('waitress')); print(sys.version.split()[0])")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    out = subprocess.run([python, "-c", code], cwd=tempfile.gettempdir(), env=env,
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit("cannot import wsgi_echo with %s:\n%s" % (python, out.stderr))
    module, gunicorn_version, waitress_version, python_version = out.stdout.split()
    if not os.path.realpath(module).startswith(os.path.realpath(tree) + os.sep):
        raise SystemExit("%s imports wsgi_echo from %s, not from %s" % (python, module, tree))
    has_cap = False
    for folder, _, files in os.walk(os.path.join(tree, "wsgi_echo")):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    if "max_form_parts" in handle.read():
                        has_cap = True
    return module, gunicorn_version, waitress_version, python_version, has_cap


def git_state(tree):
    """"<commit> + N changed files" for a git work tree (read-only), else ""."""
    try:
        top = subprocess.run(["git", "-C", tree, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=20)
        if top.returncode or os.path.realpath(top.stdout.strip()) != os.path.realpath(tree):
            return ""
        head = subprocess.run(["git", "-C", tree, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=20).stdout.strip()
        changed = subprocess.run(["git", "--no-optional-locks", "-C", tree, "status",
                                  "--porcelain"], capture_output=True, text=True,
                                 timeout=60).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return ""
    return "git %s + %d changed/untracked files" % (head, len(changed))


def markdown(bench):
    order, cells = [], {}
    for finding, measurement, kind, value in bench.rows:
        key = (finding, measurement)
        if key not in cells:
            order.append(key)
            cells[key] = {}
        cells[key][kind] = value.replace("|", "\\|")
    lines = ["| # | measurement | gunicorn | waitress |", "|---|---|---|---|"]
    for key in order:
        lines.append("| %s | %s | %s | %s |" % (key[0], key[1], cells[key].get("gunicorn", "-"),
                                                cells[key].get("waitress", "-")))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.hardening",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", required=True, help="interpreter of the tree under test")
    parser.add_argument("--cwd", required=True, help="the tree under test (its root folder)")
    parser.add_argument("--only", default="1,2,3,4,5", help="findings to run, e.g. 1,3")
    parser.add_argument("--after-extras", choices=("auto", "yes", "no"), default="auto",
                        help="the 1,000-part figures of finding 5 (auto: when the tree "
                             "has max_form_parts)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    if os.sep in args.python:  # a path: servers and probes run in other folders
        args.python = os.path.abspath(args.python)
    tree = os.path.abspath(args.cwd)
    module, gunicorn_version, waitress_version, python_version, has_cap = describe_tree(
        args.python, tree)
    extras = has_cap if args.after_extras == "auto" else args.after_extras == "yes"
    only = {item.strip() for item in args.only.split(",") if item.strip()}
    started = time.monotonic()
    state = git_state(tree)
    print("tree %s%s (wsgi_echo from %s)\npython %s, gunicorn %s, waitress %s; "
          "gunicorn %d workers x %d threads, waitress %d threads; defaults otherwise"
          % (tree, " (%s)" % state if state else "", os.path.dirname(module), python_version, gunicorn_version,
             waitress_version, WORKERS, THREADS, THREADS))
    reduced = ("reduced counts: %d clients for %g s / %g s / %g s of churn; tricklers watched "
               "for at most %g s ((b): %g s); %d x %d hostile posts"
               % (RACE_CLIENTS, RACE_SMALL_SECONDS, RACE_SMALL_SECONDS, RACE_LARGE_SECONDS,
                  TRICKLE_CAP, TRICKLE_CAP_B, POSTERS, POSTS_EACH))
    print(reduced, flush=True)
    workdir = tempfile.mkdtemp(prefix="hardening-")
    bench = Bench(args.python, workdir)
    steps = (("1", finding_1), ("2", finding_2), ("3", finding_3), ("4", finding_4),
             ("5", lambda b: finding_5(b, extras)))
    try:
        for number, step in steps:
            if number not in only:
                continue
            step_started = time.monotonic()
            try:
                step(bench)
            except Exception as exc:
                bench.note("finding %s stopped early: %r" % (number, exc), tail=False)
            print("    (finding %s: %.0f s)" % (number, time.monotonic() - step_started),
                  flush=True)
    finally:
        for server in list(bench.live):
            server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n## %s%s: %.0f s\n\n%s; gunicorn %d workers x %d threads, waitress %d threads.\n"
          % (tree, " (%s)" % state if state else "", time.monotonic() - started,
             reduced[0].upper() + reduced[1:], WORKERS, THREADS, THREADS))
    print(markdown(bench))
    if bench.notes:
        print("\nNotes:")
        for text in bench.notes:
            print("- " + text.splitlines()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
