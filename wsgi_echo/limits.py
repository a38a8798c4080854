"""The request body limit, enforced by the app so it holds under every server.

gunicorn has no body size limit of its own, and waitress's answers in plain
text; this middleware gives one JSON 413 everywhere.  A declared
Content-Length is judged before a byte is read.  A chunked body (gunicorn
hands it to the app still streaming, with no length) is read up to one byte
past the limit and then either refused or handed on as a plain, measured body,
the way waitress already presents chunked requests, so the app below sees
the same environ under both servers.
"""

import io

from . import errors


def _too_large(environ, start_response, limit):
    return errors.json_error(
        environ, start_response, 413,
        "the request body is larger than the limit of %d bytes" % limit,
        limit=limit)


class BodyLimit:
    def __init__(self, app, max_bytes):
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH")
        if length:
            if not length.isdigit() or not length.isascii():
                return errors.json_error(environ, start_response, 400,
                                         "Content-Length must be a whole number",
                                         header="Content-Length")
            if int(length) > self.max_bytes:
                return _too_large(environ, start_response, self.max_bytes)
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = environ["wsgi.input"].read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                return _too_large(environ, start_response, self.max_bytes)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.app(environ, start_response)
