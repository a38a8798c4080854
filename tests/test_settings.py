"""settings.ini: lookup order, typed values, relative paths, and one clear line
for every kind of bad file (unit tests, plus the command line as a user runs it)."""

import os
import subprocess
import sys

import pytest

from conftest import PROJECT, free_port, run_cli
from wsgi_echo import settings as settings_module
from wsgi_echo.settings import BUILTIN, SettingsError, load


def test_values_are_typed(ini, tmp_path):
    (tmp_path / "site").mkdir()
    settings = load(
        ini("""
        [server]
        port = 9000
        threads = 3
        keepalive = 0
        [static]
        root = site
        allowed_extensions = .HTML .css
        [proxy]
        trusted = 127.0.0.1 10.0.0.0/8
    """)
    )
    assert settings.server.port == 9000 and settings.server.threads == 3
    assert settings.server.keepalive == 0
    assert settings.static.allowed_extensions == frozenset({".html", ".css"})
    assert [str(n) for n in settings.proxy.trusted] == ["127.0.0.1/32", "10.0.0.0/8"]
    assert settings.server.workers == 2  # missing keys take the defaults


def test_relative_paths_resolve_against_the_files_folder(tmp_path, monkeypatch):
    folder = tmp_path / "conf"
    (folder / "www").mkdir(parents=True)
    path = folder / "settings.ini"
    path.write_text("[static]\nroot = www\n[log]\naccess_log = access.log\n")
    monkeypatch.chdir(tmp_path)  # not the file's folder
    settings = load(str(path))
    assert settings.static.root == str(folder / "www")
    assert settings.log.access_log == str(folder / "access.log")


def test_lookup_order_env_then_cwd_then_builtin(tmp_path, monkeypatch):
    monkeypatch.delenv(settings_module.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "htdocs").mkdir()
    assert load().source == BUILTIN
    (tmp_path / "settings.ini").write_text("[server]\nport = 8001\n")
    assert load().server.port == 8001
    other = tmp_path / "other.ini"
    other.write_text("[server]\nport = 8002\n")
    monkeypatch.setenv(settings_module.ENV_VAR, str(other))
    assert load().server.port == 8002
    assert load().source == str(other)


def test_routes_section_replaces_the_default_table(ini):
    settings = load(
        ini("""
        [routes]
        /api/ = echo
        / = echo
    """)
    )
    assert settings.routes == (("/api", "echo"), ("/", "echo"))


@pytest.mark.parametrize(
    "text, section, key, value",
    [
        ("[bogus]\nx = 1\n", "bogus", None, None),
        ("[server]\nprot = 80\n", "server", "prot", "80"),
        ("[server]\nport = eighty\n", "server", "port", "eighty"),
        ("[server]\nport = 70000\n", "server", "port", "70000"),
        ("[server]\nport = 0\n", "server", "port", "0"),
        ("[server]\nthreads = -1\n", "server", "threads", "-1"),
        ("[server]\nserver = apache\n", "server", "server", "apache"),
        ("[server]\nkeepalive = 1.5\n", "server", "keepalive", "1.5"),
        ("[static]\nroot = /no/such/folder\n", "static", "root", "/no/such/folder"),
        ("[static]\nallowed_extensions = html\n", "static", "allowed_extensions", "html"),
        ("[routes]\n/x = proxy\n", "routes", "/x", "proxy"),
        ("[routes]\nx = echo\n", "routes", "x", "echo"),
        ("[proxy]\ntrusted = localhost\n", "proxy", "trusted", "localhost"),
        ("[tls]\ncertfile = cert.pem\n[routes]\n/ = echo\n", "tls", "keyfile", ""),
        ("[echo]\nmax_delay_ms = soon\n", "echo", "max_delay_ms", "soon"),
    ],
)
def test_bad_values_name_file_section_key_and_value(ini, text, section, key, value):
    path = ini(text)
    with pytest.raises(SettingsError) as caught:
        load(path)
    error = caught.value
    assert (error.source, error.section, error.key) == (path, section, key)
    message = str(error)
    assert message.startswith(path + ": [%s]" % section)
    if key is not None:
        assert "%s = %s" % (key, value or '""') in message
    assert "\n" not in message


