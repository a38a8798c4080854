"""``python -m wsgi_echo`` and the ``wsgi-echo`` console script.

Settings first, flags over them, then the socket, then the server: each step
that can fail for a reason the user can fix ends with one line on stderr and
exit status 2, never a traceback.  The flags are the settings declared with
one (``settings.FLAGS``), so ``--help`` and the settings cannot disagree.
"""

import argparse
import sys

from .. import settings as declared
from ..settings import SettingsError
from . import listen, runner


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="wsgi-echo",
        description="An HTTP echo, static file and httpbin-compatible server. Settings come "
                    "from a settings file; these flags override it.")
    parser.add_argument("--config", metavar="FILE",
                        help="settings file (default: $%s, else ./%s, else built-in defaults)"
                             % (declared.ENV_VAR, declared.LOCAL_FILE))
    for flag, setting in declared.FLAGS.items():
        parser.add_argument(flag, dest="%s.%s" % (setting.section, setting.key),
                            metavar=setting.key.upper(),
                            help="%s (overrides [%s] %s; default %s)"
                                 % (setting.doc, setting.section, setting.key,
                                    setting.default or "empty"))
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {tuple(name.split(".", 1)): value for name, value in vars(args).items()
                 if "." in name}
    try:
        settings = declared.load(args.config).with_overrides(overrides)
        server = runner(settings.server.server)
        server.refuse_unsupported(settings)
        from ..application import make_app
        app = make_app(settings)
        sock = listen.bind(settings.server.host, settings.server.port)
    except (SettingsError, listen.StartupError) as exc:
        print("wsgi-echo: %s" % exc, file=sys.stderr)
        return 2
    server.run(app, settings, sock)
    return 0
