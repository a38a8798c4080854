"""pytest-httpbin's fixtures, same names, scopes and behaviour, served by
wsgi-echo's httpbin app at ``/`` of a live gunicorn or waitress process.

Registered by ``plugin`` unless pytest-httpbin is installed too.  One
difference in behaviour, a superset: ``httpbin_ca_bundle`` sets
``REQUESTS_CA_BUNDLE`` for the test as pytest-httpbin's does, and also
returns the bundle's path (pytest-httpbin's returns None), so
``verify=httpbin_ca_bundle`` works either way.
"""

import pytest

from . import certs
from .server import PURE_HTTPBIN as HTTPBIN_SETTINGS
from .sessions import start


@pytest.fixture(scope="session")
def httpbin(pytestconfig):
    """The httpbin API over HTTP."""
    server = start(pytestconfig, "httpbin", HTTPBIN_SETTINGS)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def httpbin_secure(pytestconfig):
    """The httpbin API over HTTPS, with a certificate ``certs.where()`` verifies."""
    server = start(pytestconfig, "httpbin_secure", HTTPBIN_SETTINGS, secure=True)
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["http", "https"])
def httpbin_both(request, httpbin, httpbin_secure):
    """Each test that takes it runs once over HTTP and once over HTTPS."""
    return httpbin if request.param == "http" else httpbin_secure


@pytest.fixture(scope="class")
def class_based_httpbin(request, httpbin):
    request.cls.httpbin = httpbin


@pytest.fixture(scope="class")
def class_based_httpbin_secure(request, httpbin_secure):
    request.cls.httpbin_secure = httpbin_secure


@pytest.fixture
def httpbin_ca_bundle(monkeypatch):
    """``REQUESTS_CA_BUNDLE`` set to the test CA for this test; returns its path."""
    bundle = certs.where()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    return bundle
