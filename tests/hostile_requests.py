"""A seeded generator of hostile raw HTTP/1.x requests, for the fuzz test.

Each request is built from one of the families below, from the parts in
tests/hostile_parts.py, each with the faults that have broken HTTP servers
before: bad request lines, invalid percent encoding and UTF-8, NUL and
control bytes, huge and repeated headers, conflicting framing, bad chunk
sizes, odd multipart and JSON bodies, odd ``X-Echo-*`` values and path
traversal.  The same seed gives the same requests, so a failure can be
replayed.

``generate(seed, count)`` yields ``Hostile(data, allowed_5xx, fault)``: the
bytes to send, the 5xx statuses that request may legitimately get (one
asked for by X-Echo-Status; 501 for an unknown transfer coding; the 5xx a
route answers by design, ``ROUTE_5XX``), and for a fault route what it
sends on purpose when the request reaches it (``FAULTS``), else None.
"""

import random
from typing import NamedTuple

from hostile_bodies import HostileBodies
from hostile_parts import (
    ECHO_DELAY,
    ECHO_HEADER,
    ECHO_STATUS,
    FAULTS,
    HTTPBIN,
    HTTPBIN_HEADERS,
    METHODS,
    PATH_PIECES,
    ROUTE_5XX,
    TRAVERSALS,
    TRUNCATED,
    VERSIONS,
)

# In the targets of the requests that carry other faults: one of the fault routes.
FAULT_ROUTE = object()


class Hostile(NamedTuple):
    data: bytes
    allowed_5xx: frozenset[int]
    fault: object = None  # FAULTS' entry for a fault route's target


