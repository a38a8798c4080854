"""The static app in-process with WebTest: HTTP validators, conditional and
range requests (304, 206, 412, 416, several ranges), and the precompressed
siblings (gzip, brotli) chosen by Accept-Encoding, each with its own ETag.
"""

import gzip
import os

from webob import Request

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


def test_a_sibling_added_later_is_served_without_the_file_changing(app, site):
    assert (
        "Content-Encoding" not in undecoded(app, "/plain.txt", **{"Accept-Encoding": "br"}).headers
    )
    (site / "plain.txt.br").write_bytes(b"pretend-brotli")
    response = undecoded(app, "/plain.txt", **{"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br" and response.body == b"pretend-brotli"
    assert response.headers["Vary"] == "Accept-Encoding"
    (site / "plain.txt.br").unlink()
    assert (
        "Content-Encoding" not in undecoded(app, "/plain.txt", **{"Accept-Encoding": "br"}).headers
    )
