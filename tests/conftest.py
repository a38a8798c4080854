"""The one test harness: settings written from keyword arguments, the app
in-process, and real server processes on free loopback ports.

Server tests start ``python -m wsgi_echo`` as ``wsgi_echo.testing.server.Server``
(the class ``make bench`` and the pytest plugin use too), which waits until
it is ready and stops it by PID at the end; ``start_server`` and
``module_starter`` hand them out and stop them.
"""

import itertools
import os
import re
import subprocess
import sys
import textwrap

import pytest
from webtest import TestApp

from wsgi_echo import make_app
from wsgi_echo import settings as settings_module
from wsgi_echo.servers import NAMES as SERVERS
from wsgi_echo.servers import able, selection
from wsgi_echo.servers.contract import TLS
from wsgi_echo.testing.ini import settings_text, write_settings
from wsgi_echo.testing.process import free_port
from wsgi_echo.testing.server import Server
from wsgi_echo.testing.waiting import wait_for

# The runners whose every request holds one of ``threads`` threads.
THREADED = tuple(name for name in SERVERS if selection(name)[1] == "gthread")

# The runners that serve TLS (and HTTP/2) themselves.
TLS_RUNNERS = tuple(able(TLS))

# pytester: the pytest plugin's own tests run small suites.  The others hold
# the fixtures a family of test modules shares: httpbin_app (hb, root_hb) the
# test_httpbin_* modules, nginx_stack (stacks, stack) the test_deploy_nginx_*
# ones, static_site (site, app) the in-process test_static_* ones, tls_pki
# (pki) the test_tls_http2_* ones.  A module's own fixture of the same name
# wins over them.
pytest_plugins = ["pytester", "httpbin_app", "nginx_stack", "static_site", "tls_pki"]
# Helper modules that assert, rewritten as test modules are (pytest_plugins
# modules already are): a failure there shows its values.
pytest.register_assert_rewrite("echo_reference")
# tests/installed is `make dist-check`: it builds and installs the wheel;
# tests/differential is `make differential`: it needs the real httpbin.
collect_ignore = ["installed", "differential"]

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HTDOCS = os.path.join(PROJECT, "htdocs")

__all__ = [
    "HTDOCS",
    "PROJECT",
    "SERVERS",
    "THREADED",
    "TLS_RUNNERS",
    "app_for",
    "echo_settings",
    "free_port",
    "required",
    "run_cli",
    "settings_text",
    "tool_or_skip",
]


def echo_settings(**server):
    """A small pure-echo server: one worker, four threads, ``server`` keys on top."""
    return settings_text(server=dict({"workers": 1, "threads": 4}, **server), routes={"/": "echo"})


def dedented(text):
    return textwrap.dedent(text).lstrip()


def app_for(text, folder, name="settings.ini"):
    """The app for settings ``text``, in-process under WebTest."""
    path = write_settings(os.path.join(str(folder), name), dedented(text))
    return TestApp(make_app(settings_module.load(path)))


@pytest.fixture
def ini(tmp_path):
    """``ini(text)`` writes a settings file in a temporary folder, returns its path."""
    counter = iter(range(1000))

    def make(text="", name=None):
        path = tmp_path / (name or "settings-%d.ini" % next(counter))
        return write_settings(path, dedented(text))

    return make


@pytest.fixture
def echo_app(tmp_path):
    """The app as a pure echo server (every path echoes), in-process."""
    return app_for(settings_text(routes={"/": "echo"}), tmp_path)


@pytest.fixture
def default_app(tmp_path):
    """The app with the embedded default routes, serving the project's htdocs."""
    return app_for(settings_text(static={"root": HTDOCS}), tmp_path)


class Starter:
    """Starts servers in one folder and stops all of them at the end."""

    def __init__(self, folder):
        self.folder = folder
        self.started = []

    def __call__(self, kind, config, **env):
        """``config``: settings text, or the path of a settings file; ``env``:
        variables added to the server's environment."""
        if "\n" in config or not os.path.exists(config):
            config = dedented(config)
        server = Server(config, server=kind, workdir=self.folder, env=env)
        self.started.append(server)
        return server

    def both(self, config, **env):
        """The same settings under every server: ``{kind: server}``."""
        return {kind: self(kind, config, **env) for kind in SERVERS}

    def stop_all(self):
        for server in self.started:
            server.stop()


