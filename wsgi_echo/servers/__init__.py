"""The only part of the package that knows which server runs the app.

``RUNNERS`` names every runner module; each implements ``contract.Runner``:
it maps the typed settings to its server's options, adds what its server
lacks at the server's own seams, and refuses at start-up the settings its
server cannot honour.  Outside this package, code asks what a runner can do
(``supports``), never which one it is; ``tests/test_layout.py`` checks both.
"""

import importlib
import sys

from .contract import CAPABILITIES

# runner name -> its module under wsgi_echo.servers.  A new runner is a module
# implementing contract.Runner and one line here.
RUNNERS = {
    "gunicorn": "gunicorn",
    "waitress": "waitress",
}
NAMES = tuple(RUNNERS)
DEFAULT = "gunicorn"
# What serves where gunicorn cannot (Windows).
PORTABLE = "waitress"


def platform_default():
    """gunicorn where it runs; waitress on Windows, where gunicorn does not."""
    return PORTABLE if sys.platform == "win32" else DEFAULT


def runner(name):
    """The runner module for a name from ``NAMES``."""
    if name not in RUNNERS:
        raise ValueError("unknown server %r (known: %s)" % (name, ", ".join(NAMES)))
    return importlib.import_module("%s.%s" % (__name__, RUNNERS[name]))


def supports(name, capability):
    """Whether runner ``name`` can do ``capability`` (a ``contract`` constant)."""
    if capability not in CAPABILITIES:
        raise ValueError("unknown capability %r" % capability)
    return capability in runner(name).CAPABILITIES


def able(capability):
    """The names of the runners that can do ``capability``, for messages."""
    return [name for name in NAMES if supports(name, capability)]


def warn_if_loaded_without_runner():
    """``wsgi_echo:app`` loaded by a server's own command (``gunicorn
    wsgi_echo:app``, ``waitress-serve wsgi_echo:app``): one warning line naming
    the command that would bring wsgi-echo's settings and limits too."""
    for name in NAMES:
        warning = runner(name).loaded_without_runner()
        if warning:
            print("wsgi-echo: warning: %s" % warning, file=sys.stderr, flush=True)
            return warning
    return None


# The line a server prints (to stderr) once it is ready to serve: signals
# are handled and the socket accepts.  Test harnesses wait for it.
READY = "wsgi-echo: serving on "


def address(host, port):
    """``host:port`` as a URL or a bind option writes it: an IPv6 address in brackets."""
    host = host.strip("[]")
    return "%s:%d" % ("[%s]" % host if ":" in host else host, port)


def counted(number, noun):
    """ "1 worker", "8 threads"."""
    return "%d %s%s" % (number, noun, "" if number == 1 else "s")


def mounts(settings):
    """What is served where, for the ready line: "static <root> at /, echo at /echo"."""
    parts = []
    for prefix, kind in sorted(settings.routes):
        what = "static %s" % settings.static.root if kind == "static" else kind
        parts.append("%s at %s" % (what, prefix))
    return ", ".join(parts)


def announce_ready(url, server_name, detail="", settings=None):
    """The ready line: where, by what, and what is mounted where (so the
    static root served is never a guess)."""
    served = ": %s" % mounts(settings) if settings is not None else ""
    print(
        "%s%s with %s%s%s" % (READY, url, server_name, detail, served), file=sys.stderr, flush=True
    )


# A server that imported ``wsgi_echo:app`` itself (``gunicorn wsgi_echo:app``,
# ``waitress-serve``) and met a bad settings file: exit with gunicorn's "app
# failed to load" status, on which its master stops instead of starting
# worker after worker; waitress-serve simply exits with it.
APP_LOAD_FAILED = 4


def refuse_to_load(error):
    """End a server process that cannot load the app: one line, no traceback."""
    print("wsgi-echo: %s" % error, file=sys.stderr)
    raise SystemExit(APP_LOAD_FAILED)
