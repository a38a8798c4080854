"""A request body as JSON, or None.

Both apps show a body's JSON under ``json`` and ``null`` when there is none,
so one parser decides what counts: RFC 8259 JSON in any of its encodings,
and nothing Python accepts beyond it (NaN, Infinity, numbers too large for
a double), since what is parsed here is written back out as JSON that
other parsers must read.
"""

import json


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def _finite_float(text):
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError("%s is too large for a JSON number" % text)
    return number


# One decoder, made once: ``json.loads`` with hooks builds a new one per call.
_strict = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float).decode


def parse_json(body):
    """The body (bytes in any JSON encoding, or text) as JSON, or None when it
    is empty or not valid JSON (too deeply nested included)."""
    if not body:
        return None
    try:
        if body.__class__ is bytes:
            body = body.decode(json.detect_encoding(body), "surrogatepass")
        return _strict(body)
    except (ValueError, RecursionError):
        return None