def test_a_file_that_is_not_ini_is_refused_in_one_line(ini):
    path = ini("port = 8080\n")
    with pytest.raises(SettingsError) as caught:
        load(path)
    assert str(caught.value).startswith(path + ": file: not an ini file")


def test_missing_settings_file_named_by_env_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(settings_module.ENV_VAR, str(tmp_path / "nope.ini"))
    with pytest.raises(SettingsError, match=r"nope\.ini: file: cannot read"):
        load()


def test_a_root_that_no_route_uses_is_not_checked(ini):
    settings = load(ini("[static]\nroot = /no/such/folder\n[routes]\n/ = echo\n"))
    assert settings.routes == (("/", "echo"),)


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_cli_bad_settings_file_gives_one_line_and_nonzero_exit(ini, server):
    path = ini("[server]\nport = 99999\n")
    result = run_cli("--config", path, "--server", server)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "wsgi-echo: %s: [server] port = 99999: must be a whole number from 1 to 65535" % path
    )
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_bad_flag_value_is_refused_like_a_bad_file(ini):
    result = run_cli("--config", ini("[routes]\n/ = echo\n"), "--port", "http")
    assert result.returncode != 0
    assert "command line: [server] port = http: must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_cli_port_in_use_fails_fast_with_one_line(ini, server):
    import socket
    import time

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", free_port()))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        started = time.monotonic()
        config = ini("[routes]\n/ = echo\n")
        result = run_cli(
            "--config", config, "--server", server, "--host", "127.0.0.1", "--port", str(port)
        )
        elapsed = time.monotonic() - started
    finally:
        blocker.close()
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "wsgi-echo: cannot listen on 127.0.0.1:%d: the port is already in use; choose "
        "another with --port PORT or [server] port in %s" % (port, config)
    )
    assert elapsed < 10  # "within a couple of seconds", with room for a slow interpreter start


def test_cli_refuses_tls_with_waitress(ini, certificate):
    cert, key = certificate
    path = ini("[tls]\ncertfile = %s\nkeyfile = %s\n[routes]\n/ = echo\n" % (cert, key))
    result = run_cli("--config", path, "--server", "waitress")
    assert result.returncode != 0
    assert "[tls] certfile = %s: waitress cannot serve HTTPS" % cert in result.stderr


def test_a_certificate_that_does_not_load_is_refused(ini, tmp_path, certificate):
    cert, key = certificate
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(SettingsError, match=r"\[tls\] certfile = .*junk.pem: not a PEM"):
        load(ini("[tls]\ncertfile = junk.pem\nkeyfile = %s\n[routes]\n/ = echo\n" % key))
    other_key = tmp_path / "other-key.pem"
    subprocess.run(
        ["openssl", "genrsa", "-out", str(other_key), "2048"], check=True, capture_output=True
    )
    with pytest.raises(SettingsError, match="not a PEM certificate matching keyfile"):
        load(ini("[tls]\ncertfile = %s\nkeyfile = %s\n[routes]\n/ = echo\n" % (cert, other_key)))


@pytest.mark.parametrize(
    "value, reason",
    [(".", "is a directory"), ("no/such/folder/a.log", "its folder does not exist")],
)
def test_unusable_log_paths_are_refused(ini, value, reason):
    with pytest.raises(SettingsError, match=r"\[log\] access_log = .*: %s" % reason):
        load(ini("[log]\naccess_log = %s\n[routes]\n/ = echo\n" % value))


def test_a_continued_value_is_shown_on_one_line(ini):
    with pytest.raises(SettingsError) as caught:
        load(ini("[server]\nport = 80\n  81\n"))
    assert "\n" not in str(caught.value)
    assert "port = 80\\n81" in str(caught.value)


