"""The static site under real gunicorn and waitress, over sockets: images
byte-exact by SHA-256, the HTTP headers every response carries, conditional
and range requests, and traversal attempts as raw request lines (the servers,
not WebTest, decode them)."""

import hashlib
import os
import pathlib

import pytest

from conftest import HTDOCS, SERVERS, settings_text
from wsgi_echo.testing.clients import raw, request, status_of

pytestmark = pytest.mark.server


SECRET = b"SECRET-OUTSIDE-THE-ROOT"


@pytest.fixture(scope="module")
def servers(module_starter, tmp_path_factory):
    return module_starter.both(
        settings_text(server={"workers": 1, "threads": 4}, static={"root": HTDOCS})
    )


@pytest.fixture(scope="module")
def jailed(module_starter, tmp_path_factory):
    """Servers whose root sits beside files with allowed extensions, so only
    the containment rules (not the allow-list) stand between them and a client."""
    base = tmp_path_factory.mktemp("jail")
    root = base / "site"
    (root / "sub").mkdir(parents=True)
    (root / "index.html").write_text("<p>inside</p>")
    (root / ".env.txt").write_bytes(SECRET)
    (base / "secret.txt").write_bytes(SECRET)
    (base / "outside").mkdir()
    (base / "outside" / "index.html").write_bytes(SECRET)
    os.symlink(base / "secret.txt", root / "link.txt")
    os.symlink(base / "outside", root / "linkdir")
    os.symlink(base / "outside" / "index.html", root / "sub" / "index.html")
    return module_starter.both(
        settings_text(server={"workers": 1, "threads": 4}, static={"root": root})
    )


