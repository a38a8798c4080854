"""The static app in-process with WebTest: index files and redirects, the
allow-list of extensions, error pages (custom, built in, the project's
htdocs) and the methods it takes.
"""

import pytest
from static_site import static_app

from conftest import HTDOCS, app_for

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


# -- methods --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_get_405_with_allow(app, method):
    response = app.request("/a.txt", method=method, status=405)
    assert response.headers["Allow"] == "GET, HEAD"
