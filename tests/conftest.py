"""Shared fixtures: settings files written per test, and real server processes.

Server tests start ``python -m wsgi_echo`` (gunicorn or waitress) on a free
loopback port, wait until it accepts connections, and stop it by PID at the
end of the test.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from webtest import TestApp

from wsgi_echo import make_app, settings as settings_module

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HTDOCS = os.path.join(PROJECT, "htdocs")
SERVERS = ("gunicorn", "waitress")


def write_ini(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return str(path)


@pytest.fixture
def ini(tmp_path):
    """``ini(text)`` writes a settings file in a temporary folder, returns its path."""
    counter = iter(range(1000))

    def make(text="", name=None):
        return write_ini(tmp_path / (name or "settings-%d.ini" % next(counter)), text)
    return make


def app_for(text, tmp_path, name="settings.ini"):
    settings = settings_module.load(write_ini(tmp_path / name, text))
    return TestApp(make_app(settings))


@pytest.fixture
def echo_app(tmp_path):
    """The app as a pure echo server (every path echoes), in-process."""
    return app_for("""
        [routes]
        / = echo
    """, tmp_path)


@pytest.fixture
def default_app(tmp_path):
    """The app with the embedded default routes, serving the project's htdocs."""
    return app_for("""
        [static]
        root = %s
    """ % HTDOCS, tmp_path)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited with %s" % process.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on %d within %ss" % (port, timeout))


class ServerProcess:
    """A real server started with ``python -m wsgi_echo``."""

    def __init__(self, kind, config, tmp_path, extra_env=None):
        self.kind = kind
        self.port = free_port()
        self.host = "127.0.0.1"
        self.config = config
        self.stdout_path = tmp_path / ("%s-%d.out" % (kind, self.port))
        self.stderr_path = tmp_path / ("%s-%d.err" % (kind, self.port))
        env = dict(os.environ, PYTHONUNBUFFERED="1", **(extra_env or {}))
        env.pop(settings_module.ENV_VAR, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wsgi_echo", "--config", config, "--server", kind,
             "--host", self.host, "--port", str(self.port)],
            stdout=open(self.stdout_path, "wb"), stderr=open(self.stderr_path, "wb"),
            cwd=str(tmp_path), env=env)
        try:
            wait_for_port(self.port, self.process)
        except RuntimeError:
            self.stop()
            raise RuntimeError("%s did not start: %s" % (kind, self.stderr()))

    @property
    def base(self):
        return "http://%s:%d" % (self.host, self.port)

    def stdout(self):
        return self.stdout_path.read_text(errors="replace")

    def stderr(self):
        return self.stderr_path.read_text(errors="replace")

    def alive(self):
        return self.process.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


class Starter:
    """Starts servers in one folder and stops all of them at the end."""

    def __init__(self, folder):
        self.folder = folder
        self.started = []

    def __call__(self, kind, config, **env):
        if "\n" in config or not os.path.exists(config):
            config = write_ini(self.folder / ("%s-%d.ini" % (kind, len(self.started))), config)
        server = ServerProcess(kind, config, self.folder, env)
        self.started.append(server)
        return server

    def stop_all(self):
        for server in self.started:
            server.stop()


@pytest.fixture
def start_server(tmp_path):
    """``start_server(kind, ini_text_or_path)`` -> a running ServerProcess."""
    starter = Starter(tmp_path)
    yield starter
    starter.stop_all()


@pytest.fixture(scope="module")
def module_starter(tmp_path_factory):
    """Like start_server, for servers shared by a whole test module."""
    starter = Starter(tmp_path_factory.mktemp("servers"))
    yield starter
    starter.stop_all()


def pure_echo_ini(extra=""):
    return "[server]\nworkers = 1\nthreads = 4\n%s\n[routes]\n/ = echo\n" % extra


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate and key for 127.0.0.1, made now with openssl."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make a test certificate"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key
