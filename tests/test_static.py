"""The static app in-process with WebTest: index files and redirects, the
allow-list, error pages, HTTP validators, conditional and range requests,
precompressed siblings, and every traversal trick we know of."""

import gzip
import os

import pytest
from webob import Request
from webtest import TestApp

from conftest import HTDOCS, app_for, settings_text
from wsgi_echo import settings as settings_module
from wsgi_echo.apps.static import StaticApp, cache, files

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


# -- index files and redirects ------------------------------------------------------


def test_root_serves_its_index(app):
    response = app.get("/")
    assert response.body == b"<h1>home</h1>"
    assert response.content_type == "text/html" and response.charset == "utf-8"


def test_directory_with_slash_serves_its_index(app):
    assert app.get("/sub/").body == b"<h1>sub</h1>"
    assert app.get("/sub/deeper/").body == b"deeper"


def test_directory_without_slash_redirects_keeping_the_query(app):
    response = app.get("/sub?x=1&y=2", status=301)
    assert response.headers["Location"] == "/sub/?x=1&y=2"
    assert app.get("/sub/deeper", status=301).headers["Location"] == "/sub/deeper/"


def test_directory_without_index_is_404(app):
    app.get("/noindex/", status=404)


def test_file_asked_for_as_a_directory_is_404(app):
    app.get("/a.txt/", status=404)


# -- the allow-list -------------------------------------------------------------------


def test_allowed_extensions_are_case_insensitive(app):
    assert app.get("/UPPER.HTML").body == b"<p>upper</p>"


@pytest.mark.parametrize(
    "path", ["/secret.py", "/noext", "/missing.py", "/missing", "/sub/nothing.exe", "/notes.txt.gz"]
)
def test_disallowed_extension_is_403_whether_or_not_it_exists(app, path):
    response = app.get(path, status=403)
    assert response.content_type == "text/html"


def test_missing_allowed_file_is_404(app):
    app.get("/missing.html", status=404)
    app.get("/no/such/dir/page.css", status=404)


def test_allow_list_comes_from_settings(site):
    app = static_app(site, "allowed_extensions = .txt")
    app.get("/a.txt")
    app.get("/style.css", status=403)
    app.get("/", status=403)  # the index's own extension is not allowed


# -- error pages ----------------------------------------------------------------------


def test_custom_error_pages_with_placeholders_escaped(site):
    (site / "404.html").write_text("<title>{{status}} {{reason}}</title>missing: {{path}}")
    (site / "403.html").write_text("forbidden {{status}}: {{path}}")
    app = static_app(site)
    response = app.get("/nope-<b>&.html", status=404)
    assert response.text == "<title>404 Not Found</title>missing: /nope-&lt;b&gt;&amp;.html"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert app.get("/secret.py", status=403).text == "forbidden 403: /secret.py"


def test_error_page_path_is_decoded(site):
    (site / "404.html").write_text("{{path}}")
    assert static_app(site).get("/caf%C3%A9.html", status=404).text == "/café.html"


def test_built_in_error_pages_without_custom_ones(app):
    assert "404 Not Found" in app.get("/x.html", status=404).text
    assert "403 Forbidden" in app.get("/x.py", status=403).text


def test_project_htdocs_error_pages(tmp_path):
    app = app_for("[static]\nroot = %s\n" % HTDOCS, tmp_path)
    page = app.get("/no-such-page.html", status=404)
    assert '<h1 id="error-title">404 Not Found</h1>' in page.text
    assert "/no-such-page.html" in page.text
    assert '<h1 id="error-title">403 Forbidden</h1>' in app.get("/x.php", status=403).text


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


# -- conditional and range requests ---------------------------------------------


def test_if_none_match_gives_304(app):
    etag = app.get("/a.txt").headers["ETag"]
    response = app.get("/a.txt", headers={"If-None-Match": etag}, status=304)
    assert response.body == b""
    assert response.headers["ETag"] == etag
    assert app.get("/a.txt", headers={"If-None-Match": '"other"'}).status_int == 200


def test_if_modified_since_gives_304(app):
    last_modified = app.get("/a.txt").headers["Last-Modified"]
    app.get("/a.txt", headers={"If-Modified-Since": last_modified}, status=304)
    app.get("/a.txt", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, status=200)


def test_range_gives_206(app, site):
    data = (site / "image.png").read_bytes()
    response = app.get("/image.png", headers={"Range": "bytes=100-199"}, status=206)
    assert response.body == data[100:200]
    assert response.headers["Content-Range"] == "bytes 100-199/%d" % len(data)
    assert response.headers["Content-Length"] == "100"
    suffix = app.get("/image.png", headers={"Range": "bytes=-10"}, status=206)
    assert suffix.body == data[-10:]


def test_unsatisfiable_range_gives_416(app, site):
    size = os.path.getsize(site / "image.png")
    response = app.get("/image.png", headers={"Range": "bytes=%d-" % (size + 10)}, status=416)
    assert response.headers["Content-Range"] == "bytes */%d" % size


