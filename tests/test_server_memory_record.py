"""A memory record is one process's: it is refused where the runner forks
``[server] workers`` processes (each would keep its own), and serves under
a runner that runs one process whatever ``workers`` says (waitress), with
the default ``workers = 2``.  Real processes: the server, and the commands
that refuse to start.
"""

import os
import subprocess
import sys

import pytest

from conftest import run_cli, settings_text
from wsgi_echo.servers import NAMES, selection, supports
from wsgi_echo.servers.contract import WORKER_PROCESSES
from wsgi_echo.testing.clients import request

pytestmark = pytest.mark.server

# No [server] workers: the default, 2.
MEMORY_RECORD = settings_text(
    record={"enabled": True, "store": "memory"},
    routes={"/": "echo", "/_requests": "requests"},
)
REFUSAL = "[record] store = memory: a memory record is one process's: with [server] workers = 2"


@pytest.mark.parametrize("name", [name for name in NAMES if not supports(name, WORKER_PROCESSES)])
def test_a_memory_record_serves_under_a_runner_of_one_process(start_server, name):
    # The file names the server too: the test reads the record as the file says.
    server_key, worker = selection(name)
    chosen = "[server]\nserver = %s\nworker_class = %s\n" % (server_key, worker)
    server = start_server(name, MEMORY_RECORD + chosen)
    assert request(server, "GET", "/remember-me")[0] == 200
    assert server.wait_for_request("GET", "/remember-me")


@pytest.mark.parametrize("name", [name for name in NAMES if supports(name, WORKER_PROCESSES)])
def test_a_memory_record_is_refused_under_a_runner_that_forks_workers(ini, name):
    server, worker = selection(name)
    result = run_cli("--config", ini(MEMORY_RECORD), "--server", server, "--worker-class", worker)
    assert result.returncode == 2 and REFUSAL in result.stderr, result.stderr


def test_gunicorns_own_command_refuses_it_whatever_server_says(ini, tmp_path):
    """``gunicorn -c python:wsgi_echo.servers.gunicorn.conf`` forks its
    workers even when the file says ``server = waitress``."""
    path = ini(MEMORY_RECORD + "[server]\nserver = waitress\n")
    result = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-c",
            "python:wsgi_echo.servers.gunicorn.conf",
            "wsgi_echo:app",
        ],
        cwd=str(tmp_path),
        env=dict(os.environ, WSGI_ECHO_SETTINGS=path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and REFUSAL in result.stderr, result.stderr
