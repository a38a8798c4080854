"""Two answers to one request compared: the findings, each an aspect
(``status line``, ``header <name>``, ``header case <name>``, ``header
order``, ``body``, ``hops``) and what differs.

What no two runs (or no two servers) can agree on is normalised first, on
both sides alike: the ``Date`` and other times of day, the ``Server``
name, uuids (``/uuid``, ``/cache``'s ETag) and digest nonces.  Under
waitress, which writes every app's response headers sorted by name,
httpbin's headers are sorted as waitress would sort them before the order
is compared: that order is the server's, not the app's.

Bodies are compared by what they hold: JSON as data, text and HTML as text,
anything else byte for byte, except random bytes asked for without a
``seed``, which only their length can match; a ``Content-Encoding`` is
removed first (gzip's header holds a time).
"""

import difflib
import gzip
import json
import re
import zlib

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}")
HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT")
NONCE = re.compile(r'(nonce|opaque)="[^"]*"')
RANDOM_BYTES = re.compile(r"^/(bytes|stream-bytes)/(?!.*[?&]seed=)")
TEXTUAL = ("text/", "application/json", "application/xml", "image/svg", "application/javascript")


class Finding:
    def __init__(self, aspect, detail):
        self.aspect, self.detail = aspect, detail

    def __repr__(self):
        return "<%s: %s>" % (self.aspect, self.detail)


def normal_value(name, value):
    lower = name.lower()
    if lower == "server":
        return "<server>"
    if lower == "allow":
        return ", ".join(sorted(method.strip() for method in value.split(",")))
    value = HTTP_DATE.sub("<date>", value)
    value = UUID.sub("<uuid>", value)
    return NONCE.sub(r'\1="<nonce>"', value)


def as_waitress_writes(name):
    """A header name as waitress's ``build_response_header`` writes it."""
    return "-".join(word.capitalize() for word in name.split("-"))


def normal_headers(headers, waitress):
    pairs = [(name, normal_value(name, value)) for name, value in headers]
    if not waitress:
        return pairs
    # waitress sorts stably by name, so repeated names keep their order
    return sorted(((as_waitress_writes(n), v) for n, v in pairs), key=lambda pair: pair[0])


def _grouped(pairs):
    groups = {}
    for name, value in pairs:
        groups.setdefault(name.lower(), []).append((name, value))
    return groups


def compare_headers(theirs, ours, waitress):
    theirs, ours = normal_headers(theirs, waitress), normal_headers(ours, waitress)
    findings = []
    left, right = _grouped(theirs), _grouped(ours)
    for name in sorted(set(left) | set(right)):
        a, b = (
            left.get(name, []),
            right.get(name, []),
        )
        if [v for _, v in a] != [v for _, v in b]:
            findings.append(
                Finding(
                    "header " + name, "httpbin %r, ours %r" % ([v for _, v in a], [v for _, v in b])
                )
            )
        elif [n for n, _ in a] != [n for n, _ in b]:
            findings.append(
                Finding("header case " + name, "httpbin %r, ours %r" % (a[0][0], b[0][0]))
            )
    common = set(left) & set(right)
    order_a = [n.lower() for n, _ in theirs if n.lower() in common]
    order_b = [n.lower() for n, _ in ours if n.lower() in common]
    if order_a != order_b:
        findings.append(Finding("header order", "httpbin %s\nours    %s" % (order_a, order_b)))
    return findings


def decoded(answer):
    coding = (answer.header("Content-Encoding") or "").lower()
    body = answer.body
    try:
        if coding == "gzip":
            return gzip.decompress(body)
        if coding == "deflate":
            return zlib.decompress(body)
        if coding == "br":
            import brotli

            return brotli.decompress(body)
    except Exception as error:  # a body that does not decode is itself the finding
        return b"<undecodable %s body: %s>" % (coding.encode(), str(error).encode())
    return body


def _json(text):
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    try:  # /stream's lines: one JSON document each
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return None


def _pretty(documents):
    return json.dumps(documents, indent=2, sort_keys=True).splitlines()


def _diff(a_lines, b_lines):
    diff = difflib.unified_diff(a_lines, b_lines, "httpbin", "ours", lineterm="", n=2)
    return "\n".join(list(diff)[:60])


def compare_bodies(theirs, ours, target):
    a, b = decoded(theirs), decoded(ours)
    kind = (theirs.header("Content-Type") or ours.header("Content-Type") or "").lower()
    if any(kind.startswith(prefix) for prefix in TEXTUAL) or (not kind and not a and not b):
        ta = UUID.sub("<uuid>", a.decode("utf-8", "replace"))
        tb = UUID.sub("<uuid>", b.decode("utf-8", "replace"))
        if "json" in kind:
            ja, jb = _json(ta), _json(tb)
            if ja is not None and jb is not None:
                if ja == jb:
                    return []
                return [Finding("body", "JSON differs:\n" + _diff(_pretty(ja), _pretty(jb)))]
        if ta == tb:
            return []
        return [Finding("body", "text differs:\n" + _diff(ta.splitlines(), tb.splitlines()))]
    if RANDOM_BYTES.match(target):
        if len(a) == len(b):
            return []
        return [Finding("body", "random bytes: httpbin %d long, ours %d" % (len(a), len(b)))]
    if a == b:
        return []
    return [
        Finding(
            "body",
            "bytes differ: httpbin %d %r..., ours %d %r..." % (len(a), a[:40], len(b), b[:40]),
        )
    ]


def compare(theirs, ours, target, waitress=False):
    """Findings between httpbin's answers and ours to one probe (lists of
    ``wire.Answer``, one per hop); ``waitress``: ours came from waitress."""
    findings = []
    if len(theirs) != len(ours):
        findings.append(Finding("hops", "httpbin %d answers, ours %d" % (len(theirs), len(ours))))
    # A different count is a finding of its own, above; the common hops are compared.
    for hop, (a, b) in enumerate(zip(theirs, ours, strict=False)):
        hop_findings = []
        if a.status_line != b.status_line:
            hop_findings.append(
                Finding("status line", "httpbin %r, ours %r" % (a.status_line, b.status_line))
            )
        if a.interim != b.interim:
            hop_findings.append(Finding("interim", "httpbin %r, ours %r" % (a.interim, b.interim)))
        hop_findings += compare_headers(a.headers, b.headers, waitress)
        hop_findings += compare_bodies(a, b, target)
        if hop:
            for finding in hop_findings:
                finding.detail = "(hop %d) %s" % (hop + 1, finding.detail)
        findings += hop_findings
    return findings
