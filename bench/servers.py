"""Start and stop the servers under test, each pinned to CPU 0, on free
loopback ports; stopped by PID, never by name.  Processes are started and
stopped by the project's one harness, ``wsgi_echo.testing.process``."""

import os
import sys
import time

from wsgi_echo.servers import READY
from wsgi_echo.testing.process import ServerProcess, free_port, wsgi_echo_argv

SERVER_CPU = "0"
BIN = os.path.dirname(sys.executable)
# Servers run in a scratch folder (so gunicorn finds no ./gunicorn.conf.py and
# wsgi-echo no ./settings.ini); they import bench.apps from the project.
PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Server(ServerProcess):
    """``cpu``: the CPU list to pin it to (None: not pinned); ``scheme``: what
    its URL starts with."""

    def __init__(self, name, argv, workdir, env=None, port=None, ready=None, cpu=SERVER_CPU,
                 scheme="http"):
        self.name = name
        port = port or free_port()
        argv = [arg.replace("{port}", str(port)) for arg in argv]
        if cpu is not None:
            argv = ["taskset", "-c", cpu] + argv
        super().__init__(argv, port, cwd=workdir,
                         env=dict(os.environ, PYTHONPATH=PROJECT, **(env or {})),
                         log_path=os.path.join(workdir, "%s-%d.log" % (name, port)),
                         ready=ready)
        self.scheme = scheme
        time.sleep(0.3)  # let a gunicorn worker finish booting before the warm-up

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def pids(self):
        """The server's process and all its descendants (gunicorn workers)."""
        return [self.pid] + self.children()

    def cpu_seconds(self):
        return cpu_seconds(self.pids())


def cpu_seconds(pids):
    """User and system CPU seconds used so far by the processes ``pids``
    (those already gone count nothing)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def rss_kb(pid):
    """The resident memory of process ``pid`` in KiB; OSError once it is gone."""
    with open("/proc/%d/status" % pid) as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise OSError("no VmRSS for %d" % pid)


def gunicorn(name, app, workdir, env=None, extra=(), scheme="http"):
    """gunicorn's own command line (gthread, 1 worker, 4 threads) serving ``app``,
    with ``extra`` options (TLS)."""
    return Server(name, [os.path.join(BIN, "gunicorn"), "--worker-class", "gthread",
                         "--workers", "1", "--threads", "4", "--bind", "127.0.0.1:{port}",
                         *extra, "--no-control-socket", "--log-level", "warning", app],
                  workdir, env, scheme=scheme)


def waitress(name, app, workdir, env=None):
    return Server(name, [os.path.join(BIN, "waitress-serve"), "--threads=4",
                         "--listen=127.0.0.1:{port}", app], workdir, env)


def wsgi_echo(name, kind, settings_path, workdir, cpu=SERVER_CPU, scheme="http",
              instance=None):
    extra = ["--instance", instance] if instance else []
    return Server(name, wsgi_echo_argv(settings_path, kind, "127.0.0.1", "{port}") + extra,
                  workdir, ready=READY, cpu=cpu, scheme=scheme)


NGINX_CONF = """
worker_processes 1;
daemon off;
pid %(workdir)s/nginx.pid;
error_log %(workdir)s/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path %(workdir)s/nginx-body;
    proxy_temp_path %(workdir)s/nginx-proxy;
    fastcgi_temp_path %(workdir)s/nginx-fastcgi;
    uwsgi_temp_path %(workdir)s/nginx-uwsgi;
    scgi_temp_path %(workdir)s/nginx-scgi;
    types { text/html html; image/png png; text/plain txt; }
    server {
        listen 127.0.0.1:{port};
        root %(docroot)s;
    }
}
"""


def nginx(name, docroot, workdir):
    port = free_port()
    path = os.path.join(workdir, "nginx.conf")
    with open(path, "w") as handle:
        conf = NGINX_CONF % {"workdir": workdir, "docroot": docroot}
        handle.write(conf.replace("{port}", str(port)))
    user = ["-g", "user root;"] if os.geteuid() == 0 else []
    return Server(name, ["nginx", "-p", workdir, "-c", path] + user, workdir, port=port)
