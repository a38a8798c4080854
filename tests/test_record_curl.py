"""``/_requests/<id>/curl`` run for real: the command goes through POSIX
``sh`` (dash here) with ``curl`` replaced by a stub that writes down its
arguments and its standard input, so each test sees exactly what curl
would have been asked to send, and that nothing else ran.

A recorded request is the sender's to shape (its method, headers and body),
and whoever pastes the command runs it: nothing in it may reach the shell
as anything but curl's arguments."""

import os
import shutil
import subprocess

import pytest
from record_support import LOCAL, app_with, listed

URL = "http://127.0.0.1:8080/echo/x"
STUB = """#!/bin/sh
for word in "$@"; do printf '%s\\0' "$word"; done >> "$STUB_DIR/argv"
printf 'call\\n' >> "$STUB_DIR/calls"
cat > "$STUB_DIR/stdin"
"""
SH = shutil.which("sh")

pytestmark = pytest.mark.skipif(SH is None, reason="needs a POSIX sh")


@pytest.fixture
def app(tmp_path):
    return app_with(tmp_path, routes={"/echo": "echo", "/_requests": "requests"})


def curl_of_last(app):
    record_id = listed(app)["requests"][0]["id"]
    return app.get("/_requests/%d/curl" % record_id).text


def replay(command, tmp_path):
    """Run ``command`` in ``sh`` with the stub first on PATH: (curl's
    arguments, its standard input, what sh wrote to stderr)."""
    stub_dir = tmp_path / "stub"
    stub_dir.mkdir()
    (stub_dir / "curl").write_text(STUB)
    (stub_dir / "curl").chmod(0o755)
    env = dict(os.environ, PATH="%s:%s" % (stub_dir, os.environ["PATH"]), STUB_DIR=str(stub_dir))
    done = subprocess.run(
        [SH, "-c", command],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert (stub_dir / "calls").read_text() == "call\n"  # curl ran once, and alone
    argv = (stub_dir / "argv").read_bytes().split(b"\0")[:-1]
    return [word.decode("utf-8") for word in argv], (stub_dir / "stdin").read_bytes(), done.stderr


def test_a_hostile_method_and_header_are_curl_arguments_and_run_nothing(app, tmp_path):
    planted = tmp_path / "planted"
    header = ";id>%s;#" % planted
    headers = {"X-A": header, "X-B": "$(id)`id`"}
    app.request("/echo/x", method="XX'", headers=headers, environ=dict(LOCAL))
    argv, _, stderr = replay(curl_of_last(app), tmp_path)
    assert argv == ["-X", "XX'", URL, "-H", "X-A: " + header, "-H", "X-B: $(id)`id`"]
    assert stderr == b""
    assert not planted.exists()


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "XX'"])
def test_a_body_on_a_method_other_than_post_keeps_its_method(app, tmp_path, method):
    headers = {"Content-Type": "text/plain"}
    app.request("/echo/x", method=method, body=b"a=1", headers=headers, environ=dict(LOCAL))
    argv, _, _ = replay(curl_of_last(app), tmp_path)
    assert argv[:3] == ["-X", method, URL]
    assert argv[-2:] == ["--data-binary", "a=1"]


def test_a_post_with_a_body_needs_no_method(app, tmp_path):
    app.post("/echo/x", b"a=1", headers={"Content-Type": "text/plain"})
    argv, _, _ = replay(curl_of_last(app), tmp_path)
    assert argv == [URL, "-H", "Content-Type: text/plain", "--data-binary", "a=1"]


def test_every_byte_of_a_binary_body_reaches_curl_through_posix_sh(app, tmp_path):
    body = bytes(range(256)) * 2 + b"%s%%\\x41\\0101'\"\n"
    app.put("/echo/x", body, headers={"Content-Type": "application/octet-stream"})
    argv, stdin, stderr = replay(curl_of_last(app), tmp_path)
    assert stdin == body
    assert argv[-2:] == ["--data-binary", "@-"] and argv[:2] == ["-X", "PUT"]
    assert stderr == b""


def test_a_text_body_that_curl_would_read_as_a_file_name_is_sent_as_it_is(app, tmp_path):
    # --data-binary @name reads the paster's file "name" and sends that instead.
    secret = tmp_path / "secret"
    secret.write_text("not to be sent")
    body = "@%s" % secret
    app.post("/echo/x", body.encode(), headers={"Content-Type": "text/plain"})
    argv, stdin, _ = replay(curl_of_last(app), tmp_path)
    assert argv[-2:] == ["--data-binary", "@-"] and stdin == body.encode()


def test_a_text_body_with_quotes_and_newlines_is_sent_as_it_is(app, tmp_path):
    body = 'it\'s\n$(id) `id` "q" \\n'
    app.post("/echo/x", body.encode(), headers={"Content-Type": "text/plain"})
    argv, _, _ = replay(curl_of_last(app), tmp_path)
    assert argv[-1] == body


def test_a_cut_body_is_said_so_in_a_comment_and_the_command_still_runs(tmp_path):
    app = app_with(
        tmp_path, record={"max_body_bytes": 4}, routes={"/echo": "echo", "/_requests": "requests"}
    )
    app.post("/echo/x", b"abcdefgh", headers={"Content-Type": "text/plain"})
    command = curl_of_last(app)
    assert command.startswith("# the body was cut at 4 of 8 bytes\n")
    argv, _, _ = replay(command, tmp_path)
    assert argv[-1] == "abcd"


def test_a_url_with_brackets_and_braces_is_not_a_curl_pattern(app, tmp_path):
    app.get("/echo/x?a[1-2]={b,c}")
    argv, _, _ = replay(curl_of_last(app), tmp_path)
    assert argv == ["--globoff", URL + "?a[1-2]={b,c}"]
