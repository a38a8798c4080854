"""The pytest plugin: live wsgi-echo servers as fixtures.

Installed with ``pip install wsgi-echo[pytest]`` and found by pytest through
the ``pytest11`` entry point.  Every server is a real gunicorn or waitress
process on a free loopback port, started on first use, shared for the
session, stopped by PID at the end; a failing test's report carries the log
of every server it used, and a test that finds its server dead is told so.
Every server records the requests it receives, and a test sees those that
came since it began (``server.requests``, ``assert_request_made``,
``wait_for_request``: ``request_log``), however many tests share the server.

Fixtures:

* pytest-httpbin's, same names, scopes and behaviour, serving the httpbin
  app at ``/`` (``httpbin_fixtures``): ``httpbin``, ``httpbin_secure``,
  ``httpbin_both``, ``httpbin_ca_bundle``, ``class_based_httpbin``,
  ``class_based_httpbin_secure``.  Not registered when pytest-httpbin is
  installed too: its fixtures then keep their names, and ours are reached by
  running pytest with ``-p no:httpbin``.
* ours: ``wsgi_echo`` and ``wsgi_echo_secure`` (the echo at ``/echo``, the
  httpbin API at ``/httpbin``, the static site at ``/`` from
  ``wsgi_echo_static_root``), and ``wsgi_echo_factory`` for a test that
  needs a server with its own settings.

The server is gunicorn (waitress on Windows), or as chosen by
``--wsgi-echo-server`` or the ini option ``wsgi_echo_server``.
"""

import os

import pytest

from ..servers import NAMES, platform_default
from . import httpbin_fixtures
from .ini import settings_text
from .sessions import open_registry, registry, start, start_for_test

TAIL_LINES = 60
PYTEST_HTTPBIN = "httpbin"  # the plugin name pytest-httpbin registers under


def pytest_addoption(parser):
    group = parser.getgroup("wsgi-echo", "live wsgi-echo servers")
    group.addoption(
        "--wsgi-echo-server",
        choices=NAMES,
        default=None,
        help="server for the wsgi-echo fixtures (default: the ini option "
        "wsgi_echo_server, else %s)" % platform_default(),
    )
    parser.addini(
        "wsgi_echo_server", "server for the wsgi-echo fixtures: %s" % " | ".join(NAMES), default=""
    )
    parser.addini(
        "wsgi_echo_static_root",
        "folder the wsgi_echo fixtures serve at /, "
        "relative to the rootdir (default: an empty folder)",
        default="",
    )


def other_httpbin_plugin_loaded(pluginmanager):
    """Whether pytest-httpbin's plugin is loaded (by its entry point, or by -p)."""
    if pluginmanager.has_plugin(PYTEST_HTTPBIN):
        return True
    return any(
        getattr(plugin, "__name__", "").startswith("pytest_httpbin")
        for plugin in pluginmanager.get_plugins()
    )


def pytest_configure(config):
    open_registry(config)
    if not other_httpbin_plugin_loaded(config.pluginmanager):
        config.pluginmanager.register(httpbin_fixtures, "wsgi_echo.httpbin_fixtures")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Each session server the test uses opens its window of the record now,
    # before the test's fixtures run (they may send it requests already);
    # a server its setup starts is new, and its window is its whole record.
    for server in registry(item.config).used_by(item):
        server.begin_test()
    result = yield
    for server in registry(item.config).used_by(item):
        if not server.alive():
            raise RuntimeError(
                "the wsgi-echo %s server at %s is no longer running (exit status %s); "
                "the end of its log:\n%s"
                % (server.kind, server.url, server.exit_status(), _tail(server.log()))
            )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for server in registry(item.config).used_by(item):
            report.sections.append(
                ("wsgi-echo %s server log (%s)" % (server.kind, server.url), _tail(server.log()))
            )
    if call.when == "teardown":
        registry(item.config).by_test.pop(item.nodeid, None)
    return report


def _tail(text):
    return "\n".join(text.splitlines()[-TAIL_LINES:])


# -- our own fixtures -------------------------------------------------------------------


@pytest.fixture(scope="session")
def wsgi_echo_static_root(pytestconfig, tmp_path_factory):
    """The folder ``wsgi_echo`` serves at ``/``: the ini option
    ``wsgi_echo_static_root``, else an empty folder.  Override this fixture
    in a conftest.py to serve a folder of your own."""
    configured = pytestconfig.getini("wsgi_echo_static_root")
    if configured:
        return os.path.join(str(pytestconfig.rootpath), configured)
    return str(tmp_path_factory.mktemp("wsgi-echo-static"))


def _site_settings(root):
    return settings_text(
        server={"workers": 1, "threads": 8},
        static={"root": root},
        log={"access_log": "-"},
        record={"enabled": True},
        routes={"/echo": "echo", "/httpbin": "httpbin", "/_requests": "requests", "/": "static"},
    )


@pytest.fixture(scope="session")
def wsgi_echo(pytestconfig, wsgi_echo_static_root):
    """A live server over HTTP: the echo at /echo, httpbin at /httpbin, the
    static root at /."""
    server = start(pytestconfig, "wsgi_echo", _site_settings(wsgi_echo_static_root))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wsgi_echo_secure(pytestconfig, wsgi_echo_static_root):
    """``wsgi_echo`` over HTTPS, with a certificate ``certs.where()`` verifies."""
    server = start(
        pytestconfig, "wsgi_echo_secure", _site_settings(wsgi_echo_static_root), secure=True
    )
    yield server
    server.stop()


@pytest.fixture
def wsgi_echo_factory(request):
    """``wsgi_echo_factory(settings="", secure=False, server=None)``: a server
    with settings of the test's own (settings text, or a file's path),
    stopped at the end of the test."""
    started = []

    def make(settings="", secure=False, server=None):
        instance = start_for_test(request, settings, secure, server)
        started.append(instance)
        return instance

    yield make
    for instance in started:
        instance.stop()
