"""The echo's ``form`` and ``files``: what a form body held, as sent.

The request package reads the body (``request.forms``, and
``request.multipart`` splits it into parts); the rules here are the echo's
own, to show every part, whatever its shape:

* a part with a filename, even an empty one (a file input left empty), is
  an upload, shown by its facts: ``filename``, ``content_type`` (the part's
  media type as sent, ``text/plain`` when it has none: RFC 7578 section
  4.4), ``size`` and ``sha256``; the content itself stays in ``body``;
* any other part is a field, its content read as UTF-8 (bad bytes: U+FFFD);
* a part without a name is shown under the empty name ``""``;
* a part that is itself multipart (``multipart/mixed``, RFC 2388's way to
  send several files) is neither: it is skipped, the parts around it are
  shown.
"""

import hashlib
from urllib.parse import parse_qsl

from ...request.forms import MULTIPART, URLENCODED, boundary_of, media_type
from ...request.multi import multi
from ...request.multipart import parts

DEFAULT_PART_TYPE = "text/plain"


def form_and_files(environ, body):
    """(form, files) for an urlencoded or multipart ``body``; ({}, {}) for any other."""
    content_type = environ.get("CONTENT_TYPE", "")
    kind = media_type(content_type)
    if kind == URLENCODED:
        return multi(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)), {}
    boundary = boundary_of(content_type) if kind == MULTIPART and body else None
    if boundary is None:
        return {}, {}
    fields, files = [], []
    for part in parts(body, boundary):
        name = part.name or ""
        part_type = part.content_type
        if part_type is not None and media_type(part_type).startswith("multipart/"):
            continue
        if part.filename is None:
            fields.append((name, part.content.decode("utf-8", "replace")))
            continue
        files.append(
            (
                name,
                {
                    "filename": part.filename,
                    "content_type": (
                        DEFAULT_PART_TYPE
                        if part_type is None
                        else part_type.split(";", 1)[0].strip()
                    ),
                    "size": len(part.content),
                    "sha256": hashlib.sha256(part.content).hexdigest(),
                },
            )
        )
    return multi(fields), multi(files)
