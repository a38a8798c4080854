"""The runner interface: what every server runner module provides, stated once.

A runner module (one per line of ``servers.RUNNERS``) is the only code that
knows its server.  It defines exactly the names of ``Runner`` below, and
nothing outside ``servers/`` needs more of it; ``tests/test_layout.py``
checks every runner against this class, so a new runner (another server,
or another worker of one, as ``gunicorn-gevent`` is) is one new module and
one line in that table.

Code outside ``servers/`` never asks *which* server runs; it asks whether
the runner can do something (``servers.supports(name, TLS)``), and a
request asks its environ (``protocol``), where a runner that can do more
than PEP 3333 puts what it offers.
"""

from collections.abc import Callable
from typing import Protocol

# -- capabilities: what a runner can do beyond serving HTTP/1.1 over TCP ----------

TLS = "tls"  # serves HTTPS itself ([tls] certfile, keyfile)
HTTP2 = "http2"  # HTTP/2 over TLS, chosen by ALPN ([tls] http2)
CLEARTEXT_HTTP2 = "h2c"  # cleartext HTTP/2 from trusted proxies
CLIENT_CERTIFICATES = "client_certs"  # asks for and verifies client certificates
HEADER_DEADLINE = "header_deadline"  # a deadline over a request's whole header block
TRAILERS = "trailers"  # response trailers (environ: protocol.SEND_TRAILERS)
CONNECTION_CONTROL = "connection_control"  # the app may cut or reset its connection
# (environ: protocol.CONNECTION)
WORKER_PROCESSES = "worker_processes"  # forks [server] workers processes, each
# with its own memory (a memory record would be one of several)

CAPABILITIES = frozenset(
    (
        TLS,
        HTTP2,
        CLEARTEXT_HTTP2,
        CLIENT_CERTIFICATES,
        HEADER_DEADLINE,
        TRAILERS,
        CONNECTION_CONTROL,
        WORKER_PROCESSES,
    )
)


class Runner(Protocol):
    """A runner module, as a structural type: each attribute is a module-level name."""

    #: The runner's name, as ``[server] server`` and ``--server`` spell it.
    NAME: str
    #: What it can do, from ``CAPABILITIES`` above.
    CAPABILITIES: frozenset[str]

    def version(self) -> str:
        """The server's name and version, for the ready line (``waitress 3.0.2``)."""

    def refuse_unsupported(self, settings) -> None:
        """Raise ``settings.SettingsError`` for a setting this server cannot
        honour, naming it, so start-up stops in one line rather than serving
        something other than what was asked for."""

    def wrap(self, app: Callable, settings) -> Callable:
        """The WSGI app as it runs under this server: what the server lacks or
        does differently, added around ``app`` (which may be returned as is)."""

    def run(self, app: Callable, settings, sock) -> None:
        """Serve ``app`` (not yet wrapped) on the bound, listening ``sock``
        until told to stop; print ``servers.READY`` once serving."""

    def loaded_without_runner(self) -> str | None:
        """Asked when ``wsgi_echo:app`` is loaded with no runner having set it
        up.  If this runner's server is loading it from its own command line
        (``gunicorn wsgi_echo:app``), return the one warning line that says
        what the app is then missing and the command that has it; else None."""


# -- settings that need a capability -------------------------------------------------

# (capability, section, key, in use?, what the runner would have to do)
NEEDED_BY_SETTINGS = (
    (TLS, "tls", "certfile", lambda settings: settings.tls.enabled, "serve HTTPS"),
    (
        CLIENT_CERTIFICATES,
        "tls",
        "client_cert",
        lambda settings: settings.tls.client_cert != "off",
        "ask for client certificates",
    ),
    (
        CLEARTEXT_HTTP2,
        "proxy",
        "http2_cleartext",
        lambda settings: settings.proxy.http2_cleartext != "off",
        "serve HTTP/2",
    ),
)


def refuse_missing_capabilities(name, capabilities, settings, able):
    """The common part of ``refuse_unsupported``: a setting in use that needs
    a capability the runner lacks stops start-up, naming the runners that
    have it (``able(capability)``)."""
    from ..settings import SettingsError

    for capability, section, key, in_use, what in NEEDED_BY_SETTINGS:
        if capability not in capabilities and in_use(settings):
            value = getattr(getattr(settings, section), key)
            others = " or ".join(able(capability)) or "another server"
            advice = "; use %s" % others
            if capability == TLS:
                advice += ", or terminate TLS at a proxy in front of %s" % name
            raise SettingsError(
                settings.origin(section, key),
                section,
                key,
                value,
                "%s cannot %s%s" % (name, what, advice),
            )
