"""Base64 in the path: httpbin's ``/base64/<value>``, and go-httpbin's
``/base64/encode/<value>`` and ``/base64/decode/<value>``.

Values are read in either alphabet (URL-safe ``-_`` or standard ``+/``,
RFC 4648 sections 4 and 5), padded or not, since base64 in URLs is often
left unpadded; the encoder writes the URL-safe alphabet with padding, as
go-httpbin's does.  A value is one path segment, so its length is bounded
by ``[server] limit_request_line``.
"""

import base64
import binascii
import re

from ...wsgi_text import decoded
from . import results
from .params import ParameterError

TEXT = "text/plain; charset=utf-8"
_BASE64 = re.compile(r"[A-Za-z0-9_+/-]*={0,2}\Z")


def _decoded_bytes(value):
    """The bytes a base64 value stands for, or a ParameterError."""
    if not _BASE64.match(value):
        raise ParameterError("value", "%r is not base64" % decoded(value))
    padded = value.rstrip("=")  # the URL-safe decoder reads "+/" too
    padded += "=" * (-len(padded) % 4)
    try:
        return base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError):
        raise ParameterError("value", "%r is not base64" % value) from None


def decode_base64(environ, params, config):
    """httpbin's ``/base64/<value>``: the value decoded, as UTF-8 text in an
    HTML answer (httpbin answers an undecodable value with a 200 and a
    hint; here it is a 400)."""
    try:
        text = _decoded_bytes(params[0]).decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError("value", "%r is not base64 of UTF-8 text" % params[0]) from None
    return results.data(text.encode("utf-8"), results.HTML, headers=results.UNTRUSTED)


def decode(environ, params, config):
    """``/base64/decode/<value>``: the decoded bytes as they are, labelled
    UTF-8 text when they are UTF-8 and ``application/octet-stream`` when
    not (go-httpbin labels every answer ``text/plain``)."""
    data = _decoded_bytes(params[0])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return results.data(data, results.BINARY, headers=results.UNTRUSTED)
    return results.data(data, TEXT, headers=results.UNTRUSTED)


def encode(environ, params, config):
    """``/base64/encode/<value>``: the segment's bytes (percent-escapes
    undone) in URL-safe base64, padded."""
    value = params[0]
    try:
        data = value.encode("latin-1")  # PEP 3333: the request's bytes
    except UnicodeEncodeError:  # a server that decoded the bytes itself
        data = value.encode("utf-8")
    return results.data(base64.urlsafe_b64encode(data), TEXT)
