"""Request bodies sent with ``Content-Encoding`` (gzip, deflate, br, or a list
of them), decoded before the echo describes them.

Decoding streams through the standard library's zlib (and the ``brotli``
package, an optional extra) with a limit on every step's output, so a body
that inflates past the limit is refused as soon as it crosses it: a 10 MB
"zip bomb" never reaches memory.  The limit is the one for request bodies,
``[server] max_request_bytes``.

RFC 9110 section 8.4: codings are listed in the order they were applied, so
they are removed last first; ``identity`` is no coding at all.
"""

import zlib

STEP = 64 * 1024  # the most output one decompression step may make, and input it gets
FIRST_PIECE = 256  # the input a gzip member gets first (an empty member is 20 bytes)


class DecodingError(Exception):
    """A body that cannot be decoded: ``status`` (400, 413, 415) and why."""

    def __init__(self, status, detail, **fields):
        super().__init__(detail)
        self.status, self.detail, self.fields = status, detail, fields


def codings_of(header):
    """The codings in a Content-Encoding value, in the order applied."""
    return [
        coding.strip().lower()
        for coding in header.split(",")
        if coding.strip() and coding.strip().lower() != "identity"
    ]


def decode(header, body, limit):
    """(decoded body, codings removed) for a Content-Encoding ``header``."""
    codings = codings_of(header)
    for coding in codings:
        if coding not in DECODERS:
            raise DecodingError(
                415,
                "Content-Encoding %s is not supported (supported: %s)"
                % (coding, ", ".join(DECODERS)),
                encoding=coding,
            )
    for coding in reversed(codings):
        body = DECODERS[coding](body, limit)
    return body, codings


def _too_large(limit):
    return DecodingError(
        413, "the decoded request body is larger than the limit of %d bytes" % limit, limit=limit
    )


def _corrupt(coding, reason):
    return DecodingError(
        400, "the %s request body cannot be decoded: %s" % (coding, reason), encoding=coding
    )


def _inflate(data, wbits, coding, limit):
    """One or more zlib/gzip members, inflated STEP bytes at a time.

    The input is fed by offset through a memoryview, in pieces that start
    at ``FIRST_PIECE`` bytes for each member and double while it goes on:
    zlib copies what follows a member's end (``unused_data``) and what an
    output step left unread (``unconsumed_tail``), and feeding it the whole
    rest of the body made each of many small members copy all that follows
    it (quadratic: 1 MiB of empty members cost 0.75 s, 4 MiB 29 s).  Now
    a copy is at most twice the member it ends, or one piece.
    """
    view, offset, end = memoryview(data), 0, len(data)
    out, total = [], 0

    def keep(chunk):
        nonlocal total
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        out.append(chunk)

    while True:
        decompressor = zlib.decompressobj(wbits)
        piece = FIRST_PIECE
        try:
            while offset < end and not decompressor.eof:
                fed = view[offset : offset + piece]
                offset += len(fed)
                piece = min(piece * 2, STEP)
                keep(decompressor.decompress(fed, STEP))
                while decompressor.unconsumed_tail and not decompressor.eof:
                    keep(decompressor.decompress(decompressor.unconsumed_tail, STEP))
            if not decompressor.eof:
                # Everything was read but the stream says it goes on; what is
                # left in zlib's buffers comes out without new input.
                keep(decompressor.flush(STEP))
        except zlib.error as exc:
            raise _corrupt(coding, str(exc)) from None
        if not decompressor.eof:
            raise _corrupt(coding, "the stream ends before its end")
        offset -= len(decompressor.unused_data)
        # gzip allows several members one after another (RFC 1952 section 2.2).
        if offset >= end or coding != "gzip":
            break
    if offset < end:
        raise _corrupt(coding, "%d bytes follow the end of the stream" % (end - offset))
    return b"".join(out)


def gunzip(data, limit):
    return _inflate(data, 16 + zlib.MAX_WBITS, "gzip", limit)


def inflate(data, limit):
    """``deflate`` is zlib's format (RFC 9110 section 8.4.1.2); many clients
    send the raw deflate stream instead, which is accepted too."""
    zlib_header = len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
    return _inflate(data, zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS, "deflate", limit)


def unbrotli(data, limit):
    try:
        import brotli
    except ImportError:
        raise DecodingError(
            415,
            "Content-Encoding br needs the brotli package (pip install wsgi-echo[brotli])",
            encoding="br",
        ) from None
    decompressor = brotli.Decompressor()
    out, total = [], 0
    try:
        chunk = decompressor.process(data, output_buffer_limit=STEP)
        while True:
            total += len(chunk)
            if total > limit:
                raise _too_large(limit)
            out.append(chunk)
            if decompressor.is_finished() or not chunk:
                break  # done, or waiting for input there is no more of
            # The output limit was reached: the rest comes out without input.
            chunk = decompressor.process(b"", output_buffer_limit=STEP)
    except brotli.error as exc:
        raise _corrupt("br", str(exc) or "invalid stream") from None
    if not decompressor.is_finished():
        raise _corrupt("br", "the stream ends before its end")
    return b"".join(out)


DECODERS = {"gzip": gunzip, "x-gzip": gunzip, "deflate": inflate, "br": unbrotli}
