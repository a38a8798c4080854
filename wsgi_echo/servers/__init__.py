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

# runner name -> (its module under wsgi_echo.servers, the ``[server] server``
# it serves as, the ``[server] worker_class`` it runs).  A new runner is a
# module implementing contract.Runner and one line here; a server's first
# line is what it runs when ``worker_class`` is left empty.
RUNNERS = {
    # gevent first: chosen by make bench (docs/servers.md says why, and when
    # to switch to gthread).
    "gunicorn-gevent": ("gunicorn.gevent", "gunicorn", "gevent"),
    "gunicorn": ("gunicorn", "gunicorn", "gthread"),
    "waitress": ("waitress", "waitress", "gthread"),
}
NAMES = tuple(RUNNERS)
# What ``[server] server`` and ``worker_class`` may say, in the table's order.
SERVERS = tuple(dict.fromkeys(server for _, server, _ in RUNNERS.values()))
WORKERS = tuple(dict.fromkeys(worker for _, _, worker in RUNNERS.values()))
# What the default settings start: the server's first runner above.
DEFAULT_SERVER = "gunicorn"
# What serves where gunicorn cannot (Windows).
PORTABLE = "waitress"


def platform_default():
    """gunicorn where it runs; waitress on Windows, where gunicorn does not."""
    return PORTABLE if sys.platform == "win32" else default_runner()


def default_runner():
    """The runner the default settings start."""
    return named(DEFAULT_SERVER)


def runner(name):
    """The runner module for a name from ``NAMES``."""
    if name not in RUNNERS:
        raise ValueError("unknown server %r (known: %s)" % (name, ", ".join(NAMES)))
    return importlib.import_module("%s.%s" % (__name__, RUNNERS[name][0]))


def named(server, worker_class=""):
    """The runner that is ``[server] server`` with ``worker_class`` (empty:
    the server's default), or None when none is."""
    for name, (_, its_server, its_worker) in RUNNERS.items():
        if its_server == server and worker_class in ("", its_worker):
            return name
    return None


def chosen(settings):
    """The runner's name for the settings' ``[server] server`` and
    ``worker_class``; one ``SettingsError`` line for a pair no runner is."""
    server, worker = settings.server.server, settings.server.worker_class
    name = named(server, worker)
    if name is None:
        from ..settings import SettingsError

        runs = [
            its_worker for _, its_server, its_worker in RUNNERS.values() if its_server == server
        ]
        others = [
            its_server for _, its_server, its_worker in RUNNERS.values() if its_worker == worker
        ]
        raise SettingsError(
            settings.origin("server", "worker_class"),
            "server",
            "worker_class",
            worker,
            "%s runs %s only; %s is for server = %s"
            % (server, " or ".join(runs), worker, " or ".join(others)),
        )
    return name


def selection(name):
    """What chooses runner ``name``: its ``[server] server`` and ``worker_class``."""
    _, server, worker = RUNNERS[name]
    return server, worker


def held_capacity(threads):
    """How many requests that wait on purpose a process with ``threads``
    threads, one per request, can run and still answer others: all but a
    quarter of its threads (at least one, and one left when it has two)."""
    return max(1, threads - max(1, threads // 4))


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

# How long a stopping server keeps idle connections open, for a request a
# client may already be sending on one (gunicorn gthread's figure).
STOP_LINGER = 2.0


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


# How a start-up the user can fix ends (a bad settings file, a busy port):
# one line on stderr and this exit status, under every command.
USAGE_ERROR = 2

# A server that imported ``wsgi_echo:app`` itself (``gunicorn wsgi_echo:app``,
# ``waitress-serve``) and met a bad settings file: exit with gunicorn's "app
# failed to load" status, on which its master stops instead of starting
# worker after worker; waitress-serve simply exits with it.
APP_LOAD_FAILED = 4


def refuse_to_load(error):
    """End a server process that cannot load the app: one line, no traceback."""
    print("wsgi-echo: %s" % error, file=sys.stderr)
    raise SystemExit(APP_LOAD_FAILED)