class Builder(HostileBodies):
    def __init__(self, rng):
        self.rng = rng
        self.allowed = set()
        self.fault = None

    def choice(self, items):
        return self.rng.choice(items)

    def text(self, length, alphabet=None):
        alphabet = alphabet or [chr(c) for c in range(32, 127)]
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def binary(self, length):
        return bytes(self.rng.randrange(256) for _ in range(length))

    # -- request parts ----------------------------------------------------------------

    def target(self, hostile=True):
        if not hostile:
            target = self.choice(
                [
                    "/echo/",
                    "/echo/x",
                    "/echo/a/b?c=d",
                    "/index.html",
                    "/httpbin/anything/x?a=b",
                    "/httpbin/post",
                    "/httpbin/upload",  # a streamed body: the same rules, applied as it is read
                    FAULT_ROUTE,  # odd headers and bodies sent to a fault
                ]
            )
            if target is FAULT_ROUTE:
                target = self.choice(sorted(FAULTS))
                self.fault = FAULTS[target]
            return target
        kind = self.rng.random()
        if kind < 0.2:
            return self.choice(TRAVERSALS)
        if kind < 0.4:
            target = self.choice(HTTPBIN)
            path = target.partition("?")[0]
            self.allowed.update(ROUTE_5XX.get(path, ()))
            self.fault = FAULTS.get(path)
            return target
        prefix = "/echo/" if kind < 0.8 else "/"
        pieces = [self.choice(PATH_PIECES) for _ in range(self.rng.randrange(1, 6))]
        target = prefix + "/".join(pieces)
        if self.rng.random() < 0.3:
            target += "?" + "&".join(
                "%s=%s" % (self.choice(PATH_PIECES), self.choice(PATH_PIECES))
                for _ in range(self.rng.randrange(1, 4))
            )
        if self.rng.random() < 0.05:
            target = self.choice(
                [
                    "*",
                    "http://x/echo/abs",
                    "https://[::1]/echo",
                    "echo/rel",
                    "/echo/" + "a" * 9000,
                    "//echo/x",
                    "/echo/x#frag",
                ]
            )
        return target

    def request_line(self, hostile):
        if not hostile:
            method = self.choice(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
            return ("%s %s HTTP/1.1" % (method, self.target(hostile=False))).encode()
        if self.rng.random() < 0.3:
            return self.choice(
                [
                    b"",
                    b"GARBAGE",
                    b"GET",
                    b"GET /",
                    b"GET  /echo/x  HTTP/1.1",
                    b"\x16\x03\x01\x02\x00\x01\x00",
                    b"PRI * HTTP/2.0",
                    b"GET /echo/x HTTP/1.1\rX",
                    self.binary(40),
                ]
            )
        method = self.choice(METHODS) if self.rng.random() < 0.5 else self.choice(METHODS[:9])
        version = self.choice(VERSIONS) if self.rng.random() < 0.5 else "HTTP/1.1"
        return ("%s %s %s" % (method, self.target(), version)).encode("utf-8", "surrogateescape")

    def header_lines(self, hostile):
        lines = [b"Host: fuzz", b"User-Agent: fuzz/1", b"Accept: */*"]
        if not hostile:
            return lines
        kind = self.rng.random()
        if kind < 0.7:
            lines.append(self.odd_header())
        elif kind < 0.85:  # many fields
            lines += [b"X-Many-%d: %d" % (n, n) for n in range(self.rng.choice([50, 98, 101, 400]))]
        else:  # one huge field
            lines.append(b"X-Huge: " + b"h" * self.rng.choice([8000, 8180, 8200, 20000, 70000]))
        return lines

    def odd_header(self):
        return self.choice(
            [
                b"X-Nul: a\x00b",
                b"X-Ctl: \x01\x02\x1b",
                b"X-Latin: caf\xe9",
                b"X-Utf8: caf\xc3\xa9",
                b"X-Bad-Utf8: \xc3\x28",
                b"NoColon",
                b"Space Name: v",
                b"X-Sp : v",
                b":v",
                b"X_Under: v",
                b"Host: second",
                b"X-Fold: a\r\n b",
                b'Cookie: a=1; b; =c; d="q"',
                b"Cookie: \xff\xfe",
                b"Content-Type: multipart/form-data",
                b"Expect: 100-continue",
                b"Expect: something",
                b"Connection: keep-alive, Upgrade",
                b"Upgrade: h2c",
                b"X-Forwarded-For: 1.2.3.4, junk",
                b"Accept-Encoding: gzip;q=abc, br;q=0",
                b"Range: bytes=0-0,-1",
                b'If-None-Match: "x',
                b"If-Modified-Since: garbage",
                b"Range: bytes=99999999999999999999-",
                b"X-Echo-Status:",
                b"\t: tab",
                self.choice(HTTPBIN_HEADERS),
                ("X-%s: %s" % (self.text(8), self.text(20))).encode(),
            ]
        )

    def echo_shaping(self):
        lines = []
        if self.rng.random() < 0.7:
            status = self.choice(ECHO_STATUS)
            lines.append(b"X-Echo-Status: " + status.encode("latin-1"))
            if status.strip().isdigit() and 500 <= int(status.strip()) <= 599:
                self.allowed.add(int(status.strip()))
        if self.rng.random() < 0.3:
            lines.append(b"X-Echo-Delay: " + self.choice(ECHO_DELAY).encode())
        if self.rng.random() < 0.5:
            lines.append(b"X-Echo-Header: " + self.choice(ECHO_HEADER).encode("utf-8"))
        return lines

    def build(self):
        """One request with one family of faults in it, so that most reach
        the app with something odd in them, rather than all stopping at the
        server's parser on the first of several."""
        fault = self.choice(["request line", "headers", "shaping", "body", "body", "body"])
        line = self.request_line(fault == "request line")
        headers = self.header_lines(fault == "headers")
        if fault == "shaping":
            headers += self.echo_shaping()
        body = b""
        if fault == "body":
            body_headers, body = self.body()
            headers += body_headers
        headers.append(b"Connection: close")
        self.rng.shuffle(headers)
        return line + b"\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body


def generate(seed, count):
    rng = random.Random(seed)
    for _ in range(count):
        builder = Builder(rng)
        data = builder.build()
        yield Hostile(data, frozenset(builder.allowed), builder.fault)


def fault_seen(expected, reply):
    """Whether ``reply`` is what a fault route sends on purpose (``expected``,
    its entry in ``hostile_parts.FAULTS``)."""
    if expected == TRUNCATED:
        head, _, body = reply.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        return (
            lines[0].startswith(b"HTTP/1.1 200 ")
            and b"Content-Length: 100" in lines[1:]
            and (body == b"*" * 50)
        )
    return reply == expected
