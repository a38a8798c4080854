"""How the plugin's assertion, isolation, record-reading and docs-example
modules run a user's suite: a small test file run by pytest in a process
of its own (pytester), the plugin found by its entry point, as a user's
suite finds it."""


def run_suite(pytester, source, *args, env=None):
    """``source`` as a test file, run by pytest in a process of its own (the
    plugin found by its entry point); ``env``: variables for that run."""
    pytester.makepyfile(test_suite=source)
    for name, value in (env or {}).items():
        pytester._monkeypatch.setenv(name, value)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=180)
