"""The document root the ``test_static_*`` in-process modules serve: ``site``,
a root with every kind of entry the static app's rules talk about (and an
``outside`` folder beside it holding ``SECRET``, which must never be
served), ``app``, the static app over it under WebTest, and ``raw_path``, a
request with PATH_INFO exactly as a server would decode it.

The fixtures reach those modules through ``pytest_plugins`` in conftest.py.
"""

import gzip
import os

import pytest
from webob import Request

from conftest import app_for
from wsgi_echo.apps.static import files

SECRET = b"TOP SECRET - must never be served\n"


@pytest.fixture
def site(tmp_path):
    """A document root with every kind of entry the rules talk about, and an
    ``outside`` folder next to it holding things that must never be served."""
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "noindex").mkdir()
    (root / ".git").mkdir()
    (root / ".hidden-dir").mkdir()
    outside.mkdir()
    (root / "index.html").write_text("<h1>home</h1>")
    (root / "a.txt").write_text("plain text\n")
    (root / "UPPER.HTML").write_text("<p>upper</p>")
    (root / "style.css").write_text("body{}")
    (root / "data.json").write_text('{"a": 1}')
    (root / "image.png").write_bytes(bytes(range(256)) * 64)
    (root / "secret.py").write_text("print('no')")
    (root / "noext").write_text("no extension")
    (root / ".env").write_text("PASSWORD=x")
    (root / ".git" / "config.txt").write_text("[core]")
    (root / ".hidden-dir" / "page.html").write_text("hidden")
    (root / "sub" / "index.html").write_text("<h1>sub</h1>")
    (root / "sub" / "page.html").write_text("<h1>page</h1>")
    (root / "sub" / "deeper" / "index.html").write_text("deeper")
    (root / "notes.txt").write_text("x" * 1000)
    (root / "notes.txt.gz").write_bytes(gzip.compress(b"x" * 1000))
    (root / "notes.txt.br").write_bytes(b"pretend-brotli")
    (root / "plain.txt").write_text("only identity")
    (root / "big.txt").write_bytes(b"0123456789abcdef" * (files.SMALL_FILE // 16 + 1))
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "index.html").write_bytes(SECRET)
    (outside / "page.html").write_bytes(SECRET)
    os.symlink(outside / "secret.txt", root / "link-out.txt")
    os.symlink(outside, root / "linkdir")
    os.symlink(root / ".env", root / "link-to-dotfile.txt")
    os.symlink(root / "a.txt", root / "link-in.txt")
    return root


def static_app(root, extra="", tmp_path=None):
    return app_for(
        """
        [static]
        root = %s
        cache_max_age = 120
        %s
    """
        % (root, extra),
        os.path.dirname(str(root)),
        name="static.ini",
    )


@pytest.fixture
def app(site):
    return static_app(site)


def raw_path(app, path_info, method="GET", **environ):
    """A request with PATH_INFO exactly as a server would decode it."""
    request = Request.blank("/", method=method)
    request.environ["PATH_INFO"] = path_info
    request.environ.update(environ)
    return request.get_response(app.app)
