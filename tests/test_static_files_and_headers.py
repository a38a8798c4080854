"""The static app in-process with WebTest: a file's headers, types and bytes,
the server's file wrapper for large files and memory for small ones (within
the memory budget), HEAD, and a file changed or deleted after it was first
served (or after its freshness check).
"""

import os

import pytest
from static_site import raw_path
from webtest import TestApp

from conftest import settings_text
from wsgi_echo import settings as settings_module
from wsgi_echo.apps.static import StaticApp, cache, files

# -- headers ----------------------------------------------------------------------------


def test_file_headers(app, site):
    response = app.get("/a.txt")
    headers = response.headers
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == str(len("plain text\n"))
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "public, max-age=120"
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    mtime = os.stat(site / "a.txt").st_mtime
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(headers["Last-Modified"]).timestamp() == int(mtime)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/style.css", "text/css; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/image.png", "image/png"),
        ("/", "text/html; charset=utf-8"),
    ],
)
def test_content_types(app, path, expected):
    assert app.get(path).headers["Content-Type"] == expected


def test_binary_file_is_byte_exact(app, site):
    assert app.get("/image.png").body == (site / "image.png").read_bytes()


class Wrapper:
    """A wsgi.file_wrapper that records that it was used."""

    def __init__(self, handle, size):
        self.handle, self.size = handle, size

    def __iter__(self):
        return iter(lambda: self.handle.read(self.size), b"")

    def close(self):
        self.handle.close()


def test_large_file_goes_through_the_servers_file_wrapper(app, site):
    response = raw_path(app, "/big.txt", **{"wsgi.file_wrapper": Wrapper})
    assert isinstance(response.app_iter, Wrapper)
    assert response.body == (site / "big.txt").read_bytes()
    assert int(response.headers["Content-Length"]) > files.SMALL_FILE


def test_small_file_is_answered_from_memory_byte_exact(app, site):
    response = raw_path(app, "/image.png", **{"wsgi.file_wrapper": Wrapper})
    assert not isinstance(response.app_iter, Wrapper)
    assert response.body == (site / "image.png").read_bytes()


def static_files_for(site, tmp_path):
    path = os.path.join(str(tmp_path), "budget.ini")
    with open(path, "w") as handle:
        handle.write(settings_text(static={"root": site}))
    return StaticApp(settings_module.load(path).static)


def test_memory_budget_is_respected(site, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MEMORY_BUDGET", 17000)
    static_files = static_files_for(site, tmp_path)
    app = TestApp(static_files)
    assert app.get("/image.png").body == (site / "image.png").read_bytes()  # 16 KiB: fits
    assert static_files.cache.memory_used == 16384
    assert app.get("/notes.txt").body == b"x" * 1000  # no room left: from disk
    assert app.get("/a.txt").body == b"plain text\n"
    assert static_files.cache.memory_used <= 17000


def test_file_rewritten_after_its_freshness_check_is_sent_as_it_now_is(site, tmp_path, monkeypatch):
    """The race a busy server meets: the cache entry passed its stat check,
    then the file changed before it was opened.  Headers and bytes must come
    from the same open file, not a 404 and not the old length."""
    static_files = static_files_for(site, tmp_path)
    app = TestApp(static_files)
    first = app.get("/big.txt")
    (site / "big.txt").write_bytes(b"short now")
    monkeypatch.setattr(files.StaticFile, "fresh", lambda entry: True)  # the stale entry wins
    second = raw_path(app, "/big.txt", **{"wsgi.file_wrapper": Wrapper})
    assert isinstance(second.app_iter, Wrapper)  # from disk, through the open handle
    assert second.body == b"short now"
    assert second.headers["Content-Length"] == "9"
    assert second.headers["ETag"] != first.headers["ETag"]


def test_file_deleted_after_its_freshness_check_is_404(site, tmp_path, monkeypatch):
    static_files = static_files_for(site, tmp_path)
    app = TestApp(static_files)
    app.get("/big.txt")
    os.remove(site / "big.txt")
    monkeypatch.setattr(files.StaticFile, "fresh", lambda entry: True)
    assert raw_path(app, "/big.txt", **{"wsgi.file_wrapper": Wrapper}).status_int == 404
    assert static_files.cache.get("/big.txt") is None  # and forgotten


def test_head_gives_headers_only(app):
    get = app.get("/a.txt")
    head = app.head("/a.txt")
    assert head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["ETag"] == get.headers["ETag"]


def test_changed_file_gets_new_validators_and_bytes(app, site):
    first = app.get("/a.txt")
    # Longer: its size is part of the file's identity and its ETag, so the
    # change shows whatever the file system's timestamp resolution.
    (site / "a.txt").write_text("changed and longer\n")
    second = app.get("/a.txt")
    assert second.body == b"changed and longer\n"
    assert second.headers["ETag"] != first.headers["ETag"]


def test_deleted_file_becomes_404(app, site):
    app.get("/a.txt")
    (site / "a.txt").unlink()
    app.get("/a.txt", status=404)
