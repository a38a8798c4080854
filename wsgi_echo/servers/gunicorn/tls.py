"""TLS under gunicorn: the SSL context, and what the app learns of TLS.

gunicorn hands the app the connection's socket (``gunicorn.socket``, the
``ssl.SSLSocket`` under TLS, for HTTP/1.1 and HTTP/2 alike) and nothing else
about TLS; ``tls_facts`` turns that socket into what ``adapter.Adapter``
puts in ``environ[protocol.TLS]``.
"""

import contextlib
import logging
import os
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


# Handshakes that end because the client went away (a port probe, a client
# that gave up) or was too slow to shake hands: not worth a log line.
QUIET_ENDS = (ssl.SSLZeroReturnError, ssl.SSLEOFError, ConnectionError, TimeoutError)


def quiet_end(reason):
    """How a gthread worker ends a connection without a warning: gunicorn
    closes one whose TLS layer reports a clean end of input (``SSL_ERROR_EOF``)
    and logs it at debug level only."""
    return ssl.SSLError(ssl.SSL_ERROR_EOF, reason)


class RefusingPlainHTTP:
    """gunicorn's SSL context, but a connection that opens with plain HTTP is
    answered 400 (``plain_http``) instead of failing its handshake; a client
    that has not shaken hands within ``seconds`` (``[server] header_timeout``)
    is let go; and a handshake that fails ends the connection with one
    warning line at most, never a traceback.

    The handshake is done here, under that deadline, whether or not the worker
    asked for it on connect: gthread shakes hands later in a thread of its
    own with no deadline (its ``do_handshake()`` on a finished handshake does
    nothing), and the gevent worker's server shakes hands in the connection's
    greenlet before gunicorn sees the connection.  The socket's timeout
    bounds the peek and each wait; CPython's ``do_handshake`` counts it over
    the whole handshake, gevent's per wait, so a worker class may add a
    deadline over the whole of it (``handshake_deadline(seconds)``, a
    context manager), as the gevent worker does.

    gunicorn's workers call only ``wrap_socket`` on the context the
    ``ssl_context`` hook returns; everything else reaches the real context.
    ``end(reason)`` makes the exception that ends a connection quietly under
    the running worker (its class's ``end_connection``, else ``quiet_end``).
    """

    def __init__(self, context, seconds, end=quiet_end, deadline=None):
        self._context = context
        self._seconds = seconds
        self._end = end
        self._deadline = deadline or (lambda seconds: contextlib.nullcontext())

    def __getattr__(self, name):
        return getattr(self._context, name)

    def wrap_socket(self, sock, *args, **kwargs):
        peer = peer_of(sock)  # while the client is still there to name
        previous = sock.gettimeout()
        try:
            with self._deadline(self._seconds):
                sock.settimeout(self._seconds)
                if not plain_http.is_plain_http(plain_http.peek(sock)):
                    wrapped = self._context.wrap_socket(sock, *args, **kwargs)
                    try:
                        wrapped.do_handshake()
                    except BaseException:
                        wrapped.close()  # it holds the connection now, not ``sock``
                        raise
                    wrapped.settimeout(previous)
                    return wrapped
        except (ssl.SSLError, OSError) as error:
            if not isinstance(error, QUIET_ENDS):
                logging.getLogger("gunicorn.error").warning(
                    "TLS handshake failed from %s: %s", peer, error
                )
            raise self._end("TLS handshake failed") from None
        plain_http.answer(sock)
        raise self._end("plain HTTP on the HTTPS port: answered 400")


def peer_of(sock):
    try:
        return sock.getpeername()[0]
    except (OSError, IndexError, TypeError):
        return "-"


def context_hook(header_timeout):
    """gunicorn's ``ssl_context`` hook: its context, plus the SNI callback,
    refusing plain HTTP with a 400 and bounding the handshake by
    ``header_timeout`` (``RefusingPlainHTTP``).

    The context is made once per process: gthread asks the hook on every
    connection (gunicorn's ``sock.ssl_wrap_socket``), and a context made
    each time would read the certificate, key and CA from disk each time,
    and never resume a TLS session (a session ticket is only good with the
    context that issued it).  A forked worker makes its own; a worker
    restarted by HUP reads the files again.

    ``OP_IGNORE_UNEXPECTED_EOF``: when the body deadline shuts a connection's
    read side, OpenSSL 3 takes the end of input as a fatal error and answers
    the next write with an alert ("decode error") instead of the 408; read as
    a clean end of input, the 408 goes out.
    """
    made = {}  # pid -> the context

    def ssl_context(config, default_ssl_context_factory):
        pid = os.getpid()
        context = made.get(pid)
        if context is None:
            built = default_ssl_context_factory()
            built.sni_callback = remember_sni
            built.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
            worker = config.worker_class
            context = RefusingPlainHTTP(
                built,
                header_timeout,
                getattr(worker, "end_connection", quiet_end),
                getattr(worker, "handshake_deadline", None),
            )
            # Two threads may build one at once; both use the first kept.
            context = made.setdefault(pid, context)
        return context

    return ssl_context


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
