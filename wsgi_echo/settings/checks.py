"""Rules across keys, and files that must exist and load: checked at
start-up rather than on the first request that needs them."""

import os

from ..servers.contract import WORKER_PROCESSES
from .error import SettingsError


def check(settings):
    """Rules across keys, and paths that must exist: checked now rather than
    on the first request."""
    static_mounted = any(kind == "static" for _, kind in settings.routes)
    if static_mounted and not os.path.isdir(settings.static.root):
        raise _refused(settings, "static", "root", settings.static.root, "is not a directory")
    tls = settings.tls
    if bool(tls.certfile) != bool(tls.keyfile):
        missing = "keyfile" if tls.certfile else "certfile"
        raise _refused(settings, "tls", missing, "", "certfile and keyfile go together")
    for key in ("certfile", "keyfile"):
        value = getattr(tls, key)
        if value and not os.path.isfile(value):
            raise _refused(settings, "tls", key, value, "no such file")
    if tls.enabled:
        _check_certificate(settings.origin("tls", "certfile"), tls)
    if tls.client_cert != "off":
        if not tls.enabled:
            raise _refused(
                settings,
                "tls",
                "client_cert",
                tls.client_cert,
                "needs certfile and keyfile: client certificates come with HTTPS",
            )
        if not tls.client_ca:
            raise _refused(
                settings,
                "tls",
                "client_ca",
                "",
                "client_cert = %s needs the CA bundle that verifies them" % tls.client_cert,
            )
        _check_ca_bundle(settings.origin("tls", "client_ca"), tls.client_ca)
    echo = settings.echo
    if echo.cors_credentials and echo.cors_origins == "*":
        raise _refused(
            settings,
            "echo",
            "cors_origins",
            "*",
            "cors_credentials = true needs the origins listed: the echo "
            "shows a request's cookies and Authorization in its body",
        )
    if settings.proxy.http2_cleartext != "off" and not settings.proxy.trusted:
        raise _refused(
            settings,
            "proxy",
            "http2_cleartext",
            settings.proxy.http2_cleartext,
            "needs [proxy] trusted: cleartext HTTP/2 is only accepted from trusted proxies",
        )
    for key in ("access_log", "error_log"):
        value = getattr(settings.log, key)
        if value not in ("", "-"):
            _check_log_file(settings.origin("log", key), key, value)
    _check_record_store(settings)


def _check_record_store(settings):
    """The store must be one every process of this instance can share."""
    record = settings.record
    if not record.enabled and not any(kind == "requests" for _, kind in settings.routes):
        return
    store, source = record.store, settings.origin("record", "store")
    shown = store.shown()
    if store.kind == "memory" and settings.server.workers > 1 and _forks_workers(settings):
        raise SettingsError(
            source,
            "record",
            "store",
            shown,
            "a memory record is one process's: with [server] workers = %d each worker "
            "would keep its own; use sqlite, or workers = 1" % settings.server.workers,
        )
    if store.kind == "sqlite" and store.target:
        folder = os.path.dirname(store.target) or "."
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise SettingsError(
                source, "record", "store", shown, "its folder does not exist or is not writable"
            )
    if store.kind == "redis":
        try:
            import redis  # noqa: F401 (only whether it is there)
        except ImportError:
            raise SettingsError(
                source,
                "record",
                "store",
                shown,
                "needs redis-py: pip install 'wsgi-echo[redis]'",
            ) from None


def _forks_workers(settings):
    """Whether the runner the settings choose runs ``[server] workers``
    processes (waitress runs one, whatever ``workers`` says)."""
    from .. import servers

    return servers.supports(servers.chosen(settings), WORKER_PROCESSES)


def _refused(settings, section, key, value, reason):
    """The error for ``[section] key = value``, naming the file that set it."""
    return SettingsError(settings.origin(section, key), section, key, value, reason)


def _check_certificate(source, tls):
    """Load the pair now: a wrong file would otherwise fail every handshake."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(tls.certfile, tls.keyfile)
    except ssl.SSLError as exc:
        raise SettingsError(
            source,
            "tls",
            "certfile",
            tls.certfile,
            "not a PEM certificate matching keyfile %s (%s)" % (tls.keyfile, exc.reason or exc),
        ) from None
    except OSError as exc:
        raise SettingsError(
            source, "tls", "certfile", tls.certfile, "cannot read: %s" % exc.strerror
        ) from None


def _check_ca_bundle(source, value):
    import ssl

    if not os.path.isfile(value):
        raise SettingsError(source, "tls", "client_ca", value, "no such file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_verify_locations(value)
    except (ssl.SSLError, ValueError) as exc:
        raise SettingsError(
            source,
            "tls",
            "client_ca",
            value,
            "not a PEM bundle of CA certificates (%s)" % (getattr(exc, "reason", None) or exc),
        ) from None


def _check_log_file(source, key, value):
    folder = os.path.dirname(value) or "."
    if os.path.isdir(value):
        raise SettingsError(source, "log", key, value, "is a directory, not a file")
    if not os.path.isdir(folder):
        raise SettingsError(source, "log", key, value, "its folder does not exist")
    writable = os.access(value if os.path.exists(value) else folder, os.W_OK)
    if not writable:
        raise SettingsError(source, "log", key, value, "is not writable")
