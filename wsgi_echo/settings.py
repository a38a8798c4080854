"""Every setting declared once; ``settings.ini`` in, one typed, validated object out.

Each tunable is one ``Setting`` in ``DECLARATIONS``: its section, key,
default (as it would be written in the file), converter, one-line doc and,
where it has one, its command-line flag.  Everything else is derived from
that table: the typed section objects (``settings.server.port``), the
shipped ``settings.ini`` and the README's settings table
(``settings_doc``), and the flags of ``python -m wsgi_echo``.  Adding a
setting is one declaration plus its use.

The file is read once; nothing else in the package parses ini text again.
A bad file stops start-up with one line naming the file, the section, the
key and the value, so that the person who wrote it can fix it without
reading a traceback.

Where the file comes from (first match wins):

1. the path in the environment variable ``WSGI_ECHO_SETTINGS``;
2. ``settings.ini`` in the current working directory;
3. the defaults declared here.

Relative paths inside a file resolve against that file's own folder; for the
built-in defaults, against the working directory.
"""

import configparser
import dataclasses
import ipaddress
import os
import socket
from typing import Callable, Dict, NamedTuple, Optional

from . import servers
from .apps import KINDS
from .wsgi_text import TOKEN_RE

ENV_VAR = "WSGI_ECHO_SETTINGS"
LOCAL_FILE = "settings.ini"
BUILTIN = "<built-in defaults>"
COMMAND_LINE = "command line"


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


# -- converters: (text, base folder) in, typed value out, ValueError with a reason --

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
    if text and (not text.startswith("/") or not text.isprintable() or " " in text
                 or "?" in text):
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


class Setting(NamedTuple):
    section: str
    key: str
    default: str             # as it is written in settings.ini
    convert: Callable        # (text, base folder) -> typed value, or ValueError
    doc: str                 # one line: what it means, and its unit
    flag: Optional[str] = None  # the command-line flag that overrides it


SECTIONS = {
    "server": "how the server listens, and what it accepts from clients",
    "static": "the static site (app kind `static`)",
    "echo": "the echo (app kind `echo`)",
    "httpbin": "the httpbin-compatible API (app kind `httpbin`): what its endpoints may produce",
    "log": "where log lines go",
    "tls": "HTTPS (gunicorn only)",
    "proxy": "trusted reverse proxies",
}

