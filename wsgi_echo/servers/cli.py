"""``python -m wsgi_echo`` and the ``wsgi-echo`` console script.

Settings first (``--config``, else ``$WSGI_ECHO_SETTINGS``, else
``./settings.ini``, else the built-in defaults), the flags applied over them
before anything is checked, then the socket, then the server: each step that
can fail for a reason the user can fix ends with one line on stderr and exit
status 2, never a traceback.  The flags are the settings declared with one
(``settings.FLAGS``), so ``--help`` and the settings cannot disagree; the
help shows the value each flag would override, from the settings file that
would be read.
"""

import argparse
import sys

from .. import settings as declared
from ..settings import SettingsError
from . import USAGE_ERROR, chosen, listen, runner


def config_named(argv):
    """The ``--config`` given in ``argv``, or None, without parsing the rest."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--config")
    known, _ = early.parse_known_args(argv)
    return known.config


def current_values(config):
    """``{(section, key): text}`` from the settings file that would be read,
    for ``--help``; empty when there is none or it cannot be read (the
    error is for start-up to report, not for ``--help``)."""
    path = config or declared.find_settings_file()
    if path is None:
        return {}, declared.BUILTIN
    try:
        raw = declared.read(path)
    except SettingsError:
        return {}, path
    return {
        (section, key): value for section, keys in raw.items() for key, value in keys.items()
    }, path


def parse_args(argv):
    config = config_named(argv)
    values, source = current_values(config)
    parser = argparse.ArgumentParser(
        prog="wsgi-echo",
        description="An HTTP echo, static file and httpbin-compatible server. Settings come "
        "from a settings file; these flags override it.",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: $%s, else ./%s, else built-in defaults)"
        % (declared.ENV_VAR, declared.LOCAL_FILE),
    )
    for flag, setting in declared.FLAGS.items():
        name = (setting.section, setting.key)
        if name in values:
            now = "now %s, from %s" % (values[name].strip() or "empty", source)
        else:
            now = "default %s" % (setting.default or "empty")
        parser.add_argument(
            flag,
            dest="%s.%s" % name,
            metavar=setting.key.upper(),
            help="%s (overrides [%s] %s; %s)" % (setting.doc, setting.section, setting.key, now),
        )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {
        tuple(name.split(".", 1)): value for name, value in vars(args).items() if "." in name
    }
    try:
        settings = declared.load(args.config, overrides)
        server = runner(chosen(settings))
        server.refuse_unsupported(settings)
        from ..application import make_app

        app = make_app(settings)
        advice = listen.port_advice(settings, before="--port PORT or ")
        sock = listen.bind(settings.server.host, settings.server.port, advice=advice)
    except (SettingsError, listen.StartupError) as exc:
        print("wsgi-echo: %s" % exc, file=sys.stderr)
        return USAGE_ERROR
    server.run(app, settings, sock)
    return 0
