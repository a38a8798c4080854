"""The wheel works from any folder: every entry point serves the default setup
(the echo, the packaged demo site, httpbin and its samples) from an empty
folder, and every error (bad settings, a busy port) is one line with a
non-zero exit.  The last tests show these checks catch a wheel that lost a
part.
"""

import json
import socket
import ssl
import textwrap

import pytest
from wheel_checks import (
    CONF_MODULE,
    DEMO_SITE,
    GUNICORN_CONF,
    SAMPLES,
    first_line,
    get,
    serves_the_default_setup,
    site_packages_root,
)

from conftest import READY, Launcher, make_venv, without_parts
from wsgi_echo.testing.process import StartError, free_port

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


# -- the checks catch a wheel that lost a part ---------------------------------------------

# part -> (its files, the entry point that needs it, what the failure says).
# Each loss stops the server before it is ready (StartError, with its log):
# the demo site's folder and the gunicorn conf are looked for at start-up,
# and the httpbin samples are read when the app is imported.
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
    launch = Launcher(make_venv(tmp_path / "venv", wheel), tmp_path, tmp_path)
    port = free_port()
    settings = tmp_path / "lost.ini"
    settings.write_text("[server]\nhost = 127.0.0.1\nport = %d\nworkers = 1\n" % port)
    try:
        with pytest.raises(StartError) as failure:
            launch(argv, env={"WSGI_ECHO_SETTINGS": str(settings)}, port=port)
        assert reason in str(failure.value)
    finally:
        launch.stop_all()
