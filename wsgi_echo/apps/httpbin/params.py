"""Parameters from the path and the query string, checked: a bad value is a
``ParameterError`` naming the parameter, which the app answers with a 400
JSON error (``errors.json_error``) instead of httpbin's 500 or its plain
text.

httpbin reads most numeric query parameters through a case-insensitive
dict of the first value of each key (``CaseInsensitiveDict(request.args.items())``),
so ``?Seed=1`` works like ``?seed=1``; ``options`` gives the same view.
"""

import re

from ...request.numbers import whole_number
from ...request.query import query_pairs

DIGITS = 18  # any number of 18 digits fits a signed 64-bit integer
_NUMBER = re.compile(r"[0-9]{1,12}(?:\.[0-9]{0,9})?\Z|\.[0-9]{1,9}\Z")


class ParameterError(ValueError):
    """A path or query parameter that cannot be used; answered with ``status``."""

    def __init__(self, name, detail, status=400):
        super().__init__(detail)
        self.name, self.detail, self.status = name, detail, status


def options(environ):
    """Lower-cased query keys to their first value, as httpbin looks them up."""
    found = {}
    for key, value in query_pairs(environ.get("QUERY_STRING", "")):
        found.setdefault(key.lower(), value)
    return found


def whole(text, name, low=None, high=None):
    """A whole number in decimal digits (and a leading minus), within bounds."""
    number = whole_number(text, DIGITS, signed=True)
    if number is None:
        raise ParameterError(name, "%s must be a whole number, got %r" % (name, text.strip()))
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            span = "at least %d" % low
        elif low is None:
            span = "at most %d" % high
        else:
            span = "from %d to %d" % (low, high)
        raise ParameterError(name, "%s must be %s, got %d" % (name, span, number))
    return number


def number(text, name):
    """A plain decimal number, 0 or more (no ``inf``, ``nan``, exponents or
    signs, which ``float()`` would take)."""
    text = text.strip()
    if not _NUMBER.match(text):
        raise ParameterError(name, "%s must be a number such as 0.5, got %r" % (name, text))
    return float(text)


def fraction(text, name):
    """A plain decimal number from 0 to 1 (a rate or a share)."""
    value = number(text, name)
    if value > 1:
        raise ParameterError(name, "%s must be from 0 to 1, got %s" % (name, _plain(value)))
    return value


# Go's ``time.ParseDuration`` units, in seconds (micro as "us", U+00B5 or U+03BC).
_GO_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "\u00b5s": 1e-6,
    "\u03bcs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_GO_PART = r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)"
_GO_PARTS = re.compile(_GO_PART)
_GO_DURATION = re.compile(r"(?:%s)+\Z" % _GO_PART)


def duration(text, name, high, clamp=False):
    """Seconds, written as a plain number (``0.5``) or as a Go duration
    (``250ms``, ``1.5s``, ``1m30s``: ``time.ParseDuration``'s units), the two
    ways go-httpbin reads every duration; the one reader of durations here.

    No sign, exponent, ``inf`` or ``nan`` (``float()`` and Go's fallback to
    ``ParseFloat`` would take them).  Over ``high`` (``[httpbin] max_delay``)
    is a ``ParameterError``, or, with ``clamp``, ``high`` itself: httpbin
    caps ``/delay`` rather than refusing it.
    """
    text = text.strip()  # from the query or the path: already decoded
    if _GO_DURATION.match(text):
        value = sum(float(amount) * _GO_UNITS[unit] for amount, unit in _GO_PARTS.findall(text))
    elif _NUMBER.match(text):
        value = float(text)
    else:
        raise ParameterError(
            name,
            "%s must be seconds (0.5) or a duration with a unit (250ms, 1.5s, 1m30s), got %r"
            % (name, text),
        )
    if value > high:  # an overflow to inf is over it too
        if clamp:
            return float(high)
        raise ParameterError(
            name, "%s must be at most %s seconds, got %r" % (name, _plain(high), text)
        )
    return value


def _plain(number):
    return ("%f" % number).rstrip("0").rstrip(".")
