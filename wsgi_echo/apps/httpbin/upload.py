"""``/upload``: a body of any size up to ``[httpbin] max_upload_bytes``, read
as a stream and thrown away, answered with its length and its SHA-256.

go-httpbin's ``/upload`` answers ``/get``'s keys, ``method`` and
``bytes_received``; this adds ``sha256`` (hex), so a client can check that
what it sent arrived intact.  The body is never held whole: the app asks
for it as a stream (``STREAMED``, read by ``HttpbinApp.streamed_body_limit``)
and hashes it a piece at a time, under the body rules of
``middleware.body``, which also answer a body over the limit (413), cut
off at ``[server] body_timeout`` (408) or ended early (400).
"""

import hashlib

from ...middleware.body import BodyError, body_chunks
from . import results
from .request_echo import basics

METHODS = frozenset(("POST", "PUT", "PATCH"))
# Routes that take their body as a stream: path -> (methods, the [httpbin]
# key of their body limit).
STREAMED = {"/upload": (METHODS, "max_upload_bytes")}


def upload(environ, params, config):
    digest = hashlib.sha256()
    received = 0
    try:
        for chunk in body_chunks(environ):
            digest.update(chunk)
            received += len(chunk)
    except BodyError as refused:
        return results.error(refused.status, refused.detail, **refused.fields)
    document = basics(environ)
    document["bytes_received"] = received
    document["method"] = environ["REQUEST_METHOD"]
    document["sha256"] = digest.hexdigest()
    return results.json_reply(document)
