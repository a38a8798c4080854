"""What the app learns from gunicorn beyond PEP 3333, and what it asks of it.

``Adapter`` wraps the app under both gunicorn runners:

* what TLS the connection used, in ``environ[protocol.TLS]`` (``tls``);
* how many requests the worker can hold (``protocol.HELD_CAPACITY``), for a
  worker whose every request holds a thread;
* for HTTP/2, gunicorn writes ``HTTP_VERSION = "2"`` into the environ,
  which reads as a request header "Version: 2" the client never sent (and
  hides one it did send): the client's own is put back;
* for HTTP/2, header values are made PEP 3333 strings (``as_pep3333``);
* for HTTP/2, gunicorn's trailer sender is ``environ[protocol.SEND_TRAILERS]``;
* the body deadline's cancel, for the app to call once it has read the body
  to its end (``protocol.BODY_READ``, ``hooks.BodyDeadline``);
* an app that sets ``protocol.CLOSE_AFTER``, or that answers while the
  worker is stopping (``hooks.stopping``), gets its connection closed after
  its answer, which then says ``Connection: close``: gunicorn writes the
  headers with the first body bytes, after the app has returned;
* what the app may do to its connection (reset it, close it, write raw
  bytes on it: ``protocol.CONNECTION``), for an HTTP/2 stream a reset
  (``connection``).
"""

from ...protocol import BODY_READ, CLOSE_AFTER, CONNECTION, HELD_CAPACITY, SEND_TRAILERS, TLS
from . import hooks
from .connection import Connection, Stream
from .tls import tls_facts

# gunicorn 27's workers put this callable in an HTTP/2 request's environ
# (``ThreadWorker.handle_http2_request``): given (name, value) pairs, it
# keeps them on the response, whose ``close()`` sends them as a trailing
# HEADERS frame that ends the stream.  Not documented API, so pinned with
# the version in setup.cfg and checked by tests/test_server_seams_gunicorn*.py.
# HTTP/1.1 responses have no such seam.
GUNICORN_SEND_TRAILERS = "gunicorn.http2.send_trailers"


class Adapter:
    def __init__(self, app, tls, held_capacity=None):
        self.app = app
        self.tls = tls
        self.held_capacity = held_capacity

    def __call__(self, environ, start_response):
        if self.held_capacity is not None:
            environ[HELD_CAPACITY] = self.held_capacity
        if self.tls:
            facts = tls_facts(environ.get("gunicorn.socket"))
            if facts is not None:
                environ[TLS] = facts
        req = getattr(hooks.request_seen, "req", None)
        deadline = getattr(req, "wsgi_echo_deadline", None)
        if deadline is not None:
            environ[BODY_READ] = deadline.cancel
        if environ.get("SERVER_PROTOCOL") == "HTTP/2.0":
            sent = getattr(hooks.request_seen, "version_header", None)
            if sent is None:
                environ.pop("HTTP_VERSION", None)
            else:
                environ["HTTP_VERSION"] = sent
            as_pep3333(environ)
            send_trailers = environ.get(GUNICORN_SEND_TRAILERS)
            if send_trailers is not None:
                environ[SEND_TRAILERS] = send_trailers
            environ[CONNECTION] = Stream(start_response)
        else:
            environ[CONNECTION] = Connection(environ.get("gunicorn.socket"), start_response)
        result = self.app(environ, start_response)
        if (environ.get(CLOSE_AFTER) or hooks.stopping()) and req is not None:
            req.force_close()
        return result


def as_pep3333(environ):
    """HTTP/2 header values as PEP 3333 strings: gunicorn decodes them as UTF-8
    (HTTP/1.x's as latin-1, as PEP 3333 asks), so "é" would reach the app as one
    character it cannot read back to bytes; it gets the bytes, as latin-1."""
    for key, value in environ.items():
        if (
            (
                key.startswith("HTTP_")
                or key in ("CONTENT_TYPE", "CONTENT_LENGTH", "QUERY_STRING", "RAW_URI")
            )
            and value.__class__ is str
            and not value.isascii()
        ):
            environ[key] = value.encode("utf-8", "surrogateescape").decode("latin-1")
