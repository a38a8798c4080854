"""``settings.ini`` in, one typed, validated ``Settings`` out.

The file is read once; nothing else in the package parses ini text again.
"""

import configparser
import dataclasses
import os

from ..apps import KINDS
from .checks import check
from .declarations import BY_SECTION, DEFAULT_ROUTES, SECTIONS
from .error import SettingsError

ENV_VAR = "WSGI_ECHO_SETTINGS"
LOCAL_FILE = "settings.ini"
BUILTIN = "<built-in defaults>"
COMMAND_LINE = "command line"


def _tls_enabled(section):
    return bool(section.certfile and section.keyfile)


# Values derived from a section's keys, as read-only properties.
_DERIVED = {"tls": {"enabled": property(_tls_enabled)}}

SECTION_CLASSES = {
    name: dataclasses.make_dataclass(
        name.capitalize() + "Settings",
        list(keys),
        frozen=True,
        namespace=dict(_DERIVED.get(name, {}), __doc__="[%s]: %s" % (name, SECTIONS[name])),
    )
    for name, keys in BY_SECTION.items()
}


@dataclasses.dataclass(frozen=True)
class _SettingsBase:
    source: str
    # (prefix, app kind), longest prefix first, so the first match is the best.
    routes: tuple
    # (section, key) of the values the command line set.
    overridden: frozenset

    @property
    def largest_request_body(self):
        """The largest request body any mounted route takes, in bytes: a
        server that buffers bodies itself must let this much through."""
        largest = self.server.max_request_bytes
        if any(kind == "httpbin" for _, kind in self.routes):
            largest = max(largest, self.httpbin.max_upload_bytes)
        return largest

    def origin(self, section, key):
        """Where a value came from, for an error that names it: the command
        line, or the settings file (or the built-in defaults)."""
        return COMMAND_LINE if (section, key) in self.overridden else self.source


Settings = dataclasses.make_dataclass(
    "Settings",
    [(name, SECTION_CLASSES[name]) for name in SECTIONS],
    bases=(_SettingsBase,),
    frozen=True,
    namespace={"__doc__": "All settings: one typed object per section."},
)


def find_settings_file(environ=None, cwd=None) -> str | None:
    """The file to read when none is named on the command line: the
    environment variable's, else ``./settings.ini``; None means built-ins."""
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
        delimiters=("=",),
        comment_prefixes=(";", "#"),
        inline_comment_prefixes=(";", "#"),
        interpolation=None,
        default_section="\0no default section",
        empty_lines_in_values=False,
    )
    parser.optionxform = str  # route prefixes are case-sensitive paths
    return parser


def read(path):
    """The file's text values, ``{section: {key: text}}``, not yet checked."""
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
    return {name: dict(parser.items(name)) for name in parser.sections()}


def load(path=None, overrides=None):
    """Load and validate settings from ``path`` (else by the lookup order),
    with ``overrides`` (``{(section, key): text}``, from the command line)
    applied before anything is checked: a flag can fix what the file lacks."""
    if path is None:
        path = find_settings_file()
    if path is None:
        return build(BUILTIN, os.getcwd(), {}, overrides)
    return build(path, os.path.dirname(os.path.abspath(path)), read(path), overrides)


def build(source, base, raw, overrides=None):
    """Typed settings from ``{section: {key: text}}``; missing keys take defaults.

    ``overrides`` win over the file; their relative paths resolve against
    the working folder, and a refusal names the command line.
    """
    overrides = {name: text for name, text in (overrides or {}).items() if text is not None}
    known = [*list(SECTIONS), "routes"]
    for name in raw:
        if name not in known:
            raise SettingsError(
                source, name, None, None, "unknown section (known: %s)" % ", ".join(known)
            )
    sections = {}
    for section, keys in BY_SECTION.items():
        given = raw.get(section, {})
        for key in given:
            if key not in keys:
                raise SettingsError(
                    source, section, key, given[key], "unknown key (known: %s)" % ", ".join(keys)
                )
        values = {}
        for key, setting in keys.items():
            if (section, key) in overrides:
                text = str(overrides[(section, key)])
                values[key] = _convert(COMMAND_LINE, setting, text, os.getcwd())
            else:
                values[key] = _convert(source, setting, given.get(key, setting.default), base)
        sections[section] = SECTION_CLASSES[section](**values)
    settings = Settings(
        source=source,
        routes=_routes(source, raw.get("routes")),
        overridden=frozenset(overrides),
        **sections,
    )
    check(settings)
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
                raise SettingsError(
                    source, "routes", prefix, kind, "a route prefix must be a path starting with /"
                )
            if kind not in KINDS:
                raise SettingsError(
                    source, "routes", prefix, kind, "unknown app (known: %s)" % ", ".join(KINDS)
                )
            normalized = prefix.rstrip("/") or "/"
            if any(normalized == seen for seen, _ in pairs):
                raise SettingsError(source, "routes", prefix, kind, "prefix is mounted twice")
            pairs.append((normalized, kind))
        if not pairs:
            raise SettingsError(source, "routes", None, None, "the section mounts nothing")
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))
