"""Start and stop the servers under test, each pinned to CPU 0, on free
loopback ports; stopped by PID, never by name."""

import os
import signal
import socket
import subprocess
import sys
import time

SERVER_CPU = "0"
BIN = os.path.dirname(sys.executable)
# Servers run in a scratch folder (so gunicorn finds no ./gunicorn.conf.py and
# wsgi-echo no ./settings.ini); they import bench.apps from the project.
PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name, argv, workdir, env=None, port=None):
        self.name = name
        self.port = port or free_port()
        argv = [arg.replace("{port}", str(self.port)) for arg in argv]
        self.log = open(os.path.join(workdir, "%s-%d.log" % (name, self.port)), "wb")
        self.process = subprocess.Popen(
            ["taskset", "-c", SERVER_CPU] + argv, cwd=workdir,
            env=dict(os.environ, PYTHONPATH=PROJECT, **(env or {})), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._wait()

    def _wait(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("%s exited; see %s" % (self.name, self.log.name))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                time.sleep(0.3)  # let gunicorn's worker finish booting
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("%s did not listen; see %s" % (self.name, self.log.name))

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def pids(self):
        """The server's process and all its descendants (gunicorn workers)."""
        found, queue = [], [self.process.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            try:
                for task in os.listdir("/proc/%d/task" % pid):
                    with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
                        queue.extend(int(child) for child in handle.read().split())
            except OSError:
                pass
        return found

    def cpu_seconds(self):
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                with open("/proc/%d/stat" % pid) as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except OSError:
                pass
        return total / ticks

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def gunicorn(name, app, workdir, env=None):
    return Server(name, [os.path.join(BIN, "gunicorn"), "--worker-class", "gthread",
                         "--workers", "1", "--threads", "4", "--bind", "127.0.0.1:{port}",
                         "--no-control-socket", "--log-level", "warning", app], workdir, env)


def waitress(name, app, workdir, env=None):
    return Server(name, [os.path.join(BIN, "waitress-serve"), "--threads=4",
                         "--listen=127.0.0.1:{port}", app], workdir, env)


def wsgi_echo(name, kind, settings_path, workdir):
    return Server(name, [sys.executable, "-m", "wsgi_echo", "--config", settings_path,
                         "--server", kind, "--host", "127.0.0.1", "--port", "{port}"], workdir)


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
