"""Run the app under gunicorn, configured from the typed settings.

``options()`` is the one mapping from our settings to gunicorn's; both
``gunicorn.conf.py`` (for ``gunicorn -c gunicorn.conf.py wsgi_echo:app``) and
``run()`` (for ``python -m wsgi_echo``) use it, so the two ways of starting
gunicorn cannot drift apart.

What gunicorn does differently from waitress, evened out through its
documented server hooks (``pre_request`` / ``post_request``):

* repeated header lines are joined with "," where waitress uses ", ";
* a request target starting with "//" keeps both slashes in PATH_INFO;
* a request body is read in the app's thread with no deadline over the
  whole read, so ``body_timeout`` is enforced here (``BodyDeadline``);
* a response body that comes out shorter than its Content-Length (a file
  that shrank while sendfile sent it) leaves the connection open; the app
  flags it (``protocol.INCOMPLETE_RESPONSE``) and the connection is closed.

The hooks touch gunicorn attributes that are not documented API, pinned with
the version in setup.cfg and checked by tests/test_server_seams.py:
``Request.unreader.sock`` (an HTTP/1.x connection's socket), an HTTP/2
stream's ``req.stream.connection.sock``, and ``Request.force_close()``.
"""

import os
import socket
import ssl
import threading

from ..protocol import INCOMPLETE_RESPONSE, TLS
from . import address, announce_ready
from .deadlines import Deadlines


def refuse_unsupported(settings):
    """gunicorn serves every setting."""


def join_repeated_headers(req, names):
    """Repeated header lines joined with ", ", as waitress joins them.

    The echo promises one spelling under both servers, and after gunicorn
    has joined them with "," the app can no longer tell two lines from one
    value with a comma in it.  ``names``: the request's header names.
    """
    headers = req.headers
    if len(set(names)) == len(names):
        return
    joined, position = [], {}
    for name, value in headers:
        if name in position:
            index = position[name]
            joined[index] = (name, joined[index][1] + ", " + value)
        else:
            position[name] = len(joined)
            joined.append((name, value))
    req.headers = joined


def collapse_leading_slashes(req):
    """"//echo/x" routed (and reported) as "/echo/x", as waitress passes it."""
    if req.path and req.path.startswith("//"):
        req.path = "/" + req.path.lstrip("/")


def has_body(req, names):
    if "TRANSFER-ENCODING" in names:
        return True
    if "CONTENT-LENGTH" in names:
        for name, value in req.headers:
            if name == "CONTENT-LENGTH" and value.strip("0 "):
                return True
    return False


def connection_socket(req):
    """The socket a request came in on: HTTP/1.x ``req.unreader.sock``, or for
    an HTTP/2 stream ``req.stream.connection.sock`` (then shutting its read
    side ends the whole connection, every stream on it: HTTP/2 has no way
    to end one stream's upload from outside the thread reading it)."""
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    if sock is None:
        connection = getattr(getattr(req, "stream", None), "connection", None)
        sock = getattr(connection, "sock", None)
    return sock


class BodyDeadline:
    """``body_timeout``: a body not read whole in time ends the connection.

    At the deadline the socket's read side is shut down, so the app's read
    ends at once (short, or with an error it answers 408), and the request
    is marked to close its connection after that answer.  The deadline is
    armed when the headers have been read and disarmed when the request is
    done.  ``socket.socket.shutdown`` is called even on a TLS socket, so the
    TLS layer stays in place for the 408 that follows.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadlines = Deadlines()

    def arm(self, req, names):
        if not has_body(req, names):
            return None
        sock = connection_socket(req)
        if sock is None:
            return None

        def expire():
            req.force_close()
            socket.socket.shutdown(sock, socket.SHUT_RD)
        return self.deadlines.arm(self.seconds, expire)


CERT_REQS = {"off": "CERT_NONE", "optional": "CERT_OPTIONAL", "required": "CERT_REQUIRED"}


def remember_sni(ssl_socket, server_name, context):
    """``SSLContext.sni_callback``: keep the name the client asked for (SNI),
    which the ssl module does not keep on a server-side socket."""
    try:
        ssl_socket.wsgi_echo_sni = server_name
    except AttributeError:  # an SSLObject without a __dict__
        pass


def ssl_context(config, default_ssl_context_factory):
    """gunicorn's ``ssl_context`` hook: its context, plus the SNI callback.

    ``OP_IGNORE_UNEXPECTED_EOF``: when the body deadline shuts a connection's
    read side, OpenSSL 3 takes the end of input as a fatal error and answers
    the next write with an alert ("decode error") instead of the 408; read as
    a clean end of input, the 408 goes out.
    """
    context = default_ssl_context_factory()
    context.sni_callback = remember_sni
    context.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    return context


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
    facts = {"version": sock.version(), "cipher": cipher[0] if cipher else None,
             "alpn": sock.selected_alpn_protocol(),
             "sni": getattr(sock, "wsgi_echo_sni", None), "client_cert": certificate}
    try:
        sock.wsgi_echo_tls = facts
    except AttributeError:
        pass
    return facts


# What the pre_request hook saw of the request this thread is about to run:
# the hook gets gunicorn's request object, the app only the environ.
_request_seen = threading.local()


class Adapter:
    """WSGI wrapper: what the app needs from gunicorn beyond PEP 3333.

    * what TLS the connection used, in ``environ[protocol.TLS]``: gunicorn
      hands the app the connection's socket (``gunicorn.socket``, the
      ``ssl.SSLSocket`` under TLS, for HTTP/1.1 and HTTP/2 alike) and
      nothing else about TLS;
    * for HTTP/2, gunicorn writes ``HTTP_VERSION = "2"`` into the environ,
      which reads as a request header "Version: 2" the client never sent
      (and hides one it did send): the client's own is put back;
    * for HTTP/2, header values are made PEP 3333 strings (``as_pep3333``).
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
            sent = getattr(_request_seen, "version_header", None)
            if sent is None:
                environ.pop("HTTP_VERSION", None)
            else:
                environ["HTTP_VERSION"] = sent
            as_pep3333(environ)
        return self.app(environ, start_response)


