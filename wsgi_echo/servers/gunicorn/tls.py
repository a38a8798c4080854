"""TLS under gunicorn: the SSL context, and what the app learns of TLS.

gunicorn hands the app the connection's socket (``gunicorn.socket``, the
``ssl.SSLSocket`` under TLS, for HTTP/1.1 and HTTP/2 alike) and nothing else
about TLS; ``tls_facts`` turns that socket into what ``adapter.Adapter``
puts in ``environ[protocol.TLS]``.
"""

import ssl

from .. import plain_http

CERT_REQS = {"off": "CERT_NONE", "optional": "CERT_OPTIONAL", "required": "CERT_REQUIRED"}


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
