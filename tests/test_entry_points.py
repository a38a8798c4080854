"""Every documented way of starting the server works: `make run`,
`gunicorn -c gunicorn.conf.py wsgi_echo:app`, `gunicorn wsgi_echo:app` in the
project folder, and `waitress-serve wsgi_echo:app`.  Each is started as a user
would, with WSGI_ECHO_SETTINGS naming a settings file on a free port."""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import HTDOCS, PROJECT, free_port, wait_for_port, write_ini
from http_client import request

pytestmark = pytest.mark.server

BIN = os.path.dirname(sys.executable)


class Started:
    def __init__(self, argv, env, cwd, port):
        self.host, self.port = "127.0.0.1", port
        self.process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        try:
            wait_for_port(port, self.process, timeout=60)
        except RuntimeError:
            self.stop()
            raise RuntimeError(self.process.stderr.read().decode(errors="replace"))

    def stop(self):
        if self.process.poll() is None:
            # The whole session: `make run` starts python, which starts gunicorn.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def launch(tmp_path):
    started = []

    def run(argv, cwd=PROJECT):
        port = free_port()
        ini = write_ini(tmp_path / "settings.ini", """
            [server]
            host = 127.0.0.1
            port = %d
            workers = 1
            threads = 2
            [static]
            root = %s
        """ % (port, HTDOCS))
        env = dict(os.environ, WSGI_ECHO_SETTINGS=ini)
        env.pop("MAKEFLAGS", None)
        env.pop("MAKELEVEL", None)
        server = Started([arg.replace("{port}", str(port)) for arg in argv], env, cwd, port)
        started.append(server)
        return server
    yield run
    for server in started:
        server.stop()


def serves_both_halves(server):
    status, headers, body = request(server, "GET", "/echo/index")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert b'"path": "/echo/index"' in body
    status, headers, body = request(server, "GET", "/")
    assert status == 200 and b"<title>wsgi-echo</title>" in body
    return headers["Server"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run(launch):
    assert serves_both_halves(launch(["make", "--no-print-directory", "run"])) == "gunicorn"


def test_gunicorn_with_the_conf_file(launch):
    server = launch([os.path.join(BIN, "gunicorn"), "-c", "gunicorn.conf.py", "wsgi_echo:app"])
    assert serves_both_halves(server) == "gunicorn"


def test_plain_gunicorn_in_the_project_folder(launch):
    server = launch([os.path.join(BIN, "gunicorn"), "wsgi_echo:app"])
    assert serves_both_halves(server) == "gunicorn"


def test_waitress_serve(launch, tmp_path):
    server = launch([os.path.join(BIN, "waitress-serve"), "--listen=127.0.0.1:{port}",
                     "wsgi_echo:app"], cwd=str(tmp_path))
    assert serves_both_halves(server) == "waitress"


def test_console_script(launch):
    server = launch([os.path.join(BIN, "wsgi-echo"), "--server", "waitress"])
    assert serves_both_halves(server) == "waitress"
