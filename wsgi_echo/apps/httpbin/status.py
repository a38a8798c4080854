"""Status codes and time: ``/status/<codes>``, ``/delay/<seconds>`` and ``/drip``.

``/status`` answers httpbin's special cases (``status_code()`` in its
helpers): a ``Location`` for the redirects, the challenge headers of 401
and 407, a body and ``X-More-Info`` for 402 and 418, the accepted image
types for 406.  The bodies and the links are ours.
"""

import random
import time

from ... import errors
from ...middleware.held import hold
from . import json_bytes, results
from .params import ParameterError, number, options, seconds, whole
from .request_echo import with_body

# The statuses a route may answer with: 1xx is never a final answer
# (RFC 9110 section 15.2), and codes past 599 are not HTTP's.
LOWEST, HIGHEST = 200, 599
BODYLESS = errors.BODYLESS  # no content, so no Content-Type
IMAGE_TYPES = ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"]

TEAPOT = """
      ( (
       ) )
    .........
    |       |]   418: this server is a teapot
    \\       /    and will not brew coffee.
     `-----'
"""
PAYMENT = "402: payment required. This server takes no payments; it only says so.\n"
NOT_ACCEPTABLE = json_bytes.compact(
    {
        "message": "None of the media types the client accepts is one this resource has.",
        "accept": IMAGE_TYPES,
    }
).encode("ascii")


def status_reply(code, environ):
    """httpbin's answer for a bare status ``code``."""
    if code in (301, 302, 303, 305, 307):
        return code, [("Location", results.mount(environ) + "/redirect/1")], b""
    if code == 401:
        return code, [("WWW-Authenticate", 'Basic realm="Fake Realm"')], b""
    if code == 407:
        return code, [("Proxy-Authenticate", 'Basic realm="Fake Realm"')], b""
    if code == 402:
        return (
            code,
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("X-More-Info", "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.3"),
            ],
            PAYMENT.encode("ascii"),
        )
    if code == 418:
        return (
            code,
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("X-More-Info", "https://www.rfc-editor.org/rfc/rfc2324"),
            ],
            TEAPOT.encode("ascii"),
        )
    if code == 406:
        return code, [("Content-Type", results.JSON)], NOT_ACCEPTABLE
    if code in BODYLESS:
        return code, [], b""
    return results.empty(code)


def status_code(text):
    return whole(text, "status code", LOWEST, HIGHEST)


def weighted(text):
    """``200:0.5,500:0.5``: each code with its weight (1 when left out)."""
    codes, weights = [], []
    for item in text.split(","):
        code, colon, weight = item.partition(":")
        codes.append(status_code(code))
        if colon:
            weights.append(number(weight, "weight"))
        else:
            weights.append(1.0)
    if not sum(weights) > 0:
        raise ParameterError("status code", "at least one weight must be more than 0")
    return random.choices(codes, weights)[0]


def status(environ, params, config):
    text = params[0]
    code = weighted(text) if "," in text else status_code(text)
    return status_reply(code, environ)


def delay(environ, params, config):
    # httpbin caps the delay (at 10 seconds) rather than refusing a longer one.
    wait = min(seconds(params[0], "delay"), config.max_delay)
    if wait:
        hold(environ)
        time.sleep(wait)
    return results.json_reply(with_body(environ, json_key=False))


# At most this many writes a second: a drip over 2 s of 10 MB is 200 writes,
# not ten million.
WRITES_PER_SECOND = 100
CHUNK = 65536


def drip(environ, params, config):
    """``numbytes`` asterisks spread evenly over ``duration`` seconds, after
    ``delay`` seconds, with status ``code``.

    Every wait happens inside the generator, between writes, so the server
    (which calls ``close()`` once a write fails) stops it at the next byte
    after the client goes away; no single wait is longer than ``duration``.
    The last byte goes out at ``delay + duration`` with no pause after it.
    """
    query = options(environ)
    wait = seconds(query.get("duration", "2"), "duration", config.max_delay)
    first = seconds(query.get("delay", "0"), "delay", config.max_delay)
    if wait + first > config.max_delay:
        raise ParameterError(
            "duration", "duration and delay together must be at most %d seconds" % config.max_delay
        )
    numbytes = whole(query.get("numbytes", "10"), "numbytes", 1)
    numbytes = min(numbytes, config.max_drip_bytes)  # httpbin caps rather than refuses
    code = status_code(query.get("code", "200"))
    if numbytes < 1:
        raise ParameterError("numbytes", "max_drip_bytes is 0: /drip is off")
    writes = min(numbytes, max(1, int(wait * WRITES_PER_SECOND))) if wait else 0
    headers = [("Content-Type", results.BINARY), ("Content-Length", str(numbytes))]
    if wait or first:
        hold(environ)
    return code, headers, _drip(numbytes, writes, wait, first)


def _drip(numbytes, writes, wait, first):
    if first:
        time.sleep(first)
    if not writes:
        while numbytes:
            size = min(numbytes, CHUNK)
            yield b"*" * size
            numbytes -= size
        return
    pause = wait / writes
    sent = 0
    for write in range(1, writes + 1):
        time.sleep(pause)
        upto = numbytes * write // writes
        yield b"*" * (upto - sent)
        sent = upto
