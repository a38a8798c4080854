"""Compressed answers: ``/gzip``, ``/deflate`` and ``/brotli``, for a client
to check that it decodes each content coding.

Each sends httpbin's document for its route (the request's headers, method
and origin, and ``"gzipped": true`` or its like) in that coding.
``/brotli`` needs the optional ``brotli`` extra; without it the route is a
501 naming the extra to install.
"""

import gzip as _gzip
import zlib

from . import json_bytes, results
from .params import ParameterError
from .request_echo import shown_headers

try:  # the optional ``brotli`` extra
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the installation
    _brotli = None


def _encoded_document(environ, flag):
    return json_bytes.dumps(
        {
            "headers": shown_headers(environ),
            "method": environ["REQUEST_METHOD"],
            "origin": environ.get("REMOTE_ADDR"),
            flag: True,
        }
    )


def gzip(environ, params, config):
    # httpbin's level (4): fast, and these documents are small.
    body = _gzip.compress(_encoded_document(environ, "gzipped"), compresslevel=4)
    return results.data(body, results.JSON, headers=[("Content-Encoding", "gzip")])


def deflate(environ, params, config):
    # "deflate" is the zlib format (RFC 9110 section 8.4.1.2), as httpbin sends it.
    body = zlib.compress(_encoded_document(environ, "deflated"))
    return results.data(body, results.JSON, headers=[("Content-Encoding", "deflate")])


def brotli(environ, params, config):
    if _brotli is None:
        raise ParameterError(
            "brotli",
            "brotli is not installed on this server (pip install 'wsgi-echo[brotli]')",
            status=501,
        )
    body = _brotli.compress(_encoded_document(environ, "brotli"))
    return results.data(body, results.JSON, headers=[("Content-Encoding", "br")])
