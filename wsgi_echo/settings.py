"""Typed, validated settings: ``settings.ini`` in, one frozen object out.

Every tunable is declared once, in ``SCHEMA`` below, with its default, its
converter and what it means.  The file is read once; nothing else in the
package parses ini text or strings again.  A bad file stops start-up with one
line naming the file, the section, the key and the value, so that the person
who wrote it can fix it without reading a traceback.

Where the file comes from (first match wins):

1. the path in the environment variable ``WSGI_ECHO_SETTINGS``;
2. ``settings.ini`` in the current working directory;
3. the defaults built into this module.

Relative paths inside a file resolve against that file's own folder; for the
built-in defaults, against the working directory.
"""

import configparser
import dataclasses
import ipaddress
import os
from typing import Callable, Dict, NamedTuple, Optional, Tuple

ENV_VAR = "WSGI_ECHO_SETTINGS"
LOCAL_FILE = "settings.ini"
BUILTIN = "<built-in defaults>"

APPS = ("echo", "static")
SERVERS = ("gunicorn", "waitress")


class SettingsError(Exception):
    """A settings file that cannot be used; ``str()`` is the one-line message."""

    def __init__(self, source, section, key, value, reason):
        self.source, self.section, self.key = source, section, key
        self.value, self.reason = value, reason
        where = "[%s]" % section if section else ""
        if key is not None:
            shown = str(value).replace("\\", "\\\\").replace("\n", "\\n") if value != "" else '""'
            where += " %s = %s" % (key, shown)
        super().__init__("%s: %s: %s" % (source, where.strip() or "file", reason))


# -- converters: text in, typed value out, ValueError with a reason otherwise --

def _integer(low, high=None):
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


def _choice(*options):
    def convert(text, base):
        if text not in options:
            raise ValueError("must be one of: %s" % ", ".join(options))
        return text
    return convert


def _host(text, base):
    if not text or not text.isprintable() or any(c.isspace() for c in text):
        raise ValueError("must be a host name or IP address")
    return text


def _path(text, base):
    """An optional path; empty stays empty, relative resolves against ``base``."""
    return os.path.normpath(os.path.join(base, text)) if text else ""


def _log_target(text, base):
    """``-`` is the console, empty is off, anything else a file path."""
    return text if text in ("", "-") else _path(text, base)


def _file_name(text, base):
    if not text or "/" in text or "\\" in text or text.startswith("."):
        raise ValueError("must be a plain file name such as index.html")
    return text


def _extensions(text, base):
    items = text.split()
    for item in items:
        if not item.startswith(".") or len(item) < 2 or "/" in item:
            raise ValueError("must be a space-separated list like .html .css")
    return frozenset(item.lower() for item in items)


def _networks(text, base):
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError("%r is not an IP address or network" % item) from None
    return tuple(networks)


class Key(NamedTuple):
    default: str
    convert: Callable
    doc: str


SCHEMA: Dict[str, Dict[str, Key]] = {
    "server": {
        "server": Key("gunicorn", _choice(*SERVERS), "what `python -m wsgi_echo` starts"),
        "host": Key("0.0.0.0", _host, "address to listen on"),
        "port": Key("8080", _integer(1, 65535), "TCP port to listen on"),
        "workers": Key("2", _integer(1, 64), "gunicorn worker processes (waitress runs one)"),
        "threads": Key("8", _integer(1, 1024), "threads per worker, both servers"),
        "keepalive": Key("5", _integer(0, 3600),
                         "seconds an idle connection is kept; 0 closes after every response"),
        "timeout": Key("30", _integer(0, 86400),
                       "gunicorn's worker heartbeat timeout, the longest wait for a request "
                       "body (then 408), and the graceful shutdown time (0: no limit)"),
        "max_request_bytes": Key("1048576", _integer(0),
                                 "largest request body accepted; larger gets 413"),
        "limit_request_line": Key("8190", _integer(0, 8190),
                                  "longest request line in bytes (0: no limit); longer gets 414"),
        "limit_request_fields": Key("100", _integer(1, 32768),
                                    "most header fields in a request; more gets 431"),
        "limit_request_field_size": Key("8190", _integer(1, 65536),
                                        "longest header field line in bytes; longer gets 431"),
    },
    "static": {
        "root": Key("htdocs", _path, "document root"),
        "index": Key("index.html", _file_name, "file served for a directory"),
        "allowed_extensions": Key(
            ".html .htm .css .js .json .txt .png .jpg .jpeg .gif .svg .ico .webp",
            _extensions, "file extensions that may be served; others get 403"),
        "cache_max_age": Key("60", _integer(0), "seconds, for Cache-Control on static files"),
    },
    "echo": {
        "max_delay_ms": Key("10000", _integer(0, 600000), "the cap on X-Echo-Delay"),
    },
    "log": {
        "access_log": Key("-", _log_target, "- is stdout, a path is a file (appended), empty is off"),
        "error_log": Key("-", _log_target, "- is stderr, a path is a file (appended), empty is off"),
    },
    "tls": {
        "certfile": Key("", _path, "PEM certificate; with keyfile, gunicorn serves HTTPS"),
        "keyfile": Key("", _path, "PEM private key"),
    },
    "proxy": {
        "trusted": Key("", _networks,
                       "addresses whose X-Forwarded-For/-Proto/-Host are believed"),
    },
}