def as_pep3333(environ):
    """HTTP/2 header values as PEP 3333 strings: gunicorn decodes them as UTF-8
    (HTTP/1.x's as latin-1, as PEP 3333 asks), so "é" would reach the app as one
    character it cannot read back to bytes; it gets the bytes, as latin-1."""
    for key, value in environ.items():
        if (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH",
                                                "QUERY_STRING", "RAW_URI")) \
                and value.__class__ is str and not value.isascii():
            environ[key] = value.encode("utf-8", "surrogateescape").decode("latin-1")


def adapt(app, settings):
    """The app as it runs under gunicorn (as it is, over plain HTTP/1.x)."""
    if settings.tls.enabled or settings.proxy.http2_cleartext != "off":
        return Adapter(app, settings.tls.enabled)
    return app


def remember_version_header(req, names):
    if "VERSION" not in names:
        _request_seen.version_header = None
        return
    values = [value for name, value in req.headers if name == "VERSION"]
    _request_seen.version_header = ", ".join(values)


class Hooks:
    """gunicorn's ``pre_request`` and ``post_request`` server hooks."""

    def __init__(self, body_timeout):
        self.body_deadline = BodyDeadline(body_timeout)

    def pre_request(self, worker, req):
        names = [name for name, _ in req.headers]
        join_repeated_headers(req, names)
        collapse_leading_slashes(req)
        remember_version_header(req, names)
        req.wsgi_echo_deadline = self.body_deadline.arm(req, names)

    def post_request(self, worker, req, environ, resp):
        deadline = getattr(req, "wsgi_echo_deadline", None)
        if deadline is not None:
            deadline.cancel()
        if environ and environ.get(INCOMPLETE_RESPONSE):
            # gunicorn would keep the connection for the next request, and
            # the client would wait for the body bytes that never came.
            req.force_close()
            sock = getattr(getattr(req, "unreader", None), "sock", None)
            if sock is not None:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def when_ready(self, arbiter):
        from gunicorn import __version__
        cfg = arbiter.cfg
        scheme = "https" if cfg.is_ssl else "http"
        for listener in arbiter.LISTENERS:
            bound = listener.sock.getsockname()
            if isinstance(bound, (str, bytes)):  # a unix socket: its path
                url = "%s+unix://%s" % (scheme, os.fsdecode(bound))
            else:
                url = "%s://%s" % (scheme, address(*bound[:2]))
            announce_ready(url, "gunicorn %s" % __version__,
                           " (%d workers x %d threads)" % (cfg.workers, cfg.threads))


def options(settings, bind=None):
    """gunicorn settings (as for a config file) from our Settings."""
    server = settings.server
    hooks = Hooks(server.body_timeout)
    result = {
        "bind": [bind or address(server.host, server.port)],
        "workers": server.workers,
        "worker_class": "gthread",  # threads, and keep-alive (sync has none)
        "threads": server.threads,
        "worker_connections": server.max_connections,
        "keepalive": server.keepalive,
        "timeout": server.timeout,
        "graceful_timeout": server.timeout,
        "limit_request_line": server.limit_request_line,
        "limit_request_fields": server.limit_request_fields,
        "limit_request_field_size": server.limit_request_field_size,
        # The app writes the access log itself (middleware.accesslog), the
        # same line under every server.
        "accesslog": None,
        "errorlog": settings.log.error_log or os.devnull,
        # X-Forwarded-* is judged by the app's own ProxyFix middleware for
        # every server; gunicorn's partial version of it (scheme only,
        # trusting 127.0.0.1 by default) is off so there is one set of rules.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "pre_request": hooks.pre_request,
        "post_request": hooks.post_request,
        "when_ready": hooks.when_ready,
        "proc_name": "wsgi-echo",
        # The default control socket is one per user, shared by every gunicorn
        # started by that user; two servers would fight over it.
        "control_socket_disable": True,
    }
    tls = settings.tls
    if tls.enabled:
        result.update(certfile=tls.certfile, keyfile=tls.keyfile, ssl_context=ssl_context,
                      http_protocols="h2,h1" if tls.http2 else "h1")
        if tls.client_cert != "off":
            result.update(cert_reqs=getattr(ssl, CERT_REQS[tls.client_cert]),
                          ca_certs=tls.client_ca)
    cleartext = settings.proxy.http2_cleartext
    if cleartext != "off" and not tls.enabled:
        # gunicorn accepts h2c only from its forwarded_allow_ips; ours are the
        # same trusted proxies.  It then also believes their forwarded
        # headers, so those are switched off again: ProxyFix is the one judge.
        result.update(http_protocols="h2,h1", http2_cleartext=cleartext,
                      forwarded_allow_ips=",".join(str(network)
                                                   for network in settings.proxy.trusted),
                      forwarder_headers="")
    return result


def run(app, settings, sock):
    """Serve ``app`` on the already-bound ``sock`` until gunicorn stops."""
    from gunicorn.app.base import BaseApplication

    config = options(settings, bind="fd://%d" % sock.fileno())

    class Server(BaseApplication):
        def load_config(self):
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self):
            return adapt(app, settings)

    Server().run()
