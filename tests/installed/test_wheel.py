"""The wheel works from any folder: every entry point serves the default setup
(the echo, the packaged demo site, httpbin and its samples), every error is
one line with a non-zero exit, and the pytest fixtures work in a project of
their own.  The last tests show the checks catch a wheel that lost a part."""

import json
import os
import socket
import ssl
import textwrap
import urllib.error
import urllib.request
import zipfile

import pytest

from conftest import READY, Launcher, make_venv, without_parts
from wsgi_echo.testing.process import free_port

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


# -- the wheel ----------------------------------------------------------------------------


def test_the_sdist_builds_the_same_wheel(dist):
    from_sdist, from_tree, _ = dist
    with zipfile.ZipFile(from_sdist) as one, zipfile.ZipFile(from_tree) as other:
        assert sorted(one.namelist()) == sorted(other.namelist())
        for name in one.namelist():
            assert one.read(name) == other.read(name), name


def test_the_wheel_carries_the_demo_site_the_gunicorn_conf_the_samples_and_the_plugin(dist):
    with zipfile.ZipFile(dist[0]) as wheel:
        names = wheel.namelist()
        entry_points = next(
            wheel.read(name).decode()
            for name in names
            if name.endswith(".dist-info/entry_points.txt")
        )
        metadata = next(
            wheel.read(name).decode() for name in names if name.endswith(".dist-info/METADATA")
        )
    assert DEMO_SITE + "index.html" in names and DEMO_SITE + "about/index.html" in names
    assert GUNICORN_CONF in names
    assert SAMPLES + "image.png" in names
    assert "wsgi_echo/testing/plugin.py" in names
    assert "wsgi-echo = wsgi_echo.servers.cli:main" in entry_points
    assert "wsgi_echo = wsgi_echo.testing.plugin" in entry_points
    for field in (
        "Requires-Python: >=3.9",
        "License: MIT",
        "Project-URL: Documentation",
        "Classifier: Framework :: Pytest",
        "Provides-Extra: pytest",
        "Description-Content-Type: text/markdown",
    ):
        assert field in metadata


def test_the_venv_imports_the_wheel_not_the_checkout(launch):
    code, out, _ = launch.finish(["python", "-c", "import wsgi_echo; print(wsgi_echo.__file__)"])
    assert code == 0 and str(launch.bin.parent) in out


# -- every entry point, from an empty folder ---------------------------------------------

ENTRY_POINTS = {
    "wsgi-echo": ["wsgi-echo", "--host", "127.0.0.1", "--port", "{port}"],
    "python -m wsgi_echo": [
        "python",
        "-m",
        "wsgi_echo",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--server",
        "waitress",
    ],
    "gunicorn -c python:...conf": ["gunicorn", "-c", CONF_MODULE, "wsgi_echo:app"],
}


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_each_entry_point_serves_the_demo_site_from_the_wheel(launch, name, tmp_path):
    port = free_port()
    settings = tmp_path / "elsewhere.ini"  # the lookup order: $WSGI_ECHO_SETTINGS
    settings.write_text("[server]\nhost = 127.0.0.1\nport = %d\nworkers = 1\n" % port)
    env = {"WSGI_ECHO_SETTINGS": str(settings)} if "gunicorn" in name else {}
    server = launch(ENTRY_POINTS[name], env=env, port=port)
    serves_the_default_setup(server)
    ready = next(line for line in server.log().splitlines() if line.startswith(READY))
    assert "static %s at /" % site_packages_root(launch) in ready
    print("%s -> %s" % (name, first_line(server)))


def test_plain_gunicorn_serves_and_warns_once_naming_the_command(launch):
    server = launch(["gunicorn", "-b", "127.0.0.1:{port}", "wsgi_echo:app"], ready="Booting worker")
    assert serves_the_default_setup(server) == "gunicorn"
    warnings = [line for line in server.log().splitlines() if "warning" in line]
    assert warnings == [
        "wsgi-echo: warning: gunicorn is running without wsgi-echo's settings "
        "(worker, threads, deadlines, limits, logs); for those, start it with: "
        "gunicorn -c %s wsgi_echo:app" % CONF_MODULE
    ]


def test_waitress_serve_serves(launch):
    server = launch(
        ["waitress-serve", "--listen=127.0.0.1:{port}", "wsgi_echo:app"], ready="Serving on"
    )
    assert serves_the_default_setup(server) == "waitress"


def test_make_app_from_the_settings_found(launch):
    code, out, err = launch.finish(
        [
            "python",
            "-c",
            textwrap.dedent("""
        from webob import Request
        from wsgi_echo import make_app, settings
        app = make_app(settings.load())
        print(Request.blank("/").get_response(app).status,
              Request.blank("/echo/x").get_response(app).json["path"])
    """),
        ]
    )
    # stdout also has the two access-log lines ([log] access_log = -).
    assert (code, out.splitlines()[-1], err) == (0, "200 OK /echo/x", "")


def test_root_flag_serves_that_folder_and_a_missing_one_is_one_line(launch, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<title>mine</title>")
    server = launch(["wsgi-echo", "--host", "127.0.0.1", "--port", "{port}", "--root", str(site)])
    status, _, body = get(server, "/")
    assert status == 200 and body == b"<title>mine</title>"
    code, out, err = launch.finish(["wsgi-echo", "--root", str(tmp_path / "missing")])
    assert code == 2 and out == ""
    assert err == "wsgi-echo: command line: [static] root = %s: is not a directory\n" % (
        tmp_path / "missing"
    )


def test_tls_settings_kept_beside_their_certificates(launch, tmp_path):
    import trustme

    folder = tmp_path / "tls"
    folder.mkdir()
    authority = trustme.CA()
    authority.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "server.pem")
    )
    port = free_port()
    (folder / "tls.ini").write_text(
        "[server]\nhost = 127.0.0.1\nport = %d\nworkers = 1\n[tls]\ncertfile = server.pem\n"
        "keyfile = server.pem\n" % port
    )
    server = launch(["wsgi-echo", "--config", str(folder / "tls.ini")], port=port)
    context = ssl.create_default_context()
    authority.configure_trust(context)
    status, _, body = get(server, "/echo/x", context=context)
    assert status == 200 and json.loads(body)["scheme"] == "https"