DECLARATIONS = (
    Setting("server", "server", servers.DEFAULT, choice(*servers.NAMES),
            "what `python -m wsgi_echo` starts: %s" % " | ".join(servers.NAMES), "--server"),
    Setting("server", "host", "0.0.0.0", host, "address to listen on", "--host"),
    Setting("server", "port", "8080", integer(1, 65535), "TCP port to listen on", "--port"),
    Setting("server", "workers", "2", integer(1, 64),
            "worker processes (gunicorn; waitress runs one)", "--workers"),
    Setting("server", "threads", "8", integer(1, 1024),
            "threads per worker process, both servers", "--threads"),
    Setting("server", "max_connections", "1000", integer(1, 100000),
            "open connections per worker process; more wait in the listen backlog"),
    Setting("server", "keepalive", "5", integer(0, 3600),
            "seconds an idle connection is kept open; 0 closes it after every response"),
    Setting("server", "header_timeout", "5", integer(1, 3600),
            "seconds a client may take to send its request headers; slower: 408 and close "
            "(waitress; see the README for gunicorn)"),
    Setting("server", "body_timeout", "10", integer(1, 3600),
            "seconds a request body may take to arrive, counted from the end of its "
            "headers; slower: 408 and close"),
    Setting("server", "instance", "", instance_name,
            "this instance's name, shown in a response header, the echo and JSON logs "
            "(empty: the host name)", "--instance"),
    Setting("server", "instance_header", "X-Served-By", optional_header,
            "response header that carries the instance name (empty: none)"),
    Setting("server", "health_path", "/healthz", url_path,
            "path answered 200 with a small JSON status, for load balancers and probes "
            "(empty: none)"),
    Setting("server", "timeout", "30", integer(1, 86400),
            "seconds in-flight requests get to finish after SIGTERM; also gunicorn's "
            "worker heartbeat"),
    Setting("server", "max_request_bytes", "1048576", integer(0),
            "largest request body in bytes; larger: 413"),
    Setting("server", "limit_request_line", "8190", integer(0, 8190),
            "longest request line in bytes, without its CRLF (0: no limit); longer: 414"),
    Setting("server", "limit_request_fields", "100", integer(1, 32768),
            "most header fields in a request; more: 431"),
    Setting("server", "limit_request_field_size", "8190", integer(1, 65536),
            "longest header field line in bytes, with its CRLF; longer: 431"),

    Setting("static", "root", "htdocs", path, "the document root", "--root"),
    Setting("static", "index", "index.html", file_name, "the file served for a directory"),
    Setting("static", "allowed_extensions",
            ".html .htm .css .js .json .txt .png .jpg .jpeg .gif .svg .ico .webp", extensions,
            "file extensions that may be served, case-insensitive; others: 403"),
    Setting("static", "cache_max_age", "60", integer(0),
            "seconds, for Cache-Control: public, max-age on static files"),

    Setting("echo", "max_delay_ms", "10000", integer(0, 600000),
            "the longest X-Echo-Delay, in milliseconds"),
    Setting("echo", "max_form_parts", "1000", integer(1, 1000000),
            "most parts in a multipart body; more: 413"),
    Setting("echo", "cors_origins", "*", origins,
            "origins whose browser code may read echo answers: * or a list of origins"),
    Setting("echo", "cors_credentials", "false", boolean,
            "let browsers send cookies and auth to the echo (needs listed origins, never *)"),
    Setting("echo", "cors_expose_headers", "*", header_names,
            "response headers browser code may read: * (all of them) or a list"),
    Setting("echo", "cors_max_age", "600", integer(0, 86400),
            "seconds a browser may cache a preflight answer"),

    Setting("httpbin", "max_delay", "10", integer(0, 3600),
            "longest /delay, /drip and /range duration, in seconds (httpbin's cap is 10)"),
    Setting("httpbin", "max_bytes", "102400", integer(0),
            "most bytes /bytes, /stream-bytes and /range produce (httpbin's cap: 100 KiB)"),
    Setting("httpbin", "max_drip_bytes", "10485760", integer(0),
            "most bytes /drip sends (httpbin's cap: 10 MiB)"),
    Setting("httpbin", "max_stream_lines", "100", integer(0, 1000000),
            "most lines /stream and events /sse send (httpbin's cap is 100)"),
    Setting("httpbin", "cors_credentials", "true", boolean,
            "reflect any Origin with credentials allowed, as httpbin does (any page can then "
            "read this host's cookies through /cookies); false: * without credentials"),
    Setting("httpbin", "redirect_hosts", "", host_names,
            "hosts /redirect-to may send clients to, besides relative URLs; empty: any, "
            "as httpbin"),

    Setting("log", "access_log", "-", log_target,
            "- is stdout, a path is a file (appended, reopened on USR1), empty is off",
            "--access-log"),
    Setting("log", "error_log", "-", log_target,
            "- is stderr, a path is a file (appended), empty is off"),
    Setting("log", "access_log_format", "text", choice("text", "json"),
            "text (one line as documented) or json (one object per line)"),
    Setting("log", "access_log_skip", "/healthz", url_paths,
            "paths not written to the access log; a path ending in * skips all it begins"),
    Setting("log", "access_log_headers", "", header_list,
            "request headers added to each json line (secret ones as [redacted])"),
    Setting("log", "redact_headers", "", header_list,
            "more request headers whose values no log may show, besides Authorization, "
            "Cookie and Proxy-Authorization"),

    Setting("tls", "certfile", "", path,
            "PEM certificate (chain); with keyfile, gunicorn serves HTTPS"),
    Setting("tls", "keyfile", "", path, "PEM private key for certfile"),
    Setting("tls", "http2", "true", boolean,
            "offer HTTP/2 (h2) besides HTTP/1.1 by ALPN when serving HTTPS"),
    Setting("tls", "client_cert", "off", choice("off", "optional", "required"),
            "ask clients for a certificate: off | optional (verified when sent) | "
            "required (no valid certificate, no handshake)"),
    Setting("tls", "client_ca", "", path,
            "PEM bundle of the CAs that client certificates must chain to"),

    Setting("proxy", "trusted", "", networks,
            "addresses and networks whose X-Forwarded-For/-Proto/-Host are believed"),
    Setting("proxy", "http2_cleartext", "off",
            choice("off", "prior-knowledge", "upgrade", "both"),
            "accept cleartext HTTP/2 (h2c) from trusted proxies only, by prior knowledge "
            "and/or Upgrade: h2c (gunicorn)"),
    Setting("proxy", "assume_scheme", "", choice("", "http", "https"),
            "the scheme clients used, for a TLS-terminating front that sends no "
            "X-Forwarded-Proto (empty: as the server saw it)"),
)

