"""The static app in-process with WebTest against every traversal trick we
know of: encoded dots and slashes, absolute paths, symlinks out of the root,
dot files before the extension rule, and precompressed siblings that lead
out of the root.
"""

import os

import pytest
from static_site import SECRET, raw_path, static_app

# -- containment ----------------------------------------------------------------------

# Each attempt and its one answer: 404 for a path that leads out of the root
# (checked first, on the resolved path), to what the rules hide, or to no
# file; 403 for a path inside the root whose name has no allowed extension,
# whether or not the file is there (docs/static-site.md's rule 3): /etc/passwd
# is the root's etc/passwd.
TRAVERSALS = [
    ("/../outside/secret.txt", 404),
    ("/sub/../../outside/secret.txt", 404),
    ("/..", 404),
    ("/../", 404),
    ("/%2e%2e/outside/secret.txt", 404),
    ("/..%2foutside%2fsecret.txt", 404),
    ("/..%2Foutside/index.html", 404),
    ("/sub/..%2f..%2foutside%2fsecret.txt", 404),
    ("/..\\outside\\secret.txt", 404),
    ("/sub\\..\\..\\a.txt", 404),
    ("/a.txt%00.html", 404),
    ("/index.html%00", 404),
    ("//etc/passwd", 403),
    ("/etc/passwd", 403),
    ("/%2fetc%2fpasswd", 403),
    ("/" + "a" * 300 + ".html", 404),
    ("/" + "/".join(["d"] * 2000) + "/x.html", 404),
    ("/link-out.txt", 404),
    ("/linkdir/", 404),
    ("/linkdir", 404),
    ("/linkdir/index.html", 404),
    ("/linkdir/page.html", 404),
    ("/link-to-dotfile.txt", 404),
    ("/.env", 404),
    ("/.git/config.txt", 404),
    ("/.git/", 404),
    ("/.hidden-dir/page.html", 404),
    ("/sub/.%2e/.%2e/outside/secret.txt", 404),
    ("/%c0%ae%c0%ae/outside/secret.txt", 404),
]


@pytest.mark.parametrize("path, status", TRAVERSALS)
def test_traversal_attempts_never_reach_outside(app, path, status):
    response = app.get(path, expect_errors=True)
    assert response.status_int == status, response.status
    assert SECRET not in response.body
    assert b"PASSWORD" not in response.body and b"[core]" not in response.body


# PATH_INFO as a server hands it over, decoded: none of these leaves the root
# or names an allowed file, so each is 404.
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
    assert response.status_int == 404
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
