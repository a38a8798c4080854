"""The servers of a pytest session: which runner serves, how a fixture's
server starts, and the registry the failure reports read.

``plugin`` (hooks and our fixtures) and ``httpbin_fixtures`` (pytest-httpbin's
fixtures) both start servers through ``start``; they import it from here, so
imports go one way: ``plugin`` -> ``httpbin_fixtures`` -> ``sessions``, and
neither fixture module imports the other back.
"""

import os

import pytest

from ..servers import platform_default
from .server import Server

_REGISTRY = pytest.StashKey()


class Registry:
    """The servers of this session: by fixture name, and per test."""

    def __init__(self):
        self.by_fixture = {}
        self.by_test = {}

    def used_by(self, item):
        servers = [self.by_fixture[name] for name in item.fixturenames if name in self.by_fixture]
        return servers + self.by_test.get(item.nodeid, [])


def open_registry(config):
    """A new registry for the session of ``config``."""
    config.stash[_REGISTRY] = Registry()


def registry(config):
    return config.stash[_REGISTRY]


def chosen_server(config):
    return (
        config.getoption("wsgi_echo_server")
        or config.getini("wsgi_echo_server")
        or platform_default()
    )


def start(config, name, settings, secure=False):
    """A session server for fixture ``name``, recorded for failure reports."""
    port = _fixed_port(config, name)
    server = Server(settings, server=chosen_server(config), secure=secure, port=port)
    registry(config).by_fixture[name] = server
    return server


def start_for_test(request, settings="", secure=False, server=None):
    """A server for one test, recorded for its failure report; the caller stops it."""
    instance = Server(settings, server=server or chosen_server(request.config), secure=secure)
    registry(request.config).by_test.setdefault(request.node.nodeid, []).append(instance)
    return instance


def _fixed_port(config, name):
    """pytest-httpbin's HTTPBIN_HTTP_PORT / HTTPBIN_HTTPS_PORT, for its fixtures.

    Under pytest-xdist each worker runs a session of its own, with servers of
    its own, which is what keeps one worker's requests out of another's
    tests; one fixed port cannot serve several of them, so that is refused
    in words rather than as a port already in use."""
    variable = {"httpbin": "HTTPBIN_HTTP_PORT", "httpbin_secure": "HTTPBIN_HTTPS_PORT"}.get(name)
    if not (variable and os.environ.get(variable)):
        return 0
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers > 1:
        raise pytest.UsageError(
            "%s=%s names one port for %d pytest-xdist workers, and each worker runs a "
            "server of its own (so that no test sees another worker's requests): unset "
            "%s, or run without -n" % (variable, os.environ[variable], workers, variable)
        )
    return int(os.environ[variable])
