"""What a test expects of a request, and how a recorded request differs from it.

``Expectation(method=, path=, query=, headers=, json=, body=, form=)``: each
criterion given must hold, those left out match anything.  ``path`` and a
header's value may be a compiled regular expression (matched whole, as
WireMock's ``matching``); a header expected as None must be absent;
``query`` and ``form`` as a mapping name the parameters that must be there
(others may be too), as a string the exact query; ``json`` compares with
``==``, so ``unittest.mock.ANY`` stands for any value inside it.

``differences(request)`` says, one line each, why a request does not match:
the method, the path, each header missing or different, each place where
the JSON differs (``$.items[2].price``).  ``assert_request_made``'s message
ranks the recorded requests by it and shows the closest with their lines.
"""

import re

from .recorded import NotJSON, shown

UNSET = object()  # json=None expects a JSON null, so "not given" is this
MOST_JSON_LINES = 8  # a JSON diff longer than this is cut, with a count of the rest


class Expectation:
    def __init__(
        self,
        method=None,
        path=None,
        query=None,
        headers=None,
        json=UNSET,
        body=None,
        form=None,
    ):
        self.method = method.upper() if method else None
        self.path = path
        self.query = query
        self.headers = dict(headers or {})
        self.json = json
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.form = form

    def __str__(self):
        """``POST /hook with headers {...} and json {...}``."""
        path = self.path
        if isinstance(path, re.Pattern):
            path = "a path matching %r" % path.pattern
        if self.method:
            head = "%s %s" % (self.method, "to any path" if path is None else path)
        else:
            head = "any request" if path is None else "a request to %s" % path
        given = [
            ("query", self.query),
            ("headers", self.headers or None),
            ("json", None if self.json is UNSET else self.json),
            ("body", self.body),
            ("form", self.form),
        ]
        terms = ["%s %s" % (name, shown(value)) for name, value in given if value is not None]
        if self.json is None:
            terms.append("json null")
        return head + (" with " + " and ".join(terms) if terms else "")

    def matches(self, request):
        return not self.differences(request)

    def differences(self, request):
        """Why ``request`` (a ``RecordedRequest``) does not match: a line per
        difference, none when it matches."""
        lines = []
        if self.method is not None and request.method != self.method:
            lines.append("method: expected %s, got %s" % (self.method, request.method))
        if self.path is not None and not _equal_or_match(self.path, request.path):
            lines.append("path: expected %s, got %r" % (_expected(self.path), request.path))
        if isinstance(self.query, str):
            if request.query_string != self.query.lstrip("?"):
                lines.append(
                    "query: expected %r, got %r" % (self.query.lstrip("?"), request.query_string)
                )
        elif self.query is not None:
            lines += _parameters("query", self.query, request.query)
        lines += self._header_lines(request)
        if self.body is not None and request.body != self.body:
            lines.append("body: expected %s, got %s" % (shown(self.body), shown(request.body)))
        if self.form is not None:
            lines += _parameters("form", self.form, request.form)
        if self.json is not UNSET:
            lines += self._json_lines(request)
        return lines

    def _header_lines(self, request):
        lines = []
        for name, expected in self.headers.items():
            values = request.headers.getall(name)
            if expected is None:
                if values:
                    lines.append("header %s: expected absent, got %r" % (name, values[0]))
            elif not values:
                lines.append("header %s: missing (expected %s)" % (name, _expected(expected)))
            elif not any(_equal_or_match(expected, value) for value in values):
                got = values[0] if len(values) == 1 else values
                lines.append("header %s: expected %s, got %r" % (name, _expected(expected), got))
        return lines

    def _json_lines(self, request):
        try:
            actual = request.json()
        except NotJSON:
            return ["json: expected %s, but %s" % (shown(self.json), request.why_not_json())]
        lines = list(json_differences(self.json, actual))
        if len(lines) > MOST_JSON_LINES:
            rest = len(lines) - MOST_JSON_LINES
            lines = [*lines[:MOST_JSON_LINES], "json: ... and %d more differences" % rest]
        return lines


def json_differences(expected, actual, where="$"):
    """Lines ``json $.a.b: expected 1, got 2`` for each place the two differ;
    ``expected == actual`` is asked first, so an ``ANY`` inside matches."""
    if expected == actual:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            place = "%s.%s" % (where, key) if _plain_key(key) else "%s[%r]" % (where, key)
            if key not in actual:
                yield "json %s: missing (expected %s)" % (place, shown(value))
            else:
                yield from json_differences(value, actual[key], place)
        for key in actual:
            if key not in expected:
                place = "%s.%s" % (where, key) if _plain_key(key) else "%s[%r]" % (where, key)
                yield "json %s: not expected, got %s" % (place, shown(actual[key]))
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (wanted, got) in enumerate(zip(expected, actual, strict=True)):
            yield from json_differences(wanted, got, "%s[%d]" % (where, index))
    elif isinstance(expected, list) and isinstance(actual, list):
        yield "json %s: expected %d items, got %d: %s" % (
            where,
            len(expected),
            len(actual),
            shown(actual),
        )
    else:
        yield "json %s: expected %s, got %s" % (where, shown(expected), shown(actual))


def _plain_key(key):
    return isinstance(key, str) and key.isidentifier()


def _equal_or_match(expected, actual):
    if isinstance(expected, re.Pattern):
        return expected.fullmatch(actual) is not None
    return expected == actual


def _expected(expected):
    if isinstance(expected, re.Pattern):
        return "to match %r" % expected.pattern
    return repr(expected)


def _parameters(kind, expected, actual):
    """Lines for each expected parameter (of a query or a form) missing or
    different; a list expects every value of a repeated name, in order."""
    lines = []
    for name, wanted in expected.items():
        values = actual.getall(name)
        if not values:
            lines.append("%s %s: missing (expected %r)" % (kind, name, wanted))
        elif isinstance(wanted, (list, tuple)):
            if list(wanted) != values:
                lines.append("%s %s: expected %r, got %r" % (kind, name, list(wanted), values))
        elif not any(_equal_or_match(wanted, value) for value in values):
            got = values[0] if len(values) == 1 else values
            lines.append("%s %s: expected %s, got %r" % (kind, name, _expected(wanted), got))
    return lines