@pytest.fixture
def start_server(tmp_path):
    """``start_server(kind, settings)`` -> a running Server, stopped after the test."""
    starter = Starter(tmp_path)
    yield starter
    starter.stop_all()


@pytest.fixture(scope="module")
def module_starter(tmp_path_factory):
    """Like start_server, for servers shared by a whole test module."""
    starter = Starter(tmp_path_factory.mktemp("servers"))
    yield starter
    starter.stop_all()


@pytest.fixture(params=SERVERS)
def kind(request):
    """Each test that takes ``kind`` runs once per server."""
    return request.param


@pytest.fixture(scope="module", params=TLS_RUNNERS)
def tls_kind(request):
    """Each test that takes ``tls_kind`` runs once per runner that serves TLS."""
    return request.param


@pytest.fixture
def server(servers, kind):
    """One server of the module's own ``servers`` fixture (``{kind: server}``),
    so each test that takes it runs once per server."""
    return servers[kind]


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate and key for 127.0.0.1, made now with openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


# The text access log's line (middleware.accesslog), one pattern for both servers:
# [date] client-ip "METHOD target PROTOCOL" status length duration
ACCESS_LINE = re.compile(
    r"^\[(?P<date>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "
    r'(?P<ip>[0-9a-fA-F.:]+) "(?P<method>[A-Z]+) (?P<target>\S+) (?P<protocol>HTTP/[0-9.]+)" '
    r"(?P<status>\d{3}) (?P<length>\d+|-) (?P<millis>\d+)ms$"
)


def access_lines(read, count=0, timeout=5.0, containing=""):
    """Access lines from ``read()`` that contain ``containing``, once there
    are ``count`` of them; with no ``count``, those there are now (for a
    check that nothing was logged, once the event that would log is over)."""

    def matching():
        return [
            line for line in read().splitlines() if ACCESS_LINE.match(line) and containing in line
        ]

    def enough():
        lines = matching()
        return lines if len(lines) >= count else None

    if not count:
        return matching()
    return wait_for(
        enough,
        timeout,
        what=lambda: (
            "%d access lines containing %r; there are: %r" % (count, containing, matching())
        ),
    )


def run_cli(*args, cwd=None, timeout=20, env=None):
    """``python -m wsgi_echo ...`` to completion, as a user runs it."""
    environment = dict(os.environ, **(env or {}))
    environment.pop(settings_module.ENV_VAR, None)
    return subprocess.run(
        [sys.executable, "-m", "wsgi_echo", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=timeout,
    )


def required(found, variable, reason):
    """``found`` (a tool, a browser, a module: what was found, or None): a
    missing one skips the test with ``reason``, or fails it where CI sets
    ``variable`` (REQUIRE_REDIS=1), so CI never passes by skipping."""
    if found is None:
        if os.environ.get(variable) == "1":
            pytest.fail("%s=1 but %s" % (variable, reason))
        pytest.skip(reason)
    return found


def tool_or_skip(path, package, variable):
    """``required`` for a tool Debian's package ``package`` installs."""
    return required(path, variable, "%s is not installed (apt-get install %s)" % (package, package))


@pytest.fixture(scope="session")
def curl_required():
    """curl, for tests that show what it sees: skipped without it, except with
    REQUIRE_CURL=1, as CI sets."""
    import shutil

    return tool_or_skip(shutil.which("curl"), "curl", "REQUIRE_CURL")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server for the record's Redis store, shared by the session
    (each test takes a database of its own through ``redis_url``).  Skipped
    when it is not installed, except with REQUIRE_REDIS=1, as CI sets."""
    from wsgi_echo.testing import redis_server as launcher

    tool_or_skip(launcher.find(), "redis-server", "REQUIRE_REDIS")
    server = launcher.RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


_redis_databases = itertools.cycle(range(1, 16))


@pytest.fixture
def redis_url(redis_server):
    """A Redis URL to an empty database of the session's redis-server."""
    import redis

    url = redis_server.url_for(next(_redis_databases))
    redis.Redis.from_url(url).flushdb()
    return url
