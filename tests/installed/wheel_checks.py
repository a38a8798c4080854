"""What the ``test_wheel_*`` modules check an installed wheel with: the files
the default setup needs from it, a GET that takes errors as answers, the
default setup served (the echo, the packaged demo site, httpbin and its
samples), a server's first log line, and the demo site's folder inside the
venv.
"""

import json
import os
import urllib.error
import urllib.request

# What the default setup needs from the wheel, by the file that proves it is there.
DEMO_SITE = "wsgi_echo/htdocs/"
GUNICORN_CONF = "wsgi_echo/servers/gunicorn/conf.py"
SAMPLES = "wsgi_echo/apps/httpbin/samples/"
CONF_MODULE = "python:wsgi_echo.servers.gunicorn.conf"


def get(server, path, context=None):
    """(status, headers, body) of a GET to the server; errors are answers too."""
    url = "%s://127.0.0.1:%d%s" % ("https" if context else "http", server.port, path)
    try:
        with urllib.request.urlopen(url, timeout=15, context=context) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def serves_the_default_setup(server):
    """The echo at /echo, the demo site at /, httpbin (and its samples) at /httpbin."""
    status, _, body = get(server, "/echo/x?a=1")
    assert status == 200 and json.loads(body)["path"] == "/echo/x"
    status, headers, body = get(server, "/")
    assert status == 200 and b"<title>wsgi-echo</title>" in body
    assert b"/httpbin/" in body, "the start page links to the httpbin mount"
    status, _, body = get(server, "/httpbin/get?a=1")
    assert status == 200 and json.loads(body)["args"] == {"a": "1"}
    status, headers, body = get(server, "/httpbin/image/png")
    assert status == 200 and body.startswith(b"\x89PNG")
    return headers["Server"]


def first_line(server):
    return server.log().splitlines()[0]


def site_packages_root(launch):
    """The demo site's folder inside the venv, as the ready line names it."""
    code, out, _ = launch.finish(
        ["python", "-c", "import wsgi_echo, os; print(os.path.dirname(wsgi_echo.__file__))"]
    )
    assert code == 0
    return os.path.join(out.strip(), "htdocs")