def test_if_range_with_old_etag_gives_whole_file(app, site):
    response = app.get("/image.png", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert response.status_int == 200
    assert response.body == (site / "image.png").read_bytes()


def test_if_match_mismatch_gives_412(app):
    app.get("/a.txt", headers={"If-Match": '"nope"'}, status=412)
    etag = app.get("/a.txt").headers["ETag"]
    app.get("/a.txt", headers={"If-Match": etag}, status=200)


# -- methods --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_get_405_with_allow(app, method):
    response = app.request("/a.txt", method=method, status=405)
    assert response.headers["Allow"] == "GET, HEAD"


# -- precompressed siblings -----------------------------------------------------------


def undecoded(app, path, **headers):
    """The response as sent (WebTest would undo the Content-Encoding)."""
    return Request.blank(path, headers=headers).get_response(app.app)


def test_gzip_sibling_served_when_accepted(app, site):
    response = undecoded(app, "/notes.txt", **{"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body == (site / "notes.txt.gz").read_bytes()
    assert gzip.decompress(response.body) == b"x" * 1000


def test_brotli_preferred_when_accepted(app, site):
    response = undecoded(app, "/notes.txt", **{"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.body == b"pretend-brotli"


def test_identity_when_not_accepted_still_varies(app):
    for accept in (None, "identity", "gzip;q=0, br;q=0"):
        headers = {"Accept-Encoding": accept} if accept else {}
        response = app.get("/notes.txt", headers=headers)
        assert "Content-Encoding" not in response.headers
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.body == b"x" * 1000


def test_no_vary_without_siblings(app):
    assert "Vary" not in app.get("/plain.txt", headers={"Accept-Encoding": "gzip"}).headers


def test_compressed_variant_has_its_own_etag(app):
    plain = app.get("/notes.txt").headers["ETag"]
    gz = undecoded(app, "/notes.txt", **{"Accept-Encoding": "gzip"}).headers["ETag"]
    assert plain != gz


# -- containment ----------------------------------------------------------------------

TRAVERSALS = [
    "/../outside/secret.txt",
    "/sub/../../outside/secret.txt",
    "/..",
    "/../",
    "/%2e%2e/outside/secret.txt",
    "/..%2foutside%2fsecret.txt",
    "/..%2Foutside/index.html",
    "/sub/..%2f..%2foutside%2fsecret.txt",
    "/..\\outside\\secret.txt",
    "/sub\\..\\..\\a.txt",
    "/a.txt%00.html",
    "/index.html%00",
    "//etc/passwd",
    "/etc/passwd",
    "/%2fetc%2fpasswd",
    "/" + "a" * 300 + ".html",
    "/" + "/".join(["d"] * 2000) + "/x.html",
    "/link-out.txt",
    "/linkdir/",
    "/linkdir",
    "/linkdir/index.html",
    "/linkdir/page.html",
    "/link-to-dotfile.txt",
    "/.env",
    "/.git/config.txt",
    "/.git/",
    "/.hidden-dir/page.html",
    "/sub/.%2e/.%2e/outside/secret.txt",
    "/%c0%ae%c0%ae/outside/secret.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_attempts_never_reach_outside(app, path):
    response = app.get(path, expect_errors=True)
    assert response.status_int in (403, 404), response.status
    assert SECRET not in response.body
    assert b"PASSWORD" not in response.body and b"[core]" not in response.body


@pytest.mark.parametrize(
    "path_info",
    [
        "/../outside/secret.txt",
        "/sub/../../outside/index.html",
        "/..\\outside\\secret.txt",
        "/a.txt\x00.html",
        "/" + "\xc3" + ".html",
        "/" + "é" * 3000 + ".html",
        os.sep + "..",
        "/linkdir/",
        "/.git/config.txt",
    ],
)
def test_decoded_paths_as_servers_give_them(app, path_info):
    response = raw_path(app, path_info)
    assert response.status_int in (403, 404)
    assert SECRET not in response.body


def test_absolute_path_in_path_info_stays_inside(app, site):
    response = raw_path(app, str(site.parent / "outside" / "secret.txt"))
    assert response.status_int == 404


def test_directory_outside_root_with_index_is_not_served(app):
    # WebOb's DirectoryApp would look for the directory first; we check containment first.
    for path in ("/linkdir", "/linkdir/", "/../outside", "/../outside/"):
        response = app.get(path, expect_errors=True)
        assert response.status_int == 404
        assert "Location" not in response.headers


def test_symlink_inside_the_root_to_inside_is_served(app):
    assert app.get("/link-in.txt").body == b"plain text\n"


def test_dot_rule_comes_before_the_extension_rule(app):
    app.get("/.env", status=404)
    app.get("/.git/anything.py", status=404)


def test_a_precompressed_sibling_that_leads_out_of_the_root_is_never_served(site):
    (site / "leaky.txt").write_text("the real page\n")
    os.symlink(site.parent / "outside" / "secret.txt", site / "leaky.txt.gz")
    os.symlink(site / ".env", site / "leaky.txt.br")
    app = static_app(site)
    response = app.get("/leaky.txt", headers={"Accept-Encoding": "gzip, br"})
    assert response.body == b"the real page\n"
    assert "Content-Encoding" not in response.headers and SECRET not in response.body


def test_if_none_match_star_is_304_for_a_file_that_exists(app):
    assert app.get("/a.txt", headers={"If-None-Match": "*"}, status=304).body == b""
    assert app.get("/missing.txt", headers={"If-None-Match": "*"}, status=404)


def test_several_ranges_are_ignored_and_the_whole_file_sent(app, site):
    response = app.get("/image.png", headers={"Range": "bytes=0-0,5-6"}, status=200)
    assert response.body == (site / "image.png").read_bytes()
    assert (
        app.get("/image.png", headers={"Range": "bytes=5-6"}, status=206).body
        == (site / "image.png").read_bytes()[5:7]
    )
