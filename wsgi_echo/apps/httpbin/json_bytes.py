"""httpbin's JSON, byte for byte: sorted keys, two-space indent, ASCII only.

httpbin answers through Flask's ``jsonify``: ``json.dumps(document,
indent=2, sort_keys=True, ensure_ascii=True)`` and a newline.  With an
indent the standard library falls back to its pure-Python encoder, which
costs more than the rest of a ``/get``; the documents here are small trees
of strings, so writing them with the C string escaper
(``encode_basestring_ascii``) gives the same bytes in about a fifth of the
time.  A test compares the two on awkward documents.
"""

import json
from json.encoder import encode_basestring_ascii as _string

_slow = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=True, check_circular=False).encode
_PADS = ["\n" + "  " * level for level in range(64)]


def _pad(level):
    return _PADS[level] if level < 64 else "\n" + "  " * level


def _dict(value, level):
    """A non-empty dict at nesting ``level``; string values written inline,
    since nearly all of them are strings and a call per value costs more
    than the writing."""
    inner = _pad(level + 1)
    parts = []
    for key in sorted(value):
        item = value[key]
        kind = item.__class__
        if kind is str:
            parts.append(_string(key) + ": " + _string(item))
        elif kind is int:
            parts.append(_string(key) + ": " + int.__repr__(item))
        elif kind is dict:
            parts.append(_string(key) + ": " + (_dict(item, level + 1) if item else "{}"))
        else:
            parts.append(_string(key) + ": " + _value(item, level + 1))
    return "{" + inner + ("," + inner).join(parts) + inner[:-2] + "}"


def _value(value, level):
    kind = value.__class__
    if kind is str:
        return _string(value)
    if kind is dict:
        return _dict(value, level) if value else "{}"
    if kind is list:
        if not value:
            return "[]"
        inner = _pad(level + 1)
        return (
            "["
            + inner
            + ("," + inner).join(
                [
                    _string(item)
                    if item.__class__ is str
                    else int.__repr__(item)
                    if item.__class__ is int
                    else _value(item, level + 1)
                    for item in value
                ]
            )
            + inner[:-2]
            + "]"
        )
    if kind is int:
        return int.__repr__(value)  # what the json module writes for an int
    if kind is float and value - value == 0.0:  # finite: NaN and infinities go below
        return float.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    # Anything else the standard encoder knows, indented to fit.
    return _slow(value).replace("\n", _pad(level))


# Sorted top-level keys -> the document's frame with a "%s" per value: the
# routes' documents have a handful of fixed shapes, so the frame is built
# once per shape.  Bounded, since /cookies and /response-headers take their
# keys from the client.
_FRAMES = {}


def _frame(keys):
    frame = (
        "{\n" + ",\n".join("  %s: %%s" % _string(key).replace("%", "%%") for key in keys) + "\n}\n"
    )
    if len(_FRAMES) < 256:
        _FRAMES[keys] = frame
    return frame


def dumps(document):
    """``document`` (a dict) as httpbin writes it: indented, sorted, ASCII, and a newline."""
    if not document:
        return b"{}\n"
    keys = tuple(sorted(document))
    frame = _FRAMES.get(keys) or _frame(keys)
    values = []
    for key in keys:
        value = document[key]
        kind = value.__class__
        if kind is str:
            values.append(_string(value))
        elif kind is dict:
            values.append(_dict(value, 1) if value else "{}")
        else:
            values.append(_value(value, 1))
    return (frame % tuple(values)).encode("ascii")


def compact(document):
    """One line, keys in the given order, ``", "`` and ``": "``: httpbin's
    ``json.dumps(document)`` for ``/stream`` lines and the ``406`` body."""
    return json.dumps(document)
