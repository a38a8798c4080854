"""The static site under real gunicorn and waitress, over sockets: images
byte-exact by SHA-256, the HTTP headers every response carries, conditional
and range requests, and traversal attempts as raw request lines (the servers,
not WebTest, decode them)."""

import hashlib
import os

import pytest

from conftest import HTDOCS, SERVERS
from http_client import raw, request, status_of

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def servers(module_starter):
    ini = "[server]\nworkers = 1\nthreads = 4\n[static]\nroot = %s\n" % HTDOCS
    return {kind: module_starter(kind, ini) for kind in SERVERS}


@pytest.fixture(params=SERVERS)
def server(request, servers):
    return servers[request.param]


def sha256_of(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.mark.parametrize("name, kind", [("image.jpg", "image/jpeg"), ("image.png", "image/png"),
                                        ("image.gif", "image/gif")])
def test_images_are_byte_exact(server, name, kind):
    status, headers, body = request(server, "GET", "/" + name)
    assert status == 200
    assert headers["Content-Type"] == kind
    assert int(headers["Content-Length"]) == len(body) == os.path.getsize(
        os.path.join(HTDOCS, name))
    assert hashlib.sha256(body).hexdigest() == sha256_of(os.path.join(HTDOCS, name))


@pytest.mark.parametrize("path, status", [("/", 200), ("/style.css", 200), ("/app.js", 200),
                                          ("/missing.html", 404), ("/settings.ini", 403),
                                          ("/echo/x", 200)])
def test_every_response_carries_the_basic_headers(server, path, status):
    got, headers, body = request(server, "GET", path)
    assert got == status
    for name in ("Date", "Server", "Content-Type", "Content-Length"):
        assert headers[name], name
    assert int(headers["Content-Length"]) == len(body)
    if headers["Content-Type"].startswith("text/"):
        assert "charset=utf-8" in headers["Content-Type"]


def test_file_validators_and_conditional_requests(server):
    _, headers, body = request(server, "GET", "/index.html")
    for name in ("Last-Modified", "ETag", "Accept-Ranges", "X-Content-Type-Options",
                 "Cache-Control"):
        assert headers[name], name
    status, _, empty = request(server, "GET", "/index.html",
                               headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and empty == b""
    status, _, _ = request(server, "GET", "/index.html",
                           headers={"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304


def test_range_and_unsatisfiable_range(server):
    data = open(os.path.join(HTDOCS, "image.png"), "rb").read()
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


@pytest.mark.parametrize("target", [
    b"/../settings.ini", b"/%2e%2e/settings.ini", b"/..%2fsettings.ini", b"/..%2Fsetup.cfg",
    b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"/..\\settings.ini", b"/..%5csettings.ini",
    b"/index.html%00.txt", b"/%00", b"//etc/passwd", b"/../../../../etc/passwd",
    b"/.git/config", b"/%2egit/HEAD", b"/" + b"a" * 4000 + b".html",
])
def test_traversal_over_the_wire(server, target):
    reply = raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 4"), reply[:100]
    assert status_of(reply) in (400, 403, 404)
    assert b"[server]" not in reply and b"root:" not in reply and b"[core]" not in reply
    assert request(server, "GET", "/")[0] == 200


def test_absolute_form_request_target_stays_inside(server):
    reply = raw(server, b"GET http://x/../../etc/passwd HTTP/1.1\r\nHost: x\r\n"
                        b"Connection: close\r\n\r\n")
    assert b"root:" not in reply
    assert status_of(reply) in (400, 403, 404)
