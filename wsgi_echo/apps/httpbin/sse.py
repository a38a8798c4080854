"""``/sse``: server-sent events, from go-httpbin (httpbin has no such route).

``count`` events (default 10, at most ``[httpbin] max_stream_lines``) spread
over ``duration`` (default 5 s) after ``delay`` (default 0), each in the
``text/event-stream`` format of the HTML standard (section 9.2)::

    event: ping
    data: {"id":0,"timestamp":1700000000000}

``duration`` and ``delay`` take seconds (``0.5``) or Go durations
(``500ms``), as go-httpbin does; together they may not pass ``max_delay``.
"""

import json
import time

from ...middleware.held import hold
from .params import ParameterError, duration, options, whole

CONTENT_TYPE = "text/event-stream; charset=utf-8"


def sse(environ, params, config):
    query = options(environ)
    limit = config.max_delay
    count = whole(query.get("count", "10"), "count", 1, config.max_stream_lines)
    spread = duration(query.get("duration", "5"), "duration", limit)
    first = duration(query.get("delay", "0"), "delay", limit)
    if spread <= 0:
        raise ParameterError("duration", "duration must be more than 0")
    if spread + first > limit:
        raise ParameterError(
            "duration", "duration and delay together must be at most %d seconds" % limit
        )
    # The first event at once, then a pause between events: the last one
    # goes out when the duration is up.
    pause = spread / (count - 1) if count > 1 else 0.0
    # Caches and proxies must not hold the stream back (the standard's advice).
    headers = [("Content-Type", CONTENT_TYPE), ("Cache-Control", "no-cache")]
    hold(environ)
    return 200, headers, _events(count, pause, first)


def _events(count, pause, first):
    if first:
        time.sleep(first)
    for number in range(count):
        if number and pause:
            time.sleep(pause)
        data = json.dumps(
            {"id": number, "timestamp": int(time.time() * 1000)}, separators=(",", ":")
        )
        yield ("event: ping\ndata: %s\n\n" % data).encode("ascii")