DEFAULT_ROUTES = (("/echo", "echo"), ("/", "static"))


@dataclasses.dataclass(frozen=True)
class ServerSettings:
    server: str
    host: str
    port: int
    workers: int
    threads: int
    keepalive: int
    timeout: int
    max_request_bytes: int
    limit_request_line: int
    limit_request_fields: int
    limit_request_field_size: int


@dataclasses.dataclass(frozen=True)
class StaticSettings:
    root: str
    index: str
    allowed_extensions: frozenset
    cache_max_age: int


@dataclasses.dataclass(frozen=True)
class EchoSettings:
    max_delay_ms: int


@dataclasses.dataclass(frozen=True)
class LogSettings:
    access_log: str
    error_log: str


@dataclasses.dataclass(frozen=True)
class TLSSettings:
    certfile: str
    keyfile: str

    @property
    def enabled(self):
        return bool(self.certfile and self.keyfile)


@dataclasses.dataclass(frozen=True)
class ProxySettings:
    trusted: Tuple


@dataclasses.dataclass(frozen=True)
class Settings:
    source: str
    server: ServerSettings
    static: StaticSettings
    echo: EchoSettings
    log: LogSettings
    tls: TLSSettings
    proxy: ProxySettings
    # (prefix, app name), longest prefix first, so the first match is the best.
    routes: Tuple[Tuple[str, str], ...]

    def with_server(self, **changes):
        """A copy with some ``[server]`` values replaced (command-line flags).

        The new values go through the same converters as the file's, so a
        flag like ``--port 70000`` is refused with the same kind of message.
        """
        values = {}
        for key, text in changes.items():
            if text is None:
                continue
            spec = SCHEMA["server"][key]
            try:
                values[key] = spec.convert(str(text), os.getcwd())
            except ValueError as exc:
                raise SettingsError("command line", "server", key, text, str(exc)) from None
        return dataclasses.replace(self, server=dataclasses.replace(self.server, **values))


_SECTION_CLASSES = {
    "server": ServerSettings, "static": StaticSettings, "echo": EchoSettings,
    "log": LogSettings, "tls": TLSSettings, "proxy": ProxySettings,
}


