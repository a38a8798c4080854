"""The request body: limited in size and in waiting time, read once, here.

gunicorn has no body size limit of its own, and waitress's answers in plain
text; this middleware gives one JSON 413 everywhere.  A declared
Content-Length is judged before a byte is read; a chunked body (gunicorn
hands it over still streaming, with no length) is read up to one byte past
the limit.  Either way the body is then read in full and handed on as a
measured, in-memory body, the way waitress already presents every request,
so the apps below see the same environ under both servers and never meet a
half-sent body.

Waiting is bounded too: under gunicorn a client that announces a body and
then stalls would hold a worker thread for ever (gthread's ``timeout`` only
watches the worker process), so reads on gunicorn's socket wait at most
``[server] timeout`` seconds and a stalled body gets 408.
"""

import io

from . import errors


class BodyLimit:
    def __init__(self, app, max_bytes, read_timeout=0):
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout or None

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH")
        chunked = not length and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and (not length or length == "0"):
            return self.app(environ, start_response)
        if length:
            if not length.isdigit() or not length.isascii():
                return errors.json_error(environ, start_response, 400,
                                         "Content-Length must be a whole number",
                                         header="Content-Length")
            if int(length) > self.max_bytes:
                return self.too_large(environ, start_response)
        wanted = self.max_bytes + 1 if chunked else int(length)
        try:
            body = self.read(environ, wanted)
        except TimeoutError:
            return errors.json_error(environ, start_response, 408,
                                     "no body bytes arrived for %s seconds" % self.read_timeout)
        except Exception as exc:  # each server has its own (gunicorn: NoMoreData, ...)
            return errors.json_error(environ, start_response, 400,
                                     "the request body could not be read: %s"
                                     % (str(exc) or type(exc).__name__))
        if chunked and len(body) > self.max_bytes:
            return self.too_large(environ, start_response)
        if not chunked and len(body) < wanted:
            return errors.json_error(environ, start_response, 400,
                                     "the body ended after %d of %d bytes" % (len(body), wanted))
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)

    def read(self, environ, size):
        sock = environ.get("gunicorn.socket")
        if sock is not None and self.read_timeout:
            sock.settimeout(self.read_timeout)
        return environ["wsgi.input"].read(size)

    def too_large(self, environ, start_response):
        return errors.json_error(
            environ, start_response, 413,
            "the request body is larger than the limit of %d bytes" % self.max_bytes,
            limit=self.max_bytes)
