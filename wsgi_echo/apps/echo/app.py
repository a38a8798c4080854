"""The echo: any method, any path, answered with the request as JSON.

``describe.describe()`` builds the document, ``render`` writes it; this
module adds the response shaping (``shaping``), CORS (``cors``), bodies sent
with a Content-Encoding (``decoding``), the multipart cap and the HTTP
framing.
"""

import time

from ... import errors
from ...middleware.body import read_body
from ...middleware.held import hold
from ...request.forms import count_parts
from . import render, shaping
from .cors import Cors
from .decoding import DecodingError, decode
from .describe import describe

ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
JSON_TYPE = "application/json"
# The echo reflects what clients send; a browser must never sniff it into HTML.
NOSNIFF = ("X-Content-Type-Options", "nosniff")


class EchoApp:
    """WSGI app answering every request with ``describe()`` as JSON."""

    def __init__(self, config, max_body, instance=""):
        """``config``: the ``[echo]`` settings; ``max_body``: the most bytes a
        decoded request body may grow to (``[server] max_request_bytes``);
        ``instance``: this server's name (``[server] instance``)."""
        self.instance = instance
        self.max_delay_ms = config.max_delay_ms
        self.max_form_parts = config.max_form_parts
        self.max_body = max_body
        self.cors = Cors(config)

    def error(self, environ, start_response, status, detail, **fields):
        headers = [NOSNIFF, *self.cors.response_headers(environ, [])]
        return errors.json_error(environ, start_response, status, detail, headers=headers, **fields)

    def __call__(self, environ, start_response):
        if self.cors.is_preflight(environ):
            return self.cors.preflight(environ, start_response)
        try:
            shape = shaping.parse(environ, self.max_delay_ms)
        except shaping.ShapingError as exc:
            return self.error(environ, start_response, 400, exc.detail, **exc.fields)
        body = read_body(environ)
        removed = []
        coding = environ.get("HTTP_CONTENT_ENCODING")
        if coding and body:
            try:
                body, removed = decode(coding, body, self.max_body)
            except DecodingError as exc:
                return self.error(environ, start_response, exc.status, exc.detail, **exc.fields)
        if body and count_parts(environ.get("CONTENT_TYPE", ""), body) > self.max_form_parts:
            return self.error(
                environ,
                start_response,
                413,
                "the multipart body has more than %d parts" % self.max_form_parts,
                limit=self.max_form_parts,
            )
        if shape.delay_ms:
            hold(environ)
            time.sleep(shape.delay_ms / 1000.0)
        method = environ["REQUEST_METHOD"]
        status = shape.status
        headers = []
        if status in errors.BODYLESS:
            payload = b""
        else:
            document = describe(environ, body)
            document["content_encoding"] = removed
            document["instance"] = self.instance
            payload = render.render(document)
            headers.append(("Content-Type", JSON_TYPE))
            headers.append(("Content-Length", str(len(payload))))
        if method == "OPTIONS":
            headers.append(("Allow", ALLOW))
        for name, value in shape.headers:
            if name.lower() == "content-type":
                headers = [pair for pair in headers if pair[0] != "Content-Type"]
            headers.append((name, value))
        headers.append(NOSNIFF)
        headers.extend(self.cors.response_headers(environ, headers))
        start_response(errors.STATUS_LINES[status], headers)
        return [] if method == "HEAD" or not payload else [payload]
