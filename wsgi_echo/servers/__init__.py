"""The only part of the package that knows which server runs the app.

Each runner module (``gunicorn``, ``waitress``) maps the typed settings to
its server's options, adds what its server lacks at the server's own seams,
and refuses at start-up the settings its server cannot honour.  Nothing
outside this package imports or names a server.
"""

import importlib
import sys

NAMES = ("gunicorn", "waitress")
DEFAULT = "gunicorn"


def platform_default():
    """gunicorn where it runs; waitress on Windows, where gunicorn does not."""
    return "waitress" if sys.platform == "win32" else DEFAULT


# The line a server prints (to stderr) once it is ready to serve: signals
# are handled and the socket accepts.  Test harnesses wait for it.
READY = "wsgi-echo: serving on "


def address(host, port):
    """``host:port`` as a URL or a bind option writes it: an IPv6 address in brackets."""
    host = host.strip("[]")
    return "%s:%d" % ("[%s]" % host if ":" in host else host, port)


def announce_ready(url, server_name, detail=""):
    print("%s%s with %s%s" % (READY, url, server_name, detail), file=sys.stderr, flush=True)


def runner(name):
    """The runner module for a server name from ``NAMES``."""
    if name not in NAMES:
        raise ValueError("unknown server %r" % name)
    return importlib.import_module("%s.%s" % (__name__, name))


# A server that imported ``wsgi_echo:app`` itself (``gunicorn wsgi_echo:app``,
# ``waitress-serve``) and met a bad settings file: exit with gunicorn's "app
# failed to load" status, on which its master stops instead of starting
# worker after worker; waitress-serve simply exits with it.
APP_LOAD_FAILED = 4


def refuse_to_load(error):
    """End a server process that cannot load the app: one line, no traceback."""
    print("wsgi-echo: %s" % error, file=sys.stderr)
    raise SystemExit(APP_LOAD_FAILED)
