"""Dynamic data: ``/bytes/<n>``, ``/stream-bytes/<n>``, ``/stream/<n>``,
``/range/<n>`` and ``/links/<n>/<offset>`` (``/base64`` is ``base64_routes``).

Random bytes with a ``seed`` are the bytes httpbin gives for that seed: the
same generator (``random.Random``) drawing one ``randrange(256)`` per byte,
which is what httpbin's ``random.randint(0, 255)`` draws; each request has
its own generator, where httpbin reseeds the process-wide one.  Without a
seed the bytes come from ``os.urandom``.  ``/bytes``, ``/stream-bytes`` and
``/range`` all take ``seed`` and ``chunk_size`` (the size of each write).
"""

import json
import os
import random
import re
from itertools import repeat

from ...middleware.held import hold
from . import results
from .pacing import paced_bytes
from .params import ParameterError, duration, options, whole
from .request_echo import basics

DEFAULT_CHUNK = 10 * 1024  # httpbin's chunk size for /stream-bytes and /range


def _seeded(query):
    seed = query.get("seed")
    return random.Random(whole(seed, "seed")) if seed is not None else None


def _random_bytes(rng, count):
    if rng is None:
        return os.urandom(count)
    return bytes(map(rng.randrange, repeat(256, count)))


def _chunk_size(query):
    text = query.get("chunk_size")
    # httpbin takes any whole number and uses at least 1.
    return max(1, whole(text, "chunk_size")) if text is not None else DEFAULT_CHUNK


def random_bytes(environ, params, config):
    """``n`` random bytes at once, or with ``chunk_size`` in writes of that
    size (with the ``Content-Length`` either way)."""
    count = min(whole(params[0], "n", 0), config.max_bytes)  # httpbin caps at 100 KiB
    query = options(environ)
    rng = _seeded(query)
    if "chunk_size" not in query:
        return results.data(_random_bytes(rng, count), results.BINARY)
    headers = [("Content-Type", results.BINARY), ("Content-Length", str(count))]
    return 200, headers, _stream_bytes(rng, count, _chunk_size(query))


def stream_bytes(environ, params, config):
    count = min(whole(params[0], "n", 0), config.max_bytes)
    query = options(environ)
    rng, size = _seeded(query), _chunk_size(query)
    return 200, [("Content-Type", results.BINARY)], _stream_bytes(rng, count, size)


def _stream_bytes(rng, count, size):
    while count > 0:
        step = min(size, count)
        yield _random_bytes(rng, step)
        count -= step


def stream(environ, params, config):
    """``n`` JSON lines (httpbin caps at 100): ``/get``'s keys and an ``id``,
    written as httpbin writes them (``json.dumps``, keys in its order)."""
    count = min(whole(params[0], "n", 0), config.max_stream_lines)
    document = basics(environ)
    line = {
        "url": document["url"],
        "args": document["args"],
        "headers": document["headers"],
        "origin": document["origin"],
        "id": 0,
    }
    return 200, [("Content-Type", results.JSON)], _lines(line, count)


def _lines(line, count):
    for number in range(count):
        line["id"] = number
        yield (json.dumps(line) + "\n").encode("ascii")


# -- /range ----------------------------------------------------------------------

_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*\Z")


def byte_range(header, size):
    """(first, last) for a ``Range`` header over ``size`` bytes, as httpbin
    reads it; None when the header is absent or not one range we understand
    (RFC 9110 section 14.2 lets a server ignore it and send the whole).

    Like httpbin, a last position past the end is not clipped (RFC 9110
    would clip it): the caller answers that with 416.
    """
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes (RFC 9110 section 14.1.2)
        return max(0, size - int(last)), size - 1
    return int(first), int(last) if last else size - 1


PLAIN_TEXT = ("Content-Type", "text/plain; charset=utf-8")


def range_request(environ, params, config):
    """``n`` bytes of ``abcd...z`` repeated, honouring one ``Range``: 206 for
    a part, 416 (with ``Content-Range: bytes */n``) for one outside, 200 with
    a ``Content-Range`` for the whole, as httpbin; ``duration`` spreads the
    bytes over that many seconds, ``chunk_size`` sets the write size.  With a
    ``seed`` the resource is ``/bytes/<n>?seed=``'s bytes instead of the
    letters, so the parts of a ranged download can be checked against it."""
    size = whole(params[0], "numbytes")
    if not 0 < size <= config.max_bytes:
        raise ParameterError(
            "numbytes", "number of bytes must be from 1 to %d, got %d" % (config.max_bytes, size)
        )
    query = options(environ)
    chunk = _chunk_size(query)
    spread = duration(query.get("duration", "0"), "duration", config.max_delay)
    rng = _seeded(query)
    content = _letters if rng is None else _random_bytes(rng, size).__getitem__
    etag = "range%d" % size if rng is None else "range%d-seed%s" % (size, query["seed"].strip())
    tag = [("ETag", etag), ("Accept-Ranges", "bytes")]
    wanted = byte_range(environ.get("HTTP_RANGE"), size) or (0, size - 1)
    first, last = wanted
    if first > last or not 0 <= first < size or not 0 <= last < size:
        # werkzeug's own Response, as httpbin builds this one: text/plain,
        # its headers in httpbin's order.
        unsatisfiable = ("Content-Range", "bytes */%d" % size)
        return 416, [*tag, unsatisfiable, ("Content-Length", "0"), PLAIN_TEXT], b""
    length = last + 1 - first
    headers = [
        ("Content-Type", results.BINARY),
        *tag,
        ("Content-Length", str(length)),  # where httpbin writes it
        ("Content-Range", "bytes %d-%d/%d" % (first, last, size)),
    ]
    status = 200 if length == size else 206
    if not spread:
        return status, headers, content(slice(first, last + 1))
    hold(environ)
    # The whole resource takes ``duration``; a part, its share of it.
    paced = paced_bytes(_between(content), first, last + 1, spread * length / size, chunk)
    return status, headers, paced


_ALPHABET = bytes(range(ord("a"), ord("z") + 1))


def _letters(part):
    """The bytes ``part`` (a slice) of ``abc...z`` repeated: the same bytes
    every time, so ranges of one resource fit together."""
    start, stop = part.start, part.stop
    offset = start % 26
    count = stop - start
    return (_ALPHABET * ((count + offset) // 26 + 1))[offset : offset + count]


def _between(content):
    """``content`` (which takes a slice) as ``pacing.paced_bytes`` asks for it."""
    return lambda start, stop: content(slice(start, stop))


# -- /links -------------------------------------------------------------------------


MAX_LINKS = 200  # httpbin's cap


def links_redirect(environ, params, config):
    count = whole(params[0], "n")
    return results.redirect("%s/links/%d/0" % (results.mount(environ), count))


def links(environ, params, config):
    """A page of ``n`` links (1 to 200) to its sibling pages, the one at
    ``offset`` as plain text."""
    count = min(max(1, whole(params[0], "n")), MAX_LINKS)
    current = whole(params[1], "offset")
    base = "%s/links/%d/" % (results.mount(environ), count)
    items = [
        "%d " % number if number == current else "<a href='%s%d'>%d</a> " % (base, number, number)
        for number in range(count)
    ]
    page = "<html><head><title>Links</title></head><body>%s</body></html>" % "".join(items)
    return results.data(page.encode("ascii"), results.HTML, headers=results.UNTRUSTED)
