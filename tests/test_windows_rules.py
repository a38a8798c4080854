"""The rules that keep a static site safe on Windows, proven on every OS:
the resolver refuses (404) every path segment Windows gives a meaning of its
own, and the listener asks for an exclusive port where Windows needs it."""

import socket

import pytest

from conftest import app_for
from wsgi_echo.apps.static.resolve import refused_segment
from wsgi_echo.servers.listen import address_reuse_option


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<p>home</p>")
    (root / "page.html").write_text("<p>page</p>")
    return app_for("[static]\nroot = %s\n" % root, tmp_path)


@pytest.mark.parametrize(
    "target",
    [
        # reserved device names, any case, with or without an extension
        "/CON",
        "/con.html",
        "/NUL.txt",
        "/nul",
        "/AUX.html",
        "/PRN.css",
        "/COM1.html",
        "/com9.js",
        "/LPT1",
        "/lpt3.txt",
        "/COM%C2%B9.html",
        "/CONIN$.html",
        "/conout$",
        "/CON%20.html",
        "/sub/NUL.html",
        # trailing dots and spaces: Windows drops them, skipping the extension rule
        "/page.html.",
        "/page.html%20",
        "/page.html...",
        "/page.html.%20.",
        # ":" : drive letters and alternate data streams
        "/C:/Windows/win.ini",
        "/c:page.html",
        "/page.html::$DATA",
        "/page.html:stream",
        # backslashes and UNC prefixes
        "/..%5Cpage.html",
        "/%5C%5Cserver%5Cshare%5Cpage.html",
        "/sub%5Cpage.html",
        # characters Windows forbids in names, and DOS wildcards
        "/page%3C.html",
        "/page%3E.html",
        "/pa%22ge.html",
        "/page%7C.html",
        "/page*.html",
        "/page%3F.html",
        "/page%01.html",
    ],
)
def test_windows_special_segments_are_404_on_every_os(site, target):
    response = site.get(target, status="*", expect_errors=True)
    assert response.status_int == 404, (target, response.status)


@pytest.mark.parametrize(
    "segment",
    [
        "page.html",
        "con-tact.html",
        "console.html",
        "nullable.txt",
        "com10.html",
        "lpt.txt",
        "a.b.c.html",
        "prn_map.css",
    ],
)
def test_ordinary_names_that_look_alike_are_allowed(segment):
    assert refused_segment(segment) == ""


@pytest.mark.parametrize(
    "segment, reason",
    [
        ("NUL.tar.gz", "device"),
        ("page.html ", "trailing"),
        ("a:b", "character"),
        ("a\\b", "character"),
    ],
)
def test_each_refusal_says_why(segment, reason):
    assert reason in refused_segment(segment)


def test_the_listener_asks_for_an_exclusive_port_on_windows_and_reuse_elsewhere():
    assert address_reuse_option("linux") == (socket.SO_REUSEADDR, 1)
    assert address_reuse_option("darwin") == (socket.SO_REUSEADDR, 1)
    option, value = address_reuse_option("win32")
    # SO_EXCLUSIVEADDRUSE is ~SO_REUSEADDR in winsock (-5); never plain reuse there.
    assert option == getattr(socket, "SO_EXCLUSIVEADDRUSE", -5) == -5 and value == 1
    assert option != socket.SO_REUSEADDR


def test_nothing_on_the_waitress_path_needs_a_posix_only_module():
    """The modules a Windows user's `python -m wsgi_echo --server waitress`
    imports, checked for POSIX-only imports (fcntl, pwd, grp, resource,
    termios) and calls (os.fork, os.killpg, signal.SIGUSR1 unguarded)."""
    import ast
    import os
    import pathlib

    import wsgi_echo

    package = os.path.dirname(wsgi_echo.__file__)
    posix_only = {"fcntl", "pwd", "grp", "resource", "termios", "posix"}
    # Not on the waitress path: the gunicorn runner and its deadline thread.
    skipped = (
        os.path.join("servers", "gunicorn") + os.sep,
        os.path.join("servers", "deadlines.py"),
    )
    for folder, _, names in os.walk(package):
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, package)
            if not name.endswith(".py") or relative.startswith((*skipped, "testing")):
                continue
            tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    assert not {a.name.split(".")[0] for a in node.names} & posix_only, relative
                elif isinstance(node, ast.ImportFrom) and node.module:
                    assert node.module.split(".")[0] not in posix_only, relative
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                    assert (node.value.id, node.attr) not in {
                        ("os", "fork"),
                        ("os", "killpg"),
                        ("os", "setsid"),
                    }, relative
