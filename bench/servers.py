"""Start the servers under test, each pinned to CPU 0, on free loopback ports;
stopped by PID, never by name.  wsgi-echo is the project's ``Server``, the
peers (the bare app, httpbin and whitenoise under gunicorn or waitress, and
nginx) are its launcher's ``ServerProcess``: one harness for tests and bench.

A start is over once the server has answered a request (``probe``): the
port accepts as soon as gunicorn's master has bound it, before its worker
can answer, and a warm-up must not time the worker's boot.
"""

import os
import shutil
import sys

from wsgi_echo.testing.process import ServerProcess, free_port
from wsgi_echo.testing.server import Server

SERVER_CPU = "0"
BIN = os.path.dirname(sys.executable)
# Servers run in a scratch folder (so gunicorn finds no ./gunicorn.conf.py and
# wsgi-echo no ./settings.ini); they import bench.apps from the project.
PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = "/"


def peer(name, argv, workdir, env=None, port=None, cpu=SERVER_CPU, scheme="http"):
    """A peer's own command line (``{port}`` in ``argv`` is its port)."""
    port = port or free_port()
    return ServerProcess(
        argv,
        port,
        cwd=workdir,
        env=dict(os.environ, PYTHONPATH=PROJECT, **(env or {})),
        log_path=os.path.join(workdir, "%s-%d.log" % (name, port)),
        name=name,
        cpu=cpu,
        scheme=scheme,
        probe=PROBE,
    )


def gunicorn(name, app, workdir, env=None, extra=(), scheme="http", worker="gthread"):
    """gunicorn's own command line (1 worker; gthread with 4 threads, or
    gevent) serving ``app``, with ``extra`` options (TLS)."""
    workers = ["--threads", "4"] if worker == "gthread" else []
    return peer(
        name,
        [
            os.path.join(BIN, "gunicorn"),
            "--worker-class",
            worker,
            "--workers",
            "1",
            *workers,
            "--bind",
            "127.0.0.1:{port}",
            *extra,
            "--no-control-socket",
            "--log-level",
            "warning",
            app,
        ],
        workdir,
        env,
        scheme=scheme,
    )


def waitress(name, app, workdir, env=None):
    return peer(
        name,
        [os.path.join(BIN, "waitress-serve"), "--threads=4", "--listen=127.0.0.1:{port}", app],
        workdir,
        env,
    )


def wsgi_echo(name, kind, settings_path, workdir, cpu=SERVER_CPU, secure=False, instance=None):
    return Server(
        settings_path,
        server=kind,
        secure=secure,
        workdir=workdir,
        name=name,
        cpu=cpu,
        args=["--instance", instance] if instance else [],
        probe=PROBE,
    )


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


def nginx_argv(prefix, conf):
    """nginx in the foreground with ``conf``; as root, its workers run as root
    too, since nobody (its default user) cannot enter the scratch folders."""
    argv = [shutil.which("nginx") or "/usr/sbin/nginx", "-p", prefix, "-c", conf, "-e", "stderr"]
    return argv + (["-g", "user root;"] if os.geteuid() == 0 else [])


def nginx(name, docroot, workdir):
    port = free_port()
    path = os.path.join(workdir, "nginx.conf")
    with open(path, "w") as handle:
        conf = NGINX_CONF % {"workdir": workdir, "docroot": docroot}
        handle.write(conf.replace("{port}", str(port)))
    return peer(name, nginx_argv(workdir, path), workdir, port=port)
