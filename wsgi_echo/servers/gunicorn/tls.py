"""What the app learns of TLS and HTTP/2 under gunicorn, beyond PEP 3333.

gunicorn hands the app the connection's socket (``gunicorn.socket``, the
``ssl.SSLSocket`` under TLS, for HTTP/1.1 and HTTP/2 alike) and nothing else
about TLS; ``Adapter`` turns that socket into ``environ[protocol.TLS]``,
evens out two things gunicorn's HTTP/2 environ does differently, and passes
on the one extra gunicorn offers an HTTP/2 response: trailers.
"""

import ssl

from ...protocol import SEND_TRAILERS, TLS
from .. import plain_http
from .hooks import request_seen

CERT_REQS = {"off": "CERT_NONE", "optional": "CERT_OPTIONAL", "required": "CERT_REQUIRED"}
# gunicorn 27's gthread worker puts this callable in an HTTP/2 request's
# environ (``ThreadWorker.handle_http2_request``): given (name, value)
# pairs, it keeps them on the response, whose ``close()`` sends them as a
# trailing HEADERS frame that ends the stream.  Not documented API, so
# pinned with the version in setup.cfg and checked by
# tests/test_server_seams.py.  HTTP/1.1 responses have no such seam.
GUNICORN_SEND_TRAILERS = "gunicorn.http2.send_trailers"


def remember_sni(ssl_socket, server_name, context):
    """``SSLContext.sni_callback``: keep the name the client asked for (SNI),
    which the ssl module does not keep on a server-side socket."""
    try:
        ssl_socket.wsgi_echo_sni = server_name
    except AttributeError:  # an SSLObject without a __dict__
        pass


class RefusingPlainHTTP:
    """gunicorn's SSL context, but a connection that opens with plain HTTP is
    answered 400 (``plain_http``) instead of failing its handshake.

    gunicorn's workers call only ``wrap_socket`` on the context the
    ``ssl_context`` hook returns; everything else reaches the real context.
    The refused connection ends as a clean end of input
    (``SSL_ERROR_EOF``), which gunicorn closes without a warning.
    """

    def __init__(self, context):
        self._context = context

    def __getattr__(self, name):
        return getattr(self._context, name)

    def wrap_socket(self, sock, *args, **kwargs):
        if plain_http.is_plain_http(plain_http.peek(sock)):
            plain_http.answer(sock)
            raise ssl.SSLError(ssl.SSL_ERROR_EOF, "plain HTTP on the HTTPS port: answered 400")
        return self._context.wrap_socket(sock, *args, **kwargs)


def ssl_context(config, default_ssl_context_factory):
    """gunicorn's ``ssl_context`` hook: its context, plus the SNI callback,
    refusing plain HTTP with a 400 (``RefusingPlainHTTP``).

    ``OP_IGNORE_UNEXPECTED_EOF``: when the body deadline shuts a connection's
    read side, OpenSSL 3 takes the end of input as a fatal error and answers
    the next write with an alert ("decode error") instead of the 408; read as
    a clean end of input, the 408 goes out.
    """
    context = default_ssl_context_factory()
    context.sni_callback = remember_sni
    context.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    return RefusingPlainHTTP(context)


def tls_facts(sock):
    """The ``protocol.TLS`` dict for an ``ssl.SSLSocket`` (None for plain
    sockets), computed once per connection and kept on the socket."""
    facts = getattr(sock, "wsgi_echo_tls", None)
    if facts is not None or not hasattr(sock, "cipher"):
        return facts
    cipher = sock.cipher()
    certificate = None
    der = sock.getpeercert(binary_form=True)
    if der:
        certificate = dict(sock.getpeercert() or {}, der=der)
    facts = {
        "version": sock.version(),
        "cipher": cipher[0] if cipher else None,
        "alpn": sock.selected_alpn_protocol(),
        "sni": getattr(sock, "wsgi_echo_sni", None),
        "client_cert": certificate,
    }
    try:
        sock.wsgi_echo_tls = facts
    except AttributeError:
        pass
    return facts


class Adapter:
    """WSGI wrapper: what the app needs from gunicorn beyond PEP 3333.

    * what TLS the connection used, in ``environ[protocol.TLS]``;
    * for HTTP/2, gunicorn writes ``HTTP_VERSION = "2"`` into the environ,
      which reads as a request header "Version: 2" the client never sent
      (and hides one it did send): the client's own is put back;
    * for HTTP/2, header values are made PEP 3333 strings (``as_pep3333``);
    * for HTTP/2, gunicorn's trailer sender is ``environ[protocol.SEND_TRAILERS]``.
    """

    def __init__(self, app, tls):
        self.app = app
        self.tls = tls

    def __call__(self, environ, start_response):
        if self.tls:
            facts = tls_facts(environ.get("gunicorn.socket"))
            if facts is not None:
                environ[TLS] = facts
        if environ.get("SERVER_PROTOCOL") == "HTTP/2.0":
            sent = getattr(request_seen, "version_header", None)
            if sent is None:
                environ.pop("HTTP_VERSION", None)
            else:
                environ["HTTP_VERSION"] = sent
            as_pep3333(environ)
            send_trailers = environ.get(GUNICORN_SEND_TRAILERS)
            if send_trailers is not None:
                environ[SEND_TRAILERS] = send_trailers
        return self.app(environ, start_response)


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