def test_control_characters_in_host_are_refused(ini):
    with pytest.raises(SettingsError, match="host name"):
        load(ini("[server]\nhost = 127.0.0.1\x00\n[routes]\n/ = echo\n"))


@pytest.mark.parametrize("command", ["waitress-serve", "gunicorn"])
def test_plain_server_commands_report_a_bad_settings_file_in_one_line(ini, tmp_path, command):
    env = dict(os.environ, **{settings_module.ENV_VAR: ini("[server]\nthreads = lots\n")})
    executable = os.path.join(os.path.dirname(sys.executable), command)
    argv = (
        [executable, "--listen=127.0.0.1:%d" % free_port(), "wsgi_echo:app"]
        if command == "waitress-serve"
        else [executable, "-b", "127.0.0.1:%d" % free_port(), "wsgi_echo:app"]
    )
    result = subprocess.run(
        argv, capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=30
    )
    assert result.returncode != 0
    assert (
        "wsgi-echo: %s: [server] threads = lots: must be a whole number"
        % env[settings_module.ENV_VAR]
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_gunicorn_conf_reports_a_bad_settings_file_in_one_line(ini):
    env = dict(os.environ, **{settings_module.ENV_VAR: ini("[server]\nworkers = many\n")})
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    result = subprocess.run(
        [gunicorn, "-c", os.path.join(PROJECT, "gunicorn.conf.py"), "wsgi_echo:app"],
        capture_output=True,
        text=True,
        env=env,
        timeout=20,
    )
    assert result.returncode != 0
    assert "[server] workers = many: must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_instance_header_is_one_name(ini):
    with pytest.raises(
        SettingsError, match=r"\[server\] instance_header = X-One X-Two: must be one"
    ):
        load(ini("[server]\ninstance_header = X-One X-Two\n[routes]\n/ = echo\n"))


# -- the document root, and flags applied before checks ------------------------------------


def test_with_no_settings_and_no_htdocs_the_root_is_the_demo_site(tmp_path, monkeypatch):
    from wsgi_echo.apps.static.demo_site import demo_site

    monkeypatch.delenv(settings_module.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert load().static.root == demo_site()
    assert os.path.isfile(os.path.join(demo_site(), "index.html"))
    (tmp_path / "htdocs").mkdir()
    assert load().static.root == str(tmp_path / "htdocs")  # ./htdocs, where there is one


def test_an_empty_root_in_a_file_means_htdocs_beside_it(tmp_path, monkeypatch):
    folder = tmp_path / "conf"
    (folder / "htdocs").mkdir(parents=True)
    (folder / "settings.ini").write_text("[static]\nroot =\n")
    monkeypatch.chdir(tmp_path)
    assert load(str(folder / "settings.ini")).static.root == str(folder / "htdocs")


def test_a_flag_applies_before_the_file_is_checked(ini, tmp_path):
    path = ini("[static]\nroot = /no/such/folder\n")
    with pytest.raises(SettingsError, match=r"\[static\] root = /no/such/folder"):
        load(path)
    settings = load(path, {("static", "root"): str(tmp_path)})
    assert settings.static.root == str(tmp_path)


def test_a_named_root_that_does_not_exist_is_one_line_naming_the_command_line(ini, tmp_path):
    with pytest.raises(SettingsError) as refused:
        load(ini(""), {("static", "root"): str(tmp_path / "missing")})
    assert str(refused.value) == "command line: [static] root = %s: is not a directory" % (
        tmp_path / "missing"
    )


def test_help_shows_what_the_settings_file_sets(tmp_path):
    (tmp_path / "settings.ini").write_text("[server]\nport = 8090\n")
    wide = {"COLUMNS": "1000"}  # argparse wraps help at hyphens too, which paths hold
    shown = run_cli("--help", cwd=str(tmp_path), env=wide).stdout
    assert "(overrides [server] port; now 8090, from %s)" % (tmp_path / "settings.ini") in shown
    elsewhere = run_cli("--help", cwd=PROJECT + "/tests", env=wide).stdout
    assert "(overrides [server] port; default 8080)" in elsewhere
