"""A seeded generator of hostile raw HTTP/1.x requests, for the fuzz test.

Each request is built from one of the families below, from the parts in
tests/hostile_parts.py, each with the faults that have broken HTTP servers
before: bad request lines, invalid percent encoding and UTF-8, NUL and
control bytes, huge and repeated headers, conflicting framing, bad chunk
sizes, odd multipart and JSON bodies, odd ``X-Echo-*`` values and path
traversal.  The same seed gives the same requests, so a failure can be
replayed.

``generate(seed, count)`` yields ``Hostile(data, allowed_5xx)``: the bytes to
send, and the 5xx statuses that request may legitimately get (one asked for
by X-Echo-Status; 501 for an unknown transfer coding; the 5xx a route
answers by design, ``ROUTE_5XX``).
"""

import json
import random
from typing import NamedTuple

from hostile_parts import (
    CODINGS,
    ECHO_DELAY,
    ECHO_HEADER,
    ECHO_STATUS,
    HTTPBIN,
    HTTPBIN_HEADERS,
    METHODS,
    PATH_PIECES,
    ROUTE_5XX,
    TRAVERSALS,
    VERSIONS,
)


class Hostile(NamedTuple):
    data: bytes
    allowed_5xx: frozenset[int]


class Builder:
    def __init__(self, rng):
        self.rng = rng
        self.allowed = set()

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
            return self.choice(
                [
                    "/echo/",
                    "/echo/x",
                    "/echo/a/b?c=d",
                    "/index.html",
                    "/httpbin/anything/x?a=b",
                    "/httpbin/post",
                    "/httpbin/upload",  # a streamed body: the same rules, applied as it is read
                ]
            )
        kind = self.rng.random()
        if kind < 0.2:
            return self.choice(TRAVERSALS)
        if kind < 0.4:
            target = self.choice(HTTPBIN)
            self.allowed.update(ROUTE_5XX.get(target.partition("?")[0], ()))
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

    # -- bodies -----------------------------------------------------------------------

    def body(self):
        """(header lines, body bytes) for one of the body families."""
        family = self.rng.random()
        if family < 0.25:
            return self.json_body()
        if family < 0.5:
            return self.multipart_body()
        if family < 0.75:
            return self.chunked_body()
        if family < 0.85:
            return self.framing_body()
        data = self.binary(self.rng.randrange(0, 300))
        return [b"Content-Length: %d" % len(data)], data

    def json_body(self):
        data = self.choice(
            [
                b"{",
                b"[" * 5000,
                b'{"a": NaN}',
                b"1e999",
                b'"\\ud800"',
                b'{"a": "\xff"}',
                b'{"a": 1, "a": 2}',
                b"null",
                b"\xef\xbb\xbf{}",
                b"[" * 50 + b"]" * 50,
                json.dumps({"n": [1, 2.5, None, True], "s": "\u2028"}).encode(),
                b"-",
                b"0x10",
            ]
        )
        return [b"Content-Type: application/json", b"Content-Length: %d" % len(data)], data

    def multipart_body(self):
        boundary = self.choice([b"B", b"----x", b'"quoted"', b"", b"a" * 80, b"\xff"])
        bare = boundary.strip(b'"')
        parts = []
        for _ in range(self.rng.randrange(0, 6)):
            parts.append(
                self.choice(
                    [
                        b'Content-Disposition: form-data; name="f"\r\n\r\nvalue',
                        b"Content-Disposition: form-data\r\n\r\nnameless",
                        b"\r\nno headers",
                        b'Content-Disposition: form-data; name="u"; filename="a.txt"\r\n'
                        b"Content-Type: text/plain\r\n\r\n" + self.binary(20),
                        b'Content-Disposition: form-data; name="n"\r\n'
                        b"Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
                        b"--inner\r\n\r\nx\r\n--inner--",
                        b'Content-Disposition: form-data; name="\xff"\r\n\r\nx',
                        b"Content-Disposition: attachment; filename*=UTF-8''%e2%82%ac\r\n\r\nx",
                        b"garbage without blank line",
                    ]
                )
            )
        data = b"".join(b"--" + bare + b"\r\n" + part + b"\r\n" for part in parts)
        if self.rng.random() < 0.8:
            data += b"--" + bare + b"--\r\n"
        if self.rng.random() < 0.1:
            data = b"--" + bare + b"\r\n" + b"x" * 200  # unterminated
        content_type = b"Content-Type: multipart/form-data; boundary=" + boundary
        if self.rng.random() < 0.1:
            content_type = b"Content-Type: multipart/form-data"
        return [content_type, b"Content-Length: %d" % len(data)], data

    def chunked_body(self):
        chunks = []
        for _ in range(self.rng.randrange(0, 4)):
            data = self.binary(self.rng.randrange(1, 40))
            size = self.choice(
                ["%x" % len(data)] * 6
                + [
                    "%X" % len(data),
                    "%x;ext=1" % len(data),
                    "-%x" % len(data),
                    "0x%x" % len(data),
                    "%x " % len(data),
                    "",
                    "zz",
                    "%x\x00" % len(data),
                ]
            )
            if self.rng.random() < 0.01:
                size = "f" * 24  # a size no body will reach: answered at the body deadline
            chunks.append(size.encode() + b"\r\n" + data + b"\r\n")
        end = self.choice(
            [b"0\r\n\r\n"] * 5 + [b"0\r\nTrailer: x\r\n\r\n", b"00000\r\n\r\n", b"0;x\r\n\r\n"]
        )
        if self.rng.random() < 0.02:
            end = self.choice([b"0\r\n", b""])  # the body never ends: the body deadline
        return [b"Transfer-Encoding: chunked"], b"".join(chunks) + end

    def framing_body(self):
        coding = self.choice(CODINGS)
        if coding.strip(" ").lower() != "chunked":
            self.allowed.add(501)  # a transfer coding the servers do not implement
        lines = [b"Transfer-Encoding: " + coding.encode()]
        if self.rng.random() < 0.5:
            lines.append(
                self.choice(
                    [
                        b"Content-Length: 5",
                        b"Content-Length: -1",
                        b"Content-Length: 5, 5",
                        b"Content-Length: +5",
                        b"Content-Length: 99999999999999999999",
                        b"Content-Length: 0x5",
                    ]
                )
            )
        return lines, b"5\r\nhello\r\n0\r\n\r\n"

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
        yield Hostile(data, frozenset(builder.allowed))
