"""The WSGI apps the benchmark serves, importable by gunicorn and waitress-serve.

Paths come from the environment the benchmark sets for each server process.
"""

import os

from wsgi_echo.servers.waitress.logs import throttle_queue_warnings

# Every waitress target gets wsgi-echo's throttle on waitress's per-request
# "Task queue depth" warning, so none of them pays for the flood and the
# others do not.
throttle_queue_warnings()


def bare(environ, start_response):
    """The ceiling for the Python stack: read the body, answer b"ok"."""
    length = environ.get("CONTENT_LENGTH")
    if length:
        environ["wsgi.input"].read(int(length))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"not found"]


def _whitenoise():
    from whitenoise import WhiteNoise

    return WhiteNoise(_not_found, root=os.environ["BENCH_DOCROOT"], autorefresh=False)


def _httpbin():
    from httpbin import app as flask_app

    return flask_app


def __getattr__(name):
    # Built on first use, in the server process, so importing this module for
    # `bare` does not import Flask or whitenoise.
    builders = {"whitenoise_app": _whitenoise, "httpbin_app": _httpbin}
    if name in builders:
        value = builders[name]()
        globals()[name] = value
        return value
    raise AttributeError(name)
