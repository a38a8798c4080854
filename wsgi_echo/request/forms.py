"""Form bodies: which kind a body is, its multipart boundary, and how many
parts it holds.

Both apps cap the parts of a multipart body before parsing it, since the
parser's time and memory grow with the number of parts: ``count_parts``
counts them in one linear scan of the bytes, so a body of many tiny parts
is refused before it costs more than the cap.
"""

import re

from .parameters import parameter

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def media_type(content_type):
    """``Multipart/Form-Data; boundary=x`` -> ``multipart/form-data``."""
    return content_type.split(";", 1)[0].strip().lower()


def boundary_of(content_type):
    """The ``boundary`` parameter of a multipart Content-Type, or None."""
    return parameter(content_type, "boundary") or None


def count_parts(content_type, body):
    """How many parts a multipart body holds (0 for any other body).

    Counts delimiter lines (RFC 2046 section 5.1.1: "--" and the boundary
    alone on a line, but for transport padding; the first one may open the
    body without a CRLF before it).  The closing delimiter ("--" after the
    boundary) opens no part.
    """
    if media_type(content_type) != MULTIPART:
        return 0
    boundary = boundary_of(content_type)
    if boundary is None:
        return 0
    delimiter = re.compile(
        rb"(?:\A|\r\n)--%s[ \t]*(?=\r\n)" % re.escape(boundary.encode("latin-1", "replace"))
    )
    return len(delimiter.findall(body))
