"""``/jsonl``: JSON Lines (one compact JSON object per line), streamed, from
go-httpbin.

``count`` lines (default 10) spread over ``duration`` (default 0: all at
once) after ``delay``, with ``jitter`` between them (``pacing``).  Each line
has go-httpbin's keys in its order, ``id`` (0, 1, ...), ``args``,
``headers``, ``origin`` and ``url``, with the values ``/stream`` shows
(httpbin's: one value is a string, where go-httpbin always gives a list)::

    {"id":0,"args":{},"headers":{"Host":"example.test"},"origin":"127.0.0.1","url":"..."}
"""

import json

from ...middleware.held import hold
from .pacing import paced, timing
from .params import options
from .request_echo import basics

CONTENT_TYPE = "application/x-ndjson; charset=utf-8"


def jsonl(environ, params, config):
    plan = timing(options(environ), config, 10, "0", zero_duration=True)
    document = basics(environ)
    rest = {key: document[key] for key in ("args", "headers", "origin", "url")}
    # Everything after the id is the same on every line: written once.
    tail = ("," + json.dumps(rest, separators=(",", ":"))[1:] + "\n").encode("ascii")
    if plan.waits:
        hold(environ)
    return 200, [("Content-Type", CONTENT_TYPE)], paced(plan, lambda n: b'{"id":%d' % n + tail)
