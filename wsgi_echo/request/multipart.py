"""A multipart/form-data body split into its parts (RFC 7578 on RFC 2046
section 5.1.1).

One parser for every app: it yields each part with its name, filename and
content type as sent, and decides nothing about them, because the apps
read parts differently (which part is an upload, what a part without a
name is).  Call it after ``forms.count_parts`` has bounded the parts.

Written here rather than taken from WebOb, whose parser (the standard
library's ``cgi``) turns a part with ``filename=""`` into a field where
werkzeug, and so httpbin, sees an upload, and stops reading the form at a
part that is itself multipart.
"""

import re
from itertools import pairwise
from typing import NamedTuple

from ..wsgi_text import TOKEN
from .parameters import parameters

# A header line of a part: its name, then its value with the spaces and tabs
# around it, stripped afterwards (matching "[ \t]*\Z" after a lazy value
# instead retried that tail at every character: quadratic in the spaces).
_PART_HEADER = re.compile(rb"(%s)[ \t]*:(.*)\Z" % TOKEN.encode("ascii"))


class Part(NamedTuple):
    """One part: ``name`` and ``filename`` are None when the part's
    Content-Disposition has no such (plain) parameter, ``content_type`` when
    it has no Content-Type."""

    name: str | None
    filename: str | None
    content_type: str | None
    content: bytes


def _disposition(value):
    """(name, filename) from a Content-Disposition value, each str or None."""
    found = parameters(value)
    return found.get("name"), found.get("filename")


def parts(body, boundary):
    """The parts of ``body``, in order, up to the closing delimiter (the
    epilogue after it is no part, nor is a last part that never ends)."""
    marker = re.escape(boundary.encode("latin-1", "replace"))
    delimiters = list(re.finditer(rb"(?:\A|\r\n)--%s(--)?[ \t]*(?:\r\n|\Z)" % marker, body))
    found = []
    for this, following in pairwise(delimiters):
        if this.group(1):  # the closing delimiter: the epilogue follows
            break
        part = body[this.end() : following.start()]
        head, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            head, content = (b"", part[2:]) if part.startswith(b"\r\n") else (part, b"")
        disposition = content_type = None
        for line in head.split(b"\r\n"):
            match = _PART_HEADER.match(line)
            if not match:
                continue
            name = match.group(1).lower()
            if name == b"content-disposition":
                disposition = match.group(2).strip(b" \t").decode("utf-8", "replace")
            elif name == b"content-type":
                content_type = match.group(2).strip(b" \t").decode("latin-1")
        name, filename = _disposition(disposition) if disposition is not None else (None, None)
        found.append(Part(name, filename, content_type, content))
    return found
