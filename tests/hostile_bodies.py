"""The body families of the fuzz test's hostile requests (``hostile_requests``):
JSON that parsers choke on, multipart bodies with odd boundaries and parts,
chunked framing with bad sizes and endings, and conflicting framing headers.
A mix-in of ``hostile_requests.Builder``, which supplies ``rng``, ``choice``,
``binary`` and the ``allowed`` 5xx set.
"""

import json

from hostile_parts import CODINGS


class HostileBodies:
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
        boundary = self.choice(
            [b"B", b"----x", b'"quoted"', b"", b"a" * 80, b"\xff", b'"' + b";" * 60 + b'"']
        )
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
                        b"Content-Disposition: form-data; name=x" + b" " * 5000 + b"x\r\n\r\nv",
                        b'Content-Disposition: form-data; name="' + b";" * 5000 + b'"\r\n\r\nv',
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