def find_settings_file(environ=None, cwd=None) -> Optional[str]:
    """The file to read, by the documented lookup order; None means built-ins."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(ENV_VAR)
    if explicit:
        return explicit
    local = os.path.join(cwd or os.getcwd(), LOCAL_FILE)
    return local if os.path.isfile(local) else None


def load(path=None) -> Settings:
    """Load and validate settings from ``path``, or by the lookup order."""
    if path is None:
        path = find_settings_file()
    if path is None:
        return _build(BUILTIN, os.getcwd(), {})
    parser = configparser.ConfigParser(
        delimiters=("=",), comment_prefixes=(";", "#"), inline_comment_prefixes=(";", "#"),
        interpolation=None, default_section="\0no default section",
        empty_lines_in_values=False,
    )
    parser.optionxform = str  # route prefixes are case-sensitive paths
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except OSError as exc:
        raise SettingsError(path, None, None, None, "cannot read: %s" % exc.strerror) from None
    except UnicodeDecodeError:
        raise SettingsError(path, None, None, None, "is not UTF-8 text") from None
    except configparser.DuplicateOptionError as exc:
        raise SettingsError(path, exc.section, exc.option, "...", "is set twice") from None
    except configparser.DuplicateSectionError as exc:
        raise SettingsError(path, exc.section, None, None, "section appears twice") from None
    except configparser.Error as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SettingsError(path, None, None, None, "not an ini file: %s" % message) from None
    raw = {name: dict(parser.items(name)) for name in parser.sections()}
    return _build(path, os.path.dirname(os.path.abspath(path)), raw)


def _build(source, base, raw) -> Settings:
    sections = {}
    for name in raw:
        if name not in SCHEMA and name != "routes":
            raise SettingsError(source, name, None, None,
                                "unknown section (known: %s)" % ", ".join(list(SCHEMA) + ["routes"]))
    for section, keys in SCHEMA.items():
        given = raw.get(section, {})
        for key in given:
            if key not in keys:
                raise SettingsError(source, section, key, given[key],
                                    "unknown key (known: %s)" % ", ".join(keys))
        values = {}
        for key, spec in keys.items():
            text = given.get(key, spec.default).strip()
            try:
                values[key] = spec.convert(text, base)
            except ValueError as exc:
                raise SettingsError(source, section, key, text, str(exc)) from None
        sections[section] = _SECTION_CLASSES[section](**values)
    routes = _routes(source, raw.get("routes"))
    settings = Settings(source=source, routes=routes, **sections)
    _check_paths(settings)
    return settings


def _routes(source, given):
    """The mount table; a file's ``[routes]`` replaces the default table whole."""
    if given is None:
        pairs = DEFAULT_ROUTES
    else:
        pairs = []
        for prefix, app in given.items():
            app = app.strip()
            if not prefix.startswith("/") or any(c.isspace() for c in prefix) or "//" in prefix:
                raise SettingsError(source, "routes", prefix, app,
                                    "a route prefix must be a path starting with /")
            if app not in APPS:
                raise SettingsError(source, "routes", prefix, app,
                                    "unknown app (known: %s)" % ", ".join(APPS))
            normalized = prefix.rstrip("/") or "/"
            if any(normalized == seen for seen, _ in pairs):
                raise SettingsError(source, "routes", prefix, app, "prefix is mounted twice")
            pairs.append((normalized, app))
        if not pairs:
            raise SettingsError(source, "routes", None, None, "the section mounts nothing")
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


def _check_paths(settings):
    """Paths that must exist, checked now rather than on the first request."""
    source = settings.source
    if any(app == "static" for _, app in settings.routes):
        if not os.path.isdir(settings.static.root):
            raise SettingsError(source, "static", "root", settings.static.root,
                                "is not a directory")
    tls = settings.tls
    if bool(tls.certfile) != bool(tls.keyfile):
        missing = "keyfile" if tls.certfile else "certfile"
        raise SettingsError(source, "tls", missing, "", "certfile and keyfile go together")
    for key in ("certfile", "keyfile"):
        value = getattr(tls, key)
        if value and not os.path.isfile(value):
            raise SettingsError(source, "tls", key, value, "no such file")
    if tls.enabled:
        _check_certificate(source, tls)
    for key in ("access_log", "error_log"):
        value = getattr(settings.log, key)
        if value not in ("", "-"):
            _check_log_file(source, key, value)


def _check_certificate(source, tls):
    """Load the pair now: a wrong file would otherwise fail every handshake."""
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(tls.certfile, tls.keyfile)
    except ssl.SSLError as exc:
        raise SettingsError(source, "tls", "certfile", tls.certfile,
                            "not a PEM certificate matching keyfile %s (%s)"
                            % (tls.keyfile, exc.reason or exc)) from None
    except OSError as exc:
        raise SettingsError(source, "tls", "certfile", tls.certfile,
                            "cannot read: %s" % exc.strerror) from None


def _check_log_file(source, key, path):
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise SettingsError(source, "log", key, path, "is a directory, not a file")
    if not os.path.isdir(folder):
        raise SettingsError(source, "log", key, path, "its folder does not exist")
    if os.path.exists(path):
        writable = os.access(path, os.W_OK)
    else:
        writable = os.access(folder, os.W_OK)
    if not writable:
        raise SettingsError(source, "log", key, path, "is not writable")
