"""What every probe shares: a server of the current tree set up as the probes
want it, the table the figures go into, and the server's CPU once it has
finished what it was doing."""

import collections
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
        lines = ["| probe | measurement | %s |" % " | ".join(KINDS),
                 "|---|---|" + "---|" * len(KINDS)]
        for key in order:
            lines.append("| %s | %s | %s |" % (key[0], key[1], " | ".join(
                cells[key].get(kind, "-") for kind in KINDS)))
        return "\n".join(lines + ["- " + note for note in self.notes])


class ProbeServer:
    """A wsgi-echo of this tree with the default settings but for ``[server]
    workers`` and ``threads`` (stated, so the figures say what they are for),
    a scratch site and no access log, in a folder under ``workdir``."""

    def __init__(self, table, kind, label, workdir):
        self.table, self.kind, self.label = table, kind, label
        self.folder = tempfile.mkdtemp(prefix="%s-%s-" % (label, kind), dir=workdir)
        self.site = os.path.join(self.folder, "site")
        os.mkdir(self.site)
        config = write_settings(os.path.join(self.folder, "settings.ini"),
                                server={"workers": WORKERS, "threads": THREADS},
                                static={"root": self.site}, log={"access_log": ""})
        self.server = Server(config, server=kind, workdir=self.folder, name=label,
                             probe=WARM_UP)
        self.host, self.port = self.server.host, self.server.port
        if kind == "gunicorn":
            # The probe request proves one worker; every one must be accepting
            # before a figure that depends on how connections spread.
            wait_for(lambda: len(accepting(self.server.children(), self.port)) == WORKERS,
                     timeout=30, what="%d gunicorn workers to accept" % WORKERS)

    def pids(self):
        return self.server.pids()

    def idle_cpu_seconds(self):
        """The server's CPU seconds, read once they stop rising: it has
        finished the work of the requests before (/proc counts in ticks)."""
        readings = [None]

        def steady():
            now = cpu_seconds(self.pids())
            previous, readings[0] = readings[0], now
            return (now,) if now == previous else None
        try:
            return wait_for(steady, timeout=10, interval=0.1)[0]
        except WaitTimeout:
            self.table.note("%s (%s) never went idle; CPU figures include that" % (
                self.kind, self.label))
            return readings[0]

    def stop(self):
        alive = self.server.alive()
        self.server.stop()
        log = self.server.log()
        if not alive:
            self.table.note("%s (%s) had exited before the stop" % (self.kind, self.label))
        elif "Traceback" in log:
            kinds = collections.Counter(re.findall(
                r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b", log, re.M))
            self.table.note("%s (%s): %d traceback(s) in the server log (%s)" % (
                self.kind, self.label, log.count("Traceback"),
                ", ".join("%s x%d" % item for item in kinds.most_common())))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def started(table, label, workdir, kinds=KINDS):
    """A ProbeServer per kind, ``{kind: server}``; all stopped if one fails."""
    servers = {}
    try:
        for kind in kinds:
            servers[kind] = ProbeServer(table, kind, label, workdir)
    except Exception:
        for server in servers.values():
            server.stop()
        raise
    return servers