ROUTES_DOC = ("path prefix = app kind (%s); the longest matching prefix wins, and a "
              "[routes] section replaces this table whole" % " | ".join(KINDS))
DEFAULT_ROUTES = (("/echo", "echo"), ("/httpbin", "httpbin"), ("/", "static"))

BY_SECTION: Dict[str, Dict[str, Setting]] = {name: {} for name in SECTIONS}
for _setting in DECLARATIONS:
    BY_SECTION[_setting.section][_setting.key] = _setting
FLAGS = {setting.flag: setting for setting in DECLARATIONS if setting.flag}


def _tls_enabled(section):
    return bool(section.certfile and section.keyfile)


# Values derived from a section's keys, as read-only properties.
_DERIVED = {"tls": {"enabled": property(_tls_enabled)}}

SECTION_CLASSES = {
    name: dataclasses.make_dataclass(
        name.capitalize() + "Settings", list(keys), frozen=True,
        namespace=dict(_DERIVED.get(name, {}), __doc__="[%s]: %s" % (name, SECTIONS[name])))
    for name, keys in BY_SECTION.items()
}


@dataclasses.dataclass(frozen=True)
class _SettingsBase:
    source: str
    # (prefix, app kind), longest prefix first, so the first match is the best.
    routes: tuple

    def with_overrides(self, values, source=COMMAND_LINE):
        """A copy with some values replaced: ``{(section, key): text}``.

        The new values go through the same converters as the file's, so a
        flag like ``--port 70000`` is refused with the same kind of message.
        """
        sections = {}
        for (section, key), text in values.items():
            if text is None:
                continue
            value = _convert(source, BY_SECTION[section][key], str(text), os.getcwd())
            sections.setdefault(section, {})[key] = value
        changed = {name: dataclasses.replace(getattr(self, name), **values)
                   for name, values in sections.items()}
        updated = dataclasses.replace(self, **changed)
        _check(updated)
        return updated


Settings = dataclasses.make_dataclass(
    "Settings", [(name, SECTION_CLASSES[name]) for name in SECTIONS], bases=(_SettingsBase,),
    frozen=True, namespace={"__doc__": "All settings: one typed object per section."})


def find_settings_file(environ=None, cwd=None) -> Optional[str]:
    """The file to read, by the documented lookup order; None means built-ins."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(ENV_VAR)
    if explicit:
        return explicit
    local = os.path.join(cwd or os.getcwd(), LOCAL_FILE)
    return local if os.path.isfile(local) else None


def ini_parser():
    """A parser for the settings file's dialect: ``key = value``, ``;`` and ``#``
    comments, no interpolation, no default section, keys kept as written."""
    parser = configparser.ConfigParser(
        delimiters=("=",), comment_prefixes=(";", "#"), inline_comment_prefixes=(";", "#"),
        interpolation=None, default_section="\0no default section",
        empty_lines_in_values=False,
    )
    parser.optionxform = str  # route prefixes are case-sensitive paths
    return parser


def load(path=None):
    """Load and validate settings from ``path``, or by the lookup order."""
    if path is None:
        path = find_settings_file()
    if path is None:
        return build(BUILTIN, os.getcwd(), {})
    parser = ini_parser()
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
    return build(path, os.path.dirname(os.path.abspath(path)), raw)


def build(source, base, raw):
    """Typed settings from ``{section: {key: text}}``; missing keys take defaults."""
    known = list(SECTIONS) + ["routes"]
    for name in raw:
        if name not in known:
            raise SettingsError(source, name, None, None,
                                "unknown section (known: %s)" % ", ".join(known))
    sections = {}
    for section, keys in BY_SECTION.items():
        given = raw.get(section, {})
        for key in given:
            if key not in keys:
                raise SettingsError(source, section, key, given[key],
                                    "unknown key (known: %s)" % ", ".join(keys))
        values = {key: _convert(source, setting, given.get(key, setting.default), base)
                  for key, setting in keys.items()}
        sections[section] = SECTION_CLASSES[section](**values)
    settings = Settings(source=source, routes=_routes(source, raw.get("routes")), **sections)
    _check(settings)
    return settings


def _convert(source, setting, text, base):
    """``text`` through ``setting``'s converter; a refusal names where it came from."""
    text = text.strip()
    try:
        return setting.convert(text, base)
    except ValueError as exc:
        raise SettingsError(source, setting.section, setting.key, text, str(exc)) from None


