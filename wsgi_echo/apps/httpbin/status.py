"""Status codes and time: ``/status/<codes>``, ``/unstable``, ``/delay/<seconds>``
and ``/drip``.

``/status`` answers httpbin's special cases (``status_code()`` in its
helpers): a ``Location`` for the redirects, the challenge header of 401,
a body and ``X-More-Info`` for 402 and 418, the accepted image types for
406.  The bodies and the links are ours.  httpbin's 407 carries a
``Proxy-Authenticate``, a hop-by-hop field (PEP 3333 forbids an app to
send one): gunicorn drops it and waitress answers 500 instead, so none is
sent, and the 407 is what httpbin's is on the wire under gunicorn.  As
``status_code()`` builds its answers, ``Content-Length`` comes last.
"""

import random
import time

from ... import errors
from ...middleware.held import hold
from . import json_bytes, results
from .auth import BASIC_CHALLENGE
from .pacing import duration_and_delay, paced_bytes
from .params import ParameterError, duration, fraction, number, options, whole
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
# A text body and the page X-More-Info links to, for 402 and 418.
TEXT_PAGES = {
    402: (PAYMENT.encode("ascii"), "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.3"),
    418: (TEAPOT.encode("ascii"), "https://www.rfc-editor.org/rfc/rfc2324"),
}


def status_reply(code, environ):
    """httpbin's answer for a bare status ``code``, its ``Content-Length``
    last as ``status_code()`` writes it."""
    last = results.LENGTH_AFTER_CORS
    if code in (301, 302, 303, 305, 307):
        return code, [("Location", results.mount(environ) + "/redirect/1"), last], b""
    if code == 401:  # with its challenge (RFC 9110 section 11.6.1)
        return code, [("WWW-Authenticate", BASIC_CHALLENGE), last], b""
    if code in TEXT_PAGES:
        body, more_info = TEXT_PAGES[code]
        return (
            code,
            [("Content-Type", "text/plain; charset=utf-8"), ("X-More-Info", more_info), last],
            body,
        )
    if code == 406:
        return code, [("Content-Type", results.JSON), last], NOT_ACCEPTABLE
    if code in BODYLESS or code == 407:
        return code, [last], b""
    return results.empty(code, [last])


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


def unstable(environ, params, config):
    """go-httpbin's ``/unstable``: 500 with the chance ``failure_rate``
    (default 0.5), else 200, empty and labelled ``text/plain``.

    With a ``seed`` the outcome is the first draw of ``random.Random(seed)``,
    so one seed always gives the same answer (go-httpbin seeds a generator
    per request too); a client that wants a sequence varies the seed.
    """
    query = options(environ)
    rate = fraction(query.get("failure_rate", "0.5"), "failure_rate")
    seed = query.get("seed")
    draw = random.Random(whole(seed, "seed")).random() if seed is not None else random.random()
    return results.data(b"", "text/plain; charset=utf-8", 500 if draw < rate else 200)


def delay(environ, params, config):
    # httpbin caps the delay (at 10 seconds) rather than refusing a longer one.
    wait = duration(params[0], "delay", config.max_delay, clamp=True)
    if wait:
        hold(environ)
        time.sleep(wait)
    return results.json_reply(with_body(environ, config, json_key=False))


def drip(environ, params, config):
    """``numbytes`` asterisks spread evenly over ``duration`` seconds, after
    ``delay`` seconds, with status ``code``.

    Every wait happens inside the generator, between writes, so the server
    (which calls ``close()`` once a write fails) stops it at the next byte
    after the client goes away; no single wait is longer than ``duration``.
    The last byte goes out at ``delay + duration`` with no pause after it.
    """
    query = options(environ)
    wait, first = duration_and_delay(query, config.max_delay, "2")
    numbytes = whole(query.get("numbytes", "10"), "numbytes", 1)
    numbytes = min(numbytes, config.max_drip_bytes)  # httpbin caps rather than refuses
    code = status_code(query.get("code", "200"))
    if numbytes < 1:
        raise ParameterError("numbytes", "max_drip_bytes is 0: /drip is off")
    headers = [("Content-Type", results.BINARY), ("Content-Length", str(numbytes))]
    if wait or first:
        hold(environ)
    return code, headers, paced_bytes(asterisks, 0, numbytes, wait, delay=first)


def asterisks(start, stop):
    """The bytes ``start`` to ``stop`` of a body of asterisks."""
    return b"*" * (stop - start)
