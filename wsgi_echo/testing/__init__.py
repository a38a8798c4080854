"""Real wsgi-echo servers for test suites.

``Server`` (from ``server``) is a live server in a process of its own, with
pytest-httpbin's server API; ``certs.where()`` is the CA bundle that verifies
its HTTPS; ``plugin`` is the pytest plugin (hooks and our fixtures),
``httpbin_fixtures`` pytest-httpbin's fixtures, and ``sessions`` what both
share (imports go plugin -> httpbin_fixtures -> sessions, never back);
``process`` starts and stops server processes by PID, ``waiting`` waits for
events, and ``ini`` writes settings text: the test suite, ``make bench`` and
the plugin all start servers through them.  What a ``Server`` tells a test
of the requests it received is ``request_log``'s: it reads the record
through ``record_api``, gives each request as a ``recorded.RecordedRequest``,
and matches them against an ``expectations.Expectation``.

``use_class_based_httpbin`` and ``use_class_based_httpbin_secure`` are
pytest-httpbin's class decorators, for suites moving over.  Nothing here
imports pytest until one of them is asked for.
"""

__all__ = ["Server", "certs", "use_class_based_httpbin", "use_class_based_httpbin_secure"]

_MARKS = {
    "use_class_based_httpbin": "class_based_httpbin",
    "use_class_based_httpbin_secure": "class_based_httpbin_secure",
}


def __getattr__(name):
    import importlib

    if name == "Server":
        return importlib.import_module(__name__ + ".server").Server
    if name == "certs":
        return importlib.import_module(__name__ + ".certs")
    if name in _MARKS:
        import pytest

        return pytest.mark.usefixtures(_MARKS[name])
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
