"""``/sse``: server-sent events, from go-httpbin (httpbin has no such route).

``count`` events (default 10) spread over ``duration`` (default 5 s) after
``delay`` (default 0), with ``jitter`` between them (``pacing``), each in
the ``text/event-stream`` format of the HTML standard (section 9.2)::

    event: ping
    data: {"id":0,"timestamp":1700000000000}
"""

import json
import time

from ...middleware.held import hold
from .pacing import paced, timing
from .params import options

CONTENT_TYPE = "text/event-stream; charset=utf-8"


def sse(environ, params, config):
    plan = timing(options(environ), config, 10, "5")
    # Caches and proxies must not hold the stream back (the standard's advice).
    headers = [("Content-Type", CONTENT_TYPE), ("Cache-Control", "no-cache")]
    hold(environ)
    return 200, headers, paced(plan, _event)


def _event(number):
    data = json.dumps({"id": number, "timestamp": int(time.time() * 1000)}, separators=(",", ":"))
    return ("event: ping\ndata: %s\n\n" % data).encode("ascii")