# -- errors: one line, non-zero ----------------------------------------------------------


def test_a_settings_error_is_one_line_under_wsgi_echo_and_the_gunicorn_conf(launch, tmp_path):
    bad = tmp_path / "bad.ini"
    bad.write_text("[server]\nport = 99999\n")
    expected = "wsgi-echo: %s: [server] port = 99999: must be a whole number from 1 to 65535\n"
    for argv in (["wsgi-echo"], ["gunicorn", "-c", CONF_MODULE, "wsgi_echo:app"]):
        code, out, err = launch.finish(argv, env={"WSGI_ECHO_SETTINGS": str(bad)})
        assert (code, out, err) == (2, "", expected % bad), argv


@pytest.fixture
def busy_port():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        yield blocker.getsockname()[1]


def test_a_busy_port_is_one_line_naming_what_changes_it(launch, busy_port, tmp_path):
    settings = tmp_path / "busy.ini"
    settings.write_text("[server]\nhost = 127.0.0.1\nport = %d\n" % busy_port)
    env = {"WSGI_ECHO_SETTINGS": str(settings)}
    cases = {
        "wsgi-echo": (
            ["wsgi-echo"],
            2,
            "wsgi-echo: cannot listen on 127.0.0.1:%d: the port is "
            "already in use; choose another with --port PORT or [server] port in %s"
            % (busy_port, settings),
        ),
        "gunicorn": (
            ["gunicorn", "-c", CONF_MODULE, "wsgi_echo:app"],
            2,
            "wsgi-echo: cannot listen on 127.0.0.1:%d: the port is already in use; "
            "choose another with [server] port in %s, or gunicorn's --bind" % (busy_port, settings),
        ),
        "waitress-serve": (
            ["waitress-serve", "--listen=127.0.0.1:%d" % busy_port, "wsgi_echo:app"],
            1,
            "wsgi-echo: waitress-serve cannot listen: the port is already in "
            "use; choose another with --port PORT or --listen HOST:PORT",
        ),
    }
    for name, (argv, status, line) in cases.items():
        code, out, err = launch.finish(argv, env=env)
        assert (code, out, err) == (status, "", line + "\n"), name


# -- the testing API and the pytest fixtures ----------------------------------------------


def test_server_with_no_arguments_is_a_pure_httpbin(launch):
    code, out, err = launch.finish(
        [
            "python",
            "-c",
            textwrap.dedent("""
        import json, urllib.request
        from wsgi_echo.testing import Server
        with Server() as server:
            print(json.load(urllib.request.urlopen(server + "/get?a=1"))["args"])
    """),
        ]
    )
    assert (code, out.strip()) == (0, "{'a': '1'}"), err


def test_the_fixtures_in_a_project_of_their_own(launch):
    (launch.folder / "test_client.py").write_text(
        textwrap.dedent("""
        import json, ssl, urllib.request

        def test_httpbin(httpbin):
            assert json.load(urllib.request.urlopen(httpbin.url + "/get?a=1"))["args"] == {"a": "1"}

        def test_httpbin_secure(httpbin_secure, httpbin_ca_bundle):
            context = ssl.create_default_context(cafile=httpbin_ca_bundle)
            answer = urllib.request.urlopen(httpbin_secure + "/get", context=context)
            assert json.load(answer)["url"].startswith("https://")

        def test_brotli_works_out_of_the_box(httpbin):
            answer = urllib.request.urlopen(httpbin + "/brotli")
            assert answer.headers["Content-Encoding"] == "br"

        def test_wsgi_echo(wsgi_echo):
            answer = json.load(urllib.request.urlopen(wsgi_echo + "/echo/hi"))
            assert answer["path"] == "/echo/hi"
    """)
    )
    code, out, err = launch.finish(
        ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=180
    )
    assert code == 0 and "4 passed" in out, out + err


# -- the checks catch a wheel that lost a part ---------------------------------------------

# part -> (its files, the entry point that needs it, what the failure says)
LOST_PARTS = {
    "demo site": (DEMO_SITE, ENTRY_POINTS["wsgi-echo"], "htdocs: is not a directory"),
    "gunicorn conf": (
        GUNICORN_CONF,
        ENTRY_POINTS["gunicorn -c python:...conf"],
        "wsgi_echo.servers.gunicorn.conf",
    ),
    "httpbin samples": (SAMPLES, ENTRY_POINTS["wsgi-echo"], "samples/page.html"),
}


@pytest.mark.parametrize("part", LOST_PARTS)
def test_a_wheel_without_it_fails_the_checks(dist, part, tmp_path):
    prefix, argv, reason = LOST_PARTS[part]
    wheel = without_parts(dist[0], (prefix,), tmp_path)
    launch = Launcher(make_venv(tmp_path / "venv", wheel, extras=""), tmp_path, tmp_path)
    port = free_port()
    settings = tmp_path / "lost.ini"
    settings.write_text("[server]\nhost = 127.0.0.1\nport = %d\nworkers = 1\n" % port)
    try:
        with pytest.raises((AssertionError, RuntimeError)) as failure:
            serves_the_default_setup(
                launch(argv, env={"WSGI_ECHO_SETTINGS": str(settings)}, port=port)
            )
        assert reason in str(failure.value)
    finally:
        launch.stop_all()
