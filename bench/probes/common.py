"""What every probe shares: a server of the current tree set up as the probes
want it, the table the figures go into, and the server's CPU once it has
finished what it was doing."""

import collections
import contextlib
import os
import re
import tempfile
import threading

from wsgi_echo.testing.ini import write_settings
from wsgi_echo.testing.server import Server
from wsgi_echo.testing.waiting import WaitTimeout, wait_for

from ..proc import accepting, cpu_seconds

KINDS = ("gunicorn", "waitress")
# The settings' defaults: gunicorn 2 workers x 8 threads, waitress 8 threads.
WORKERS, THREADS = 2, 8
WARM_UP = "/echo/warm-up"


class Table:
    """The figures of a run, (probe, measurement, server, value), printed as
    they come, and notes on anything that went wrong."""

    def __init__(self):
        self.rows, self.notes = [], []
        self.lock = threading.Lock()

    def record(self, probe, measurement, kind, value):
        with self.lock:
            self.rows.append((probe, measurement, kind, str(value)))
            print("  %-9s %-9s %-50s %s" % (kind, probe, measurement, value), flush=True)

    def note(self, text):
        with self.lock:
            self.notes.append(text)
            print("  ! %s" % text, flush=True)

    def markdown(self):
        order, cells = [], {}
        for probe, measurement, kind, value in self.rows:
            if (probe, measurement) not in cells:
                order.append((probe, measurement))
                cells[probe, measurement] = {}
            cells[probe, measurement][kind] = value.replace("|", "\\|")
        lines = [
            "| probe | measurement | %s |" % " | ".join(KINDS),
            "|---|---|" + "---|" * len(KINDS),
        ]
        for key in order:
            lines.append(
                "| %s | %s | %s |"
                % (key[0], key[1], " | ".join(cells[key].get(kind, "-") for kind in KINDS))
            )
        return "\n".join(lines + ["- " + note for note in self.notes])


def start(table, kind, label, workdir):
    """A wsgi-echo ``Server`` of this tree with the default settings but for
    ``[server] workers`` and ``threads`` (stated, so the figures say what they
    are for), a site (``site(server)``) and no access log, in a folder under
    ``workdir``; under gunicorn, once every worker accepts."""
    folder = tempfile.mkdtemp(prefix="%s-%s-" % (label, kind), dir=workdir)
    os.mkdir(os.path.join(folder, "site"))
    config = write_settings(
        os.path.join(folder, "settings.ini"),
        server={"workers": WORKERS, "threads": THREADS},
        static={"root": os.path.join(folder, "site")},
        log={"access_log": ""},
    )
    server = Server(config, server=kind, workdir=folder, name=label, probe=WARM_UP)
    if kind == "gunicorn":
        # The probe request proves one worker; every one must be accepting
        # before a figure that depends on how connections spread.
        try:
            wait_for(
                lambda: len(accepting(server.children(), server.port)) == WORKERS,
                timeout=30,
                what="%d gunicorn workers to accept" % WORKERS,
            )
        except WaitTimeout:
            server.stop()
            raise
    return server


def site(server):
    """The folder ``server`` serves at ``/``."""
    return os.path.join(server.workdir, "site")


def idle_cpu_seconds(server, table):
    """The server's CPU seconds, read once they stop rising: it has finished
    the work of the requests before (/proc counts in ticks)."""
    readings = [None]

    def steady():
        now = cpu_seconds(server.pids())
        previous, readings[0] = readings[0], now
        return (now,) if now == previous else None

    try:
        return wait_for(steady, timeout=10, interval=0.1)[0]
    except WaitTimeout:
        table.note("%s (%s) never went idle; CPU figures include that" % (server.kind, server.name))
        return readings[0]


def stop(server, table):
    """Stop ``server``, noting an early exit or tracebacks in its log."""
    alive = server.alive()
    server.stop()
    log = server.log()
    if not alive:
        table.note("%s (%s) had exited before the stop" % (server.kind, server.name))
    elif "Traceback" in log:
        kinds = collections.Counter(
            re.findall(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b", log, re.M)
        )
        table.note(
            "%s (%s): %d traceback(s) in the server log (%s)"
            % (
                server.kind,
                server.name,
                log.count("Traceback"),
                ", ".join("%s x%d" % item for item in kinds.most_common()),
            )
        )


@contextlib.contextmanager
def running(table, kind, label, workdir):
    """``start``, stopped (``stop``) at the end of the ``with`` block."""
    server = start(table, kind, label, workdir)
    try:
        yield server
    finally:
        stop(server, table)


def started(table, label, workdir, kinds=KINDS):
    """A server per kind, ``{kind: server}``; all stopped if one fails."""
    servers = {}
    try:
        for kind in kinds:
            servers[kind] = start(table, kind, label, workdir)
    except Exception:
        for server in servers.values():
            stop(server, table)
        raise
    return servers
