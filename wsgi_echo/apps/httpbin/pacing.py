"""When each piece of a timed answer goes out: the lines of ``/sse`` and
``/jsonl`` (``timing``, ``paced``), and the bytes of ``/drip``, ``/range``
with a ``duration`` and ``/fault/slow`` (``paced_bytes``).

``/sse`` and ``/jsonl`` take go-httpbin's four parameters: ``count`` pieces
(at most ``[httpbin] max_stream_lines``) spread over ``duration`` after
``delay`` (durations as ``params.duration`` reads them; together at most
``[httpbin] max_delay``, as ``/drip``'s: ``duration_and_delay``), the first
piece at once after the delay, the last at delay + duration.

A paced body is written at most ``WRITES_PER_SECOND`` times a second,
whatever the size or ``chunk_size`` asked for: pieces are made larger
rather than more numerous, so a client asking for a slow trickle of many
bytes costs a bounded number of sleeps and writes.

``jitter`` (0 to 1) varies each pause by up to that share either way, as
go-httpbin's does; the pauses are then scaled back to add up to the
duration, so jitter moves pieces within the duration but never stretches
it (go-httpbin's jittered pauses may add up to twice the duration, past
its own time limit).

Every wait happens inside the generator, between writes, so the server
(which calls ``close()`` once a write fails) stops a stream whose client
has gone within one pause.
"""

import random
import time
from collections.abc import Iterable
from itertools import repeat
from typing import NamedTuple

from .params import ParameterError, duration, fraction, whole

# At most this many writes a second in a paced body: a drip over 2 s of
# 10 MB is 200 writes, not ten million.
WRITES_PER_SECOND = 100
# The write size of a body sent at once, without pauses.
AT_ONCE = 65536


class Timing(NamedTuple):
    count: int
    delay: float  # seconds before the first piece
    pauses: Iterable[float]  # count - 1 pauses, one before each later piece
    waits: bool  # whether the stream waits at all (then it holds a slot: middleware.held)


def timing(query, config, default_count, default_duration, zero_duration=False):
    """The ``Timing`` a stream's query asks for (``params.options``), checked.

    A default count over ``max_stream_lines`` is brought down to it, so a
    server with a small bound still answers the bare route; a count asked
    for is refused past it.  ``zero_duration``: a duration of 0 (every piece
    at once) is allowed, as ``/jsonl``'s default is.
    """
    limit = config.max_delay
    count_text = query.get("count")
    if count_text is None:
        count_text = str(max(1, min(default_count, config.max_stream_lines)))
    count = whole(count_text, "count", 1, config.max_stream_lines)
    spread, first = duration_and_delay(query, limit, default_duration)
    jitter = fraction(query.get("jitter", "0"), "jitter")
    if spread <= 0 and not zero_duration:
        raise ParameterError("duration", "duration must be more than 0")
    return Timing(count, first, pauses(count - 1, spread, jitter), spread > 0 or first > 0)


def duration_and_delay(query, limit, default_duration):
    """(``duration``, ``delay``) in seconds from a query (``params.options``),
    each and both together at most ``limit`` (``[httpbin] max_delay``)."""
    spread = duration(query.get("duration", default_duration), "duration", limit)
    first = duration(query.get("delay", "0"), "delay", limit)
    if spread + first > limit:
        raise ParameterError(
            "duration", "duration and delay together must be at most %d seconds" % limit
        )
    return spread, first


def pauses(number, total, jitter, rng=random):
    """``number`` pauses adding up to ``total`` seconds, each varied by up to
    ``jitter`` of its share either way before they are scaled back to ``total``."""
    if number <= 0:
        return ()
    if not jitter or not total:
        return repeat(total / number, number)
    weights = [1.0 + jitter * (2.0 * rng.random() - 1.0) for _ in range(number)]
    scale = total / (sum(weights) or 1.0)
    return [weight * scale for weight in weights]


def paced(plan, piece):
    """The stream: ``piece(number)`` (bytes) for each piece, at its time."""
    if plan.delay:
        time.sleep(plan.delay)
    yield piece(0)
    for number, pause in enumerate(plan.pauses, 1):
        if pause:
            time.sleep(pause)
        yield piece(number)


def paced_bytes(content, start, stop, seconds, smallest=1, delay=0.0, first_at_once=False):
    """The bytes ``content(first, last)`` of ``start`` to ``stop`` spread over
    ``seconds`` after ``delay``: each write waits its share of the seconds
    (in proportion to its bytes), the last byte goes out at delay + seconds.

    Writes are ``smallest`` bytes, or larger where that would be more than
    ``WRITES_PER_SECOND`` a second; with ``first_at_once`` the first write
    goes with the head and the others share the seconds.  With no seconds
    the bytes go out at once, ``AT_ONCE`` at a time.  Every wait happens
    inside the generator, between writes, so the server (which calls
    ``close()`` once a write fails) stops it within one pause of the client
    going away.
    """
    size = stop - start
    if seconds:
        writes = max(1, int(seconds * WRITES_PER_SECOND)) + (1 if first_at_once else 0)
        step = max(smallest, -(-size // writes))
    else:
        step = max(smallest, AT_ONCE)
    waited = size - min(step, size) if first_at_once else size
    if delay:
        time.sleep(delay)
    for position in range(start, stop, step):
        end = min(position + step, stop)
        if seconds and waited and not (first_at_once and position == start):
            time.sleep(seconds * (end - position) / waited)
        yield content(position, end)