def sha256_of(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.mark.parametrize(
    "name, content_type",
    [("image.jpg", "image/jpeg"), ("image.png", "image/png"), ("image.gif", "image/gif")],
)
def test_images_are_byte_exact(server, name, content_type):
    status, headers, body = request(server, "GET", "/" + name)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert (
        int(headers["Content-Length"]) == len(body) == os.path.getsize(os.path.join(HTDOCS, name))
    )
    assert hashlib.sha256(body).hexdigest() == sha256_of(os.path.join(HTDOCS, name))


@pytest.mark.parametrize(
    "path, status",
    [
        ("/", 200),
        ("/style.css", 200),
        ("/app.js", 200),
        ("/missing.html", 404),
        ("/settings.ini", 403),
        ("/echo/x", 200),
    ],
)
def test_every_response_carries_the_basic_headers(server, path, status):
    got, headers, body = request(server, "GET", path)
    assert got == status
    for name in ("Date", "Server", "Content-Type", "Content-Length"):
        assert headers[name], name
    assert int(headers["Content-Length"]) == len(body)
    if headers["Content-Type"].startswith("text/"):
        assert "charset=utf-8" in headers["Content-Type"]


def test_file_validators_and_conditional_requests(server):
    _, headers, _body = request(server, "GET", "/index.html")
    for name in (
        "Last-Modified",
        "ETag",
        "Accept-Ranges",
        "X-Content-Type-Options",
        "Cache-Control",
    ):
        assert headers[name], name
    status, _, empty = request(
        server, "GET", "/index.html", headers={"If-None-Match": headers["ETag"]}
    )
    assert status == 304 and empty == b""
    status, _, _ = request(
        server, "GET", "/index.html", headers={"If-Modified-Since": headers["Last-Modified"]}
    )
    assert status == 304


IMAGE_PNG = pathlib.Path(HTDOCS, "image.png")


def test_range_and_unsatisfiable_range(server):
    data = IMAGE_PNG.read_bytes()
    status, headers, body = request(server, "GET", "/image.png", headers={"Range": "bytes=10-19"})
    assert status == 206 and body == data[10:20]
    assert headers["Content-Range"] == "bytes 10-19/%d" % len(data)
    status, _, _ = request(server, "GET", "/image.png", headers={"Range": "bytes=999999-"})
    assert status == 416


def test_head_and_405(server):
    status, headers, body = request(server, "HEAD", "/image.png")
    assert status == 200 and body == b""
    assert headers["Content-Length"] == str(os.path.getsize(os.path.join(HTDOCS, "image.png")))
    status, headers, _ = request(server, "POST", "/image.png", body=b"x")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_directory_redirect_and_index_over_the_wire(server):
    status, headers, _ = request(server, "GET", "/about?a=1")
    assert status == 301 and headers["Location"] == "/about/?a=1"
    status, _, body = request(server, "GET", "/about/")
    assert status == 200 and b"<h1>About</h1>" in body


# Each request target and its one answer, the same under every runner: no
# runner refuses one of these itself (with a 400 of its own), and the app
# answers each 404, as it does a path out of the root, through a symlink out
# or a dotfile, or to no file.
OVER_THE_WIRE = [
    (b"/../secret.txt", 404),
    (b"/%2e%2e/secret.txt", 404),
    (b"/..%2fsecret.txt", 404),
    (b"/..%2Fsecret.txt", 404),
    (b"/sub/..%2f..%2fsecret.txt", 404),
    (b"/..\\secret.txt", 404),
    (b"/..%5csecret.txt", 404),
    (b"/%2e%2e%5csecret.txt", 404),
    (b"/index.html%00.txt", 404),
    (b"/link.txt%00", 404),
    (b"//../secret.txt", 404),
    (b"/../outside/index.html", 404),
    (b"/../outside/", 404),
    (b"/%2e%2e/outside/", 404),
    (b"/linkdir/", 404),
    (b"/linkdir/index.html", 404),
    (b"/link.txt", 404),
    (b"/sub/", 404),
    (b"/.env.txt", 404),
    (b"/%2eenv.txt", 404),
    (b"/sub/%2e%2e/%2e%2e/secret.txt", 404),
    (b"/" + b"a" * 4000 + b".txt", 404),
]


@pytest.mark.parametrize("target, status", OVER_THE_WIRE)
@pytest.mark.parametrize("kind", SERVERS)
def test_traversal_over_the_wire(jailed, kind, target, status):
    server = jailed[kind]
    reply = raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 %d " % status), reply[:100]
    assert SECRET not in reply
    assert request(server, "GET", "/")[0] == 200


@pytest.mark.parametrize("kind", SERVERS)
def test_absolute_form_request_target_stays_inside(jailed, kind):
    """Every runner takes the path from an absolute-form target and hands
    it to the app, which answers 404, as for ``/../secret.txt``."""
    reply = raw(
        jailed[kind], b"GET http://x/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert SECRET not in reply
    assert status_of(reply) == 404


def test_redirect_never_points_at_another_host(server):
    for target in (b"//about", b"/%2Fabout", b"///about?x=1"):
        reply = raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        location = [line for line in reply.split(b"\r\n") if line.lower().startswith(b"location:")]
        assert status_of(reply) == 301, reply[:200]
        assert location[0].split(b":", 1)[1].strip().startswith(b"/about/"), location


@pytest.mark.parametrize(
    "headers",
    [
        {"If-Modified-Since": "Fri, 01 Jan 99999 00:00:00 GMT"},
        {"If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 -0001"},
        {"Range": "bytes=-"},
        {"Range": "bytes=--1"},
        {"Range": "bytes=5-1"},
        {"Range": "bytes=0-1", "If-Range": "Mon, 01 Jan 10000 00:00:00 GMT"},
        {"If-None-Match": '"unterminated'},
        {"If-Unmodified-Since": "yesterday"},
    ],
)
def test_malformed_conditional_headers_are_ignored(server, headers):
    status, _, body = request(server, "GET", "/image.png", headers=headers)
    assert status == 200
    assert body == IMAGE_PNG.read_bytes()


def test_empty_suffix_range_is_416(server):
    status, headers, _ = request(server, "GET", "/image.png", headers={"Range": "bytes=-0"})
    assert status == 416
    assert headers["Content-Range"] == "bytes */%d" % os.path.getsize(
        os.path.join(HTDOCS, "image.png")
    )
