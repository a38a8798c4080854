"""The echo's ``form`` and ``files``: urlencoded fields, multipart fields and
uploads.

WebOb parses multipart (through the standard library's ``cgi``); the body
was already bounded to ``max_form_parts`` parts (``request.forms``).
"""

import hashlib
import io
from urllib.parse import parse_qsl

from webob.request import BaseRequest

from ...request.forms import MULTIPART, URLENCODED, media_type
from ...request.multi import multi


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
