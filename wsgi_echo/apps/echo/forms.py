"""Form bodies: urlencoded fields, multipart fields and uploads, and the cap
on multipart parts.

WebOb parses multipart (through the standard library's ``cgi`` module), in
time and memory linear in the number of parts; the cap bounds that number
before any parsing, by counting boundary lines, so that a body of many tiny
parts cannot cost more than ``max_form_parts`` of them.
"""

import hashlib
import io
import re
from email.message import Message
from urllib.parse import parse_qsl

from webob.request import BaseRequest

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def multi(pairs):
    """Pairs to an object: one value stays a string, repeats become a list."""
    result = {}
    for key, value in pairs:
        if key in result:
            previous = result[key]
            if isinstance(previous, list):
                previous.append(value)
            else:
                result[key] = [previous, value]
        else:
            result[key] = value
    return result


def media_type(content_type):
    return content_type.split(";", 1)[0].strip().lower()


def boundary_of(content_type):
    """The ``boundary`` parameter of a multipart Content-Type, or None."""
    header = Message()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    return boundary if isinstance(boundary, str) and boundary else None


def count_parts(content_type, body):
    """How many parts a multipart body holds (0 for any other body).

    Counts delimiter lines (RFC 2046 section 5.1.1: "--" and the boundary
    alone on a line, but for transport padding; the first one may open the
    body without a CRLF before it), in one linear scan.  The closing
    delimiter ("--" after the boundary) opens no part.
    """
    if media_type(content_type) != MULTIPART:
        return 0
    boundary = boundary_of(content_type)
    if boundary is None:
        return 0
    delimiter = re.compile(rb"(?:\A|\r\n)--%s[ \t]*(?=\r\n)"
                           % re.escape(boundary.encode("latin-1", "replace")))
    return len(delimiter.findall(body))


def form_and_files(environ, body):
    """Fields of an urlencoded or multipart body, and multipart uploads.

    A part without a name (no ``name`` parameter, or no headers at all) is
    reported under the empty name ``""``: an echo shows what was sent.
    """
    content_type = media_type(environ.get("CONTENT_TYPE", ""))
    if content_type == URLENCODED:
        return multi(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)), {}
    if content_type != MULTIPART or not body:
        return {}, {}
    copy = dict(environ, **{"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
                           "REQUEST_METHOD": "POST"})
    fields, files = [], []
    try:
        items = BaseRequest(copy).POST.items()
    except Exception:  # a malformed multipart body is reported as no fields
        return {}, {}
    for name, value in items:
        name = name or ""
        if isinstance(value, str):
            fields.append((name, value))
            continue
        data = getattr(value, "value", None)
        if not isinstance(data, bytes):
            continue  # a nested multipart part: not a field, not an upload
        files.append((name, {
            "filename": value.filename,
            "content_type": value.type,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }))
    return multi(fields), multi(files)
