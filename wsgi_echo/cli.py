"""``python -m wsgi_echo`` and the ``wsgi-echo`` console script.

Settings first, flags over them, then the socket, then the server: each step
that can fail for a reason the user can fix ends with one line on stderr and
exit status 2, never a traceback.
"""

import argparse
import sys

from . import listen, settings as settings_module
from .settings import SERVERS, SettingsError


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="wsgi-echo",
        description="HTTP echo and static file server (settings from settings.ini).")
    parser.add_argument("--config", metavar="FILE",
                        help="settings file (default: $WSGI_ECHO_SETTINGS, else ./settings.ini, "
                             "else built-in defaults)")
    parser.add_argument("--server", choices=SERVERS, help="override [server] server")
    parser.add_argument("--host", help="override [server] host")
    parser.add_argument("--port", help="override [server] port")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = settings_module.load(args.config)
        settings = settings.with_server(server=args.server, host=args.host, port=args.port)
        if settings.server.server == "waitress" and settings.tls.enabled:
            raise SettingsError(settings.source, "tls", "certfile", settings.tls.certfile,
                                "waitress cannot serve HTTPS; use gunicorn, or terminate "
                                "TLS at a proxy in front of waitress")
        from .application import make_app
        app = make_app(settings)
        sock = listen.bind(settings.server.host, settings.server.port)
    except (SettingsError, listen.StartupError) as exc:
        print("wsgi-echo: %s" % exc, file=sys.stderr)
        return 2
    if settings.server.server == "waitress":
        from . import waitress_server as runner
    else:
        from . import gunicorn_server as runner
    runner.run(app, settings, sock)
    return 0
