"""The static app in-process with WebTest against every traversal trick we
know of: encoded dots and slashes, absolute paths, symlinks out of the root,
dot files before the extension rule, and precompressed siblings that lead
out of the root.
"""

import os

import pytest
from static_site import SECRET, raw_path, static_app

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
