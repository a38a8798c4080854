"""The corpus: every request the harness sends to httpbin and to us,
generated from ``corpus_tables``.

A ``Probe`` is named for what it sends (``GET /status/418``, ``POST /post
[json object]``), and the table of differences names the probes it covers
by those names, so a name must say what a reader needs to find it.
"""

from fnmatch import fnmatchcase

from . import corpus_tables as tables
from .wire import message


class Probe:
    """One request: ``data`` (its bytes), and whether redirects are followed
    (each hop a GET carrying ``follow_headers``)."""

    def __init__(self, name, method, target, data, follow=False, follow_headers=()):
        self.name, self.method, self.target, self.data = name, method, target, data
        self.follow, self.follow_headers = follow, list(follow_headers)

    def __repr__(self):
        return "<Probe %s>" % self.name

    def matches(self, patterns):
        """Whether this probe's name fits one of ``patterns`` (shell-style, with
        ``*`` and ``?``; ``[`` is literal, as in the probes' labels)."""
        name = self.name.replace("[", "\x00")
        return any(fnmatchcase(name, pattern.replace("[", "\x00")) for pattern in patterns)


def _lines(headers):
    return [line if isinstance(line, bytes) else line.encode("latin-1") for line in headers]


def probe(method, target, headers=(), body=b"", label=None, **options):
    name = "%s %s" % (method, target) + (" [%s]" % label if label else "")
    return Probe(name, method, target, message(method, target, _lines(headers), body), **options)


def every_route():
    """Each route with every method httpbin takes on it, HEAD where it takes
    GET, OPTIONS, and one method it does not take."""
    for target, methods, other in tables.ROUTES:
        for method in methods:
            headers = ["Content-Length: 0"] if method in ("POST", "PUT", "PATCH") else []
            yield probe(method, target, headers)
        if "GET" in methods:
            yield probe("HEAD", target)
        yield probe("OPTIONS", target)
        yield probe(other, target, ["Content-Length: 0"] if other in ("POST", "PUT") else [])


def parameters():
    for target in tables.PARAMETERS:
        yield probe("GET", target)
    for target in tables.PARAMETERS:
        if target.startswith("/status/"):  # every status, asked with HEAD too
            yield probe("HEAD", target)


def header_cases():
    for label, lines in tables.HEADER_CASES:
        for target in tables.HEADER_ROUTES:
            yield probe("GET", target, lines, label=label)


def _chunked(body):
    pieces = [body[i : i + 5] for i in range(0, len(body), 5)]
    framed = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
    return framed + b"0\r\n\r\n"


def bodies():
    for label, content_type, body in tables.BODIES:
        for method, target in tables.BODY_ROUTES:
            headers = ["Content-Type: " + content_type] if content_type else []
            if label in tables.CHUNKED:
                headers.append("Transfer-Encoding: chunked")
                data = _chunked(body)
            else:
                headers.append("Content-Length: %d" % len(body))
                data = body
            yield probe(method, target, headers, data, label=label)


def specials():
    for label, method, target, headers in tables.SPECIAL:
        yield probe(method, target, headers, label=label)
    yield probe("HEAD", "/get", ["Origin: http://site.test"], label="origin echo")
    yield probe("HEAD", "/nope")
    yield probe("HEAD", "/post")
    yield probe("DELETE", "/get", ["Content-Length: 0"])
    # HTTP/1.0, keep-alive asked and not: the Connection header is the server's
    for version, lines in (("HTTP/1.0", []), ("HTTP/1.0", [b"Connection: keep-alive"])):
        data = message("GET", "/get", lines, version=version, close=False)
        label = version + (" keep-alive" if lines else "")
        yield Probe("GET /get [%s]" % label, "GET", "/get", data)
    data = message("GET", "/get", close=False)
    yield Probe("GET /get [keep-alive]", "GET", "/get", data)
    data = message("GET", "/headers", host=None, version="HTTP/1.0")
    yield Probe("GET /headers [HTTP/1.0, no Host]", "GET", "/headers", data)


def followed():
    for method, target, headers in tables.FOLLOWED:
        yield probe(method, target, headers, label="followed", follow=True, follow_headers=headers)


def build():
    """Every probe, in a stable order; names are unique."""
    probes = [
        *every_route(),
        *parameters(),
        *header_cases(),
        *bodies(),
        *specials(),
        *followed(),
    ]
    names = [p.name for p in probes]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    assert not duplicated, "probe names must be unique: %s" % duplicated
    return probes


def matching(probes, patterns):
    return [p for p in probes if p.matches(patterns)]
