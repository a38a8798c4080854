"""When each piece of a timed stream goes out: ``/sse`` and ``/jsonl``.

Both take go-httpbin's four parameters: ``count`` pieces (at most
``[httpbin] max_stream_lines``) spread over ``duration`` after ``delay``
(durations as ``params.duration`` reads them; together at most
``[httpbin] max_delay``), the first piece at once after the delay, the last
at delay + duration.

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
    spread = duration(query.get("duration", default_duration), "duration", limit)
    first = duration(query.get("delay", "0"), "delay", limit)
    jitter = fraction(query.get("jitter", "0"), "jitter")
    if spread <= 0 and not zero_duration:
        raise ParameterError("duration", "duration must be more than 0")
    if spread + first > limit:
        raise ParameterError(
            "duration", "duration and delay together must be at most %d seconds" % limit
        )
    return Timing(count, first, pauses(count - 1, spread, jitter), spread > 0 or first > 0)


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
