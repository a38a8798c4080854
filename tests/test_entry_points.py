"""Every documented way of starting the server works: `make run`,
`gunicorn -c gunicorn.conf.py wsgi_echo:app`, `gunicorn wsgi_echo:app` in the
project folder, `waitress-serve wsgi_echo:app` and the console script.  Each
is started as a user would, with WSGI_ECHO_SETTINGS naming a settings file on
a free port."""

import os
import shutil
import sys

import pytest

from conftest import HTDOCS, PROJECT, free_port, settings_text
from wsgi_echo.servers import READY
from wsgi_echo.testing.clients import request
from wsgi_echo.testing.process import ServerProcess

pytestmark = pytest.mark.server

BIN = os.path.dirname(sys.executable)
# make's own variables: a `make run` started under `make test` must not take
# them for its parent's.
MAKE_VARIABLES = ("MAKEFLAGS", "MAKELEVEL")


def start_as_a_user(argv, port, cwd, env, log_path, ready=READY):
    """``argv`` started in ``cwd`` with ``env`` less make's own variables,
    given 60 s to print its ``ready`` line."""
    env = {key: value for key, value in env.items() if key not in MAKE_VARIABLES}
    return ServerProcess(
        argv, port, cwd=cwd, env=env, log_path=str(log_path), timeout=60, ready=ready
    )


@pytest.fixture
def launch(tmp_path):
    started = []

    def run(argv, cwd=PROJECT, ready=READY):
        port = free_port()
        ini = tmp_path / "settings.ini"
        ini.write_text(
            settings_text(
                server={"host": "127.0.0.1", "port": port, "workers": 1, "threads": 2},
                static={"root": HTDOCS},
            )
        )
        env = dict(os.environ, WSGI_ECHO_SETTINGS=str(ini))
        server = start_as_a_user(argv, port, cwd, env, tmp_path / "server.log", ready)
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
    # waitress-serve is waitress's own runner: it announces nothing of ours.
    server = launch(
        [os.path.join(BIN, "waitress-serve"), "--listen=127.0.0.1:{port}", "wsgi_echo:app"],
        cwd=str(tmp_path),
        ready="Serving on",
    )
    assert serves_both_halves(server) == "waitress"


def test_console_script(launch):
    server = launch([os.path.join(BIN, "wsgi-echo"), "--server", "waitress"])
    assert serves_both_halves(server) == "waitress"


def test_gunicorn_on_a_unix_socket(tmp_path):
    """gunicorn.conf.py with a unix-socket bind: it starts, says where it
    serves, and answers over the socket."""
    import socket

    path = str(tmp_path / "echo.sock")
    ini = tmp_path / "settings.ini"
    ini.write_text(settings_text(server={"workers": 1}, routes={"/": "echo"}))
    # No TCP port: the start is over once the ready line names the socket.
    with ServerProcess(
        [
            os.path.join(BIN, "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            "unix:" + path,
            "wsgi_echo:app",
        ],
        None,
        cwd=PROJECT,
        env=dict(os.environ, WSGI_ECHO_SETTINGS=str(ini)),
        log_path=str(tmp_path / "gunicorn.log"),
        timeout=20,
        ready="%shttp+unix://%s" % (READY, path),
    ):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(10)
            sock.connect(path)
            sock.sendall(b"GET /over-unix HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200") and b'"path": "/over-unix"' in reply


# -- from any folder --------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_takes_a_port(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "WSGI_ECHO_SETTINGS"}
    server = start_as_a_user(
        # Loopback only: ARGS passes any other flag through.
        ["make", "--no-print-directory", "run", "PORT=%d" % port, "ARGS=--host 127.0.0.1"],
        port,
        PROJECT,
        env,
        tmp_path / "make.log",
    )
    try:
        assert "serving on http://127.0.0.1:%d " % port in server.log()
        assert serves_both_halves(server) == "gunicorn"
    finally:
        server.stop()


def test_the_gunicorn_conf_module_from_an_empty_folder(launch, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    server = launch(
        [
            os.path.join(BIN, "gunicorn"),
            "-c",
            "python:wsgi_echo.servers.gunicorn.conf",
            "wsgi_echo:app",
        ],
        cwd=str(empty),
    )
    assert serves_both_halves(server) == "gunicorn"
    assert "(1 worker, gevent, 1000 connections each)" in server.log()  # the default worker


def test_plain_gunicorn_elsewhere_warns_once_and_still_answers(launch, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    server = launch(
        [os.path.join(BIN, "gunicorn"), "-b", "127.0.0.1:{port}", "wsgi_echo:app"],
        cwd=str(empty),
        ready="Booting worker",
    )
    assert serves_both_halves(server) == "gunicorn"
    warnings = [line for line in server.log().splitlines() if line.startswith("wsgi-echo:")]
    assert warnings == [
        "wsgi-echo: warning: gunicorn is running without wsgi-echo's settings "
        "(worker, threads, deadlines, limits, logs); for those, start it with: "
        "gunicorn -c python:wsgi_echo.servers.gunicorn.conf wsgi_echo:app"
    ]


@pytest.mark.parametrize("command", ["gunicorn-conf", "waitress-serve"])
def test_a_busy_port_is_one_line_under_each_server_command(tmp_path, command):
    import socket
    import subprocess

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        ini = tmp_path / "busy.ini"
        ini.write_text(settings_text(server={"host": "127.0.0.1", "port": port}))
        argv = {
            "gunicorn-conf": [
                os.path.join(BIN, "gunicorn"),
                "-c",
                "python:wsgi_echo.servers.gunicorn.conf",
                "wsgi_echo:app",
            ],
            "waitress-serve": [
                os.path.join(BIN, "waitress-serve"),
                "--listen=127.0.0.1:%d" % port,
                "wsgi_echo:app",
            ],
        }[command]
        env = dict(os.environ, WSGI_ECHO_SETTINGS=str(ini))
        result = subprocess.run(
            argv, cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "the port is already in use; choose another with" in result.stderr
