"""The servers the harness compares: the real httpbin under gunicorn, from
its own venv (``HTTPBIN_VENV``, by default the project's ``.venv-httpbin``,
which ``make differential`` fills), and our httpbin mount with the settings
the pytest fixtures use (``PURE_HTTPBIN``) under each of our servers.

httpbin answers every probe once; both of our servers are compared with
those answers.
"""

import os
import tempfile

import pytest

from wsgi_echo.servers import NAMES
from wsgi_echo.testing.process import ServerProcess, free_port, server_environment
from wsgi_echo.testing.server import PURE_HTTPBIN, Server

from . import corpus, wire

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HTTPBIN_VENV = os.path.abspath(
    os.environ.get("HTTPBIN_VENV") or os.path.join(PROJECT, ".venv-httpbin")
)


def httpbin_argv():
    """httpbin under gunicorn as its README runs it, with the worker our
    runner uses (gthread), on ``{port}``."""
    gunicorn = os.path.join(HTTPBIN_VENV, "bin", "gunicorn")
    if not os.path.exists(gunicorn):
        pytest.exit("no httpbin venv at %s: run `make differential`" % HTTPBIN_VENV, 2)
    return [
        gunicorn,
        "--worker-class",
        "gthread",
        "--workers",
        "1",
        "--threads",
        "8",
        "--bind",
        "127.0.0.1:{port}",
        "--log-level",
        "warning",
        "httpbin:app",
    ]


@pytest.fixture(scope="session")
def probes():
    return corpus.build()


@pytest.fixture(scope="session")
def httpbin_answers(probes):
    """httpbin's answers to every probe, by probe name."""
    folder = tempfile.mkdtemp(prefix="httpbin-")
    port = free_port()
    process = ServerProcess(
        httpbin_argv(),
        port,
        cwd=folder,
        env=server_environment(),
        log_path=os.path.join(folder, "httpbin.log"),
        name="httpbin",
        probe="/get",
    )
    try:
        return {probe.name: wire.exchange(("127.0.0.1", port), probe) for probe in probes}
    finally:
        process.stop()


@pytest.fixture(scope="session", params=NAMES)
def ours(request):
    server = Server(PURE_HTTPBIN, server=request.param)
    yield server
    server.stop()


SUMMARIES = []  # each server's verdict line, printed at the end of the run


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARIES:
        terminalreporter.write_line(line)
