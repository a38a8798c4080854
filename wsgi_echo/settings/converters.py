"""Converters: a setting's text (and the folder relative paths resolve
against) in, its typed value out, or ``ValueError`` with the reason the
one-line start-up error shows."""

import ipaddress
import os
import socket
from typing import NamedTuple

from ..wsgi_text import TOKEN_RE


def integer(low, high=None):
    def convert(text, base):
        try:
            number = int(text, 10)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if number < low or (high is not None and number > high):
            span = "from %d to %d" % (low, high) if high is not None else "at least %d" % low
            raise ValueError("must be a whole number %s" % span)
        return number

    return convert


def auto_or(convert_number):
    """``auto`` (None: the server's own choice) or what ``convert_number`` takes."""

    def convert(text, base):
        if text == "auto":
            return None
        try:
            return convert_number(text, base)
        except ValueError as error:
            raise ValueError("must be auto or a %s" % str(error)[len("must be a ") :]) from None

    return convert


def choice(*options):
    def convert(text, base):
        if text not in options:
            raise ValueError("must be one of: %s" % ", ".join(options))
        return text

    return convert


def boolean(text, base):
    lowered = text.lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    raise ValueError("must be true or false")


def host(text, base):
    if not text or not text.isprintable() or any(c.isspace() for c in text):
        raise ValueError("must be a host name or IP address")
    return text


def path(text, base):
    """An optional path; empty stays empty, relative resolves against ``base``."""
    return os.path.normpath(os.path.join(base, text)) if text else ""


# The folder the static site is served from when no root is configured: this
# one beside the settings file (or in the working folder without one), when
# it exists, else the demo site that comes with wsgi-echo.
LOCAL_SITE = "htdocs"


def document_root(text, base):
    """``[static] root``: as given, else ``htdocs`` in ``base`` if it is a
    folder, else the packaged demo site (so wsgi-echo serves a site from any
    folder, and serves yours where you keep one)."""
    if text:
        return path(text, base)
    local = os.path.join(base, LOCAL_SITE)
    if os.path.isdir(local):
        return local
    from ..apps.static.demo_site import demo_site

    return demo_site()


def log_target(text, base):
    """``-`` is the console, empty is off, anything else a file path."""
    return text if text in ("", "-") else path(text, base)


def file_name(text, base):
    if not text or "/" in text or "\\" in text or text.startswith("."):
        raise ValueError("must be a plain file name such as index.html")
    return text


def extensions(text, base):
    items = text.split()
    for item in items:
        if not item.startswith(".") or len(item) < 2 or "/" in item:
            raise ValueError("must be a space-separated list like .html .css")
    return frozenset(item.lower() for item in items)


def host_names(text, base):
    """Space- or comma-separated host names, lower-cased; empty means none listed."""
    names = []
    for item in text.replace(",", " ").split():
        if not item.isprintable() or "/" in item or "@" in item:
            raise ValueError("%r is not a host name" % item)
        names.append(item.lower().rstrip("."))
    return frozenset(names)


def origins(text, base):
    """``*``, or space-separated origins such as https://app.example:8443."""
    if text.strip() == "*":
        return "*"
    found = []
    for item in text.replace(",", " ").split():
        scheme, sep, rest = item.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or not rest or "/" in rest:
            raise ValueError("%r is not an origin like https://app.example (or use *)" % item)
        found.append(item.lower())
    return frozenset(found)


def header_names(text, base):
    """``*``, or space- or comma-separated header names."""
    if text.strip() == "*":
        return "*"
    names = tuple(text.replace(",", " ").split())
    for name in names:
        if not TOKEN_RE.match(name):
            raise ValueError("%r is not a header name" % name)
    return names


def header_list(text, base):
    """Space- or comma-separated header names (no ``*``)."""
    names = header_names(text, base)
    if names == "*":
        raise ValueError("must be header names, not *")
    return names


def optional_header(text, base):
    """One header name, or empty for none."""
    if not text.strip():
        return ""
    names = header_list(text, base)
    if len(names) > 1:
        raise ValueError("must be one header name")
    return names[0]


def url_path(text, base):
    """A path starting with /, or empty for none."""
    if text and (not text.startswith("/") or not text.isprintable() or " " in text or "?" in text):
        raise ValueError("must be a path starting with /, or empty")
    return text


def url_paths(text, base):
    """Space-separated paths; one ending in * stands for every path it begins."""
    paths = tuple(text.split())
    for item in paths:
        url_path(item, base)
    return paths


def instance_name(text, base):
    """This instance's name: as given, or the host name when empty."""
    name = text or socket.gethostname()
    if not name.isprintable() or any(c.isspace() for c in name) or len(name) > 200:
        raise ValueError("must be a name without spaces or control characters")
    return name


def networks(text, base):
    found = []
    for item in text.replace(",", " ").split():
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError("%r is not an IP address or network" % item) from None
    return tuple(found)


def app_kinds(*allowed):
    """Space- or comma-separated app kinds, each one of ``allowed``."""

    def convert(text, base):
        kinds = tuple(text.replace(",", " ").split())
        for kind in kinds:
            if kind not in allowed:
                raise ValueError("%r is not one of: %s" % (kind, ", ".join(allowed)))
        return frozenset(kinds)

    return convert


class StoreSpec(NamedTuple):
    """``[record] store`` read: the kind of store and where it is (a file path,
    "" for the per-instance default file, or a Redis URL)."""

    kind: str  # "sqlite" | "memory" | "redis"
    target: str

    def shown(self):
        """As written, without a Redis URL's password: for messages."""
        if self.kind == "redis":
            scheme, _, rest = self.target.partition("://")
            return "%s://%s" % (scheme, rest.rpartition("@")[2])
        return "%s:%s" % (self.kind, self.target) if self.target else self.kind


STORE_FORMS = "sqlite, sqlite:PATH, memory or redis://host:port/db"


def record_store(text, base):
    """``sqlite`` (the per-instance default file), ``sqlite:PATH`` (relative to
    ``base``), ``memory``, or a ``redis://`` / ``rediss://`` URL."""
    if text in ("sqlite", "sqlite:"):
        return StoreSpec("sqlite", "")
    if text == "memory":
        return StoreSpec("memory", "")
    if text.startswith("sqlite:"):
        return StoreSpec("sqlite", path(text[len("sqlite:") :], base))
    if text.startswith(("redis://", "rediss://")):
        rest = text.split("://", 1)[1]
        host_port = rest.split("/", 1)[0].rpartition("@")[2]
        if not host_port or any(c.isspace() for c in text):
            raise ValueError("must be a URL like redis://127.0.0.1:6379/0")
        return StoreSpec("redis", text)
    raise ValueError("must be one of: %s" % STORE_FORMS)


MIN_TOKEN_LENGTH = 16


def secret_token(text, base):
    """Empty (no token), or at least 16 visible ASCII characters."""
    if not text:
        return ""
    if len(text) < MIN_TOKEN_LENGTH or not all("!" <= c <= "~" for c in text):
        raise ValueError(
            "must be at least %d visible ASCII characters without spaces "
            "(python -c 'import secrets; print(secrets.token_urlsafe())' makes one)"
            % MIN_TOKEN_LENGTH
        )
    return text