def _routes(source, given):
    """The mount table; a file's ``[routes]`` replaces the default table whole."""
    if given is None:
        pairs = DEFAULT_ROUTES
    else:
        pairs = []
        for prefix, kind in given.items():
            kind = kind.strip()
            if not prefix.startswith("/") or any(c.isspace() for c in prefix) or "//" in prefix:
                raise SettingsError(source, "routes", prefix, kind,
                                    "a route prefix must be a path starting with /")
            if kind not in KINDS:
                raise SettingsError(source, "routes", prefix, kind,
                                    "unknown app (known: %s)" % ", ".join(KINDS))
            normalized = prefix.rstrip("/") or "/"
            if any(normalized == seen for seen, _ in pairs):
                raise SettingsError(source, "routes", prefix, kind, "prefix is mounted twice")
            pairs.append((normalized, kind))
        if not pairs:
            raise SettingsError(source, "routes", None, None, "the section mounts nothing")
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


def _check(settings):
    """Rules across keys, and paths that must exist: checked now rather than
    on the first request."""
    source = settings.source
    if any(kind == "static" for _, kind in settings.routes):
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
    if tls.client_cert != "off":
        if not tls.enabled:
            raise SettingsError(source, "tls", "client_cert", tls.client_cert,
                                "needs certfile and keyfile: client certificates come with HTTPS")
        if not tls.client_ca:
            raise SettingsError(source, "tls", "client_ca", "",
                                "client_cert = %s needs the CA bundle that verifies them"
                                % tls.client_cert)
        _check_ca_bundle(source, tls.client_ca)
    echo = settings.echo
    if echo.cors_credentials and echo.cors_origins == "*":
        raise SettingsError(source, "echo", "cors_origins", "*",
                            "cors_credentials = true needs the origins listed: the echo "
                            "shows a request's cookies and Authorization in its body")
    if settings.proxy.http2_cleartext != "off" and not settings.proxy.trusted:
        raise SettingsError(source, "proxy", "http2_cleartext", settings.proxy.http2_cleartext,
                            "needs [proxy] trusted: cleartext HTTP/2 is only accepted from "
                            "trusted proxies")
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


def _check_ca_bundle(source, value):
    import ssl
    if not os.path.isfile(value):
        raise SettingsError(source, "tls", "client_ca", value, "no such file")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_verify_locations(value)
    except (ssl.SSLError, ValueError) as exc:
        raise SettingsError(source, "tls", "client_ca", value,
                            "not a PEM bundle of CA certificates (%s)"
                            % (getattr(exc, "reason", None) or exc)) from None


def _check_log_file(source, key, value):
    folder = os.path.dirname(value) or "."
    if os.path.isdir(value):
        raise SettingsError(source, "log", key, value, "is a directory, not a file")
    if not os.path.isdir(folder):
        raise SettingsError(source, "log", key, value, "its folder does not exist")
    writable = os.access(value if os.path.exists(value) else folder, os.W_OK)
    if not writable:
        raise SettingsError(source, "log", key, value, "is not writable")
