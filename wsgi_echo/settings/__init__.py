"""Every setting declared once; ``settings.ini`` in, one typed, validated object out.

Each tunable is one ``Setting`` in ``DECLARATIONS``: its section, key,
default (as it would be written in the file), converter, one-line doc and,
where it has one, its command-line flag.  Everything else is derived from
that table: the typed section objects (``settings.server.port``), the
shipped ``settings.ini`` and the settings table in docs/settings.md
(``settings_doc``), and the flags of ``python -m wsgi_echo``.  Adding a
setting is one declaration plus its use.

The file is read once; nothing else in the package parses ini text again.
A bad file stops start-up with one line naming the file, the section, the
key and the value, so that the person who wrote it can fix it without
reading a traceback.

Where the file comes from (first match wins):

1. the path given with ``--config`` (``python -m wsgi_echo``, ``wsgi-echo``);
2. the path in the environment variable ``WSGI_ECHO_SETTINGS``;
3. ``settings.ini`` in the current working directory;
4. the defaults declared in ``declarations``.

Command-line flags override single values before anything is checked.

Relative paths inside a file resolve against that file's own folder; for the
built-in defaults, against the working directory.
"""

from .declarations import (
    BY_SECTION,
    DECLARATIONS,
    DEFAULT_ROUTES,
    FLAGS,
    ROUTES_DOC,
    SECTIONS,
    Setting,
)
from .error import SettingsError
from .loader import (
    BUILTIN,
    COMMAND_LINE,
    ENV_VAR,
    LOCAL_FILE,
    Settings,
    build,
    find_settings_file,
    ini_parser,
    load,
    read,
)

__all__ = [
    "BUILTIN",
    "BY_SECTION",
    "COMMAND_LINE",
    "DECLARATIONS",
    "DEFAULT_ROUTES",
    "ENV_VAR",
    "FLAGS",
    "LOCAL_FILE",
    "ROUTES_DOC",
    "SECTIONS",
    "Setting",
    "Settings",
    "SettingsError",
    "build",
    "find_settings_file",
    "ini_parser",
    "load",
    "read",
]
