"""The httpbin app's formats and images, in-process with WebTest: the samples
(``/html``, ``/xml``, ``/json``, ``/encoding/utf8``, ``/robots.txt``,
``/deny``, ``/forms/post``) with httpbin's types, ``/image`` by ``Accept``,
and the index page listing every route.
"""

import pytest
from httpbin_app import get

# -- samples -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, content_type, start",
    [
        ("/html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("/xml", "application/xml", b"<?xml"),
        ("/json", "application/json", b'{\n  "slideshow": {'),
        ("/encoding/utf8", "text/html; charset=utf-8", b"<h1>"),
        ("/deny", "text/plain", b"\n"),
        ("/forms/post", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("/image/png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("/image/jpeg", "image/jpeg", b"\xff\xd8\xff"),
        ("/image/webp", "image/webp", b"RIFF"),
        ("/image/svg", "image/svg+xml", b"<svg"),
    ],
)
def test_samples_have_httpbins_types(hb, path, content_type, start):
    response = get(hb, path)
    assert response.headers["Content-Type"] == content_type
    assert response.body.startswith(start)
    assert int(response.headers["Content-Length"]) == len(response.body) > 10


def test_json_sample_has_the_slideshow_shape(hb):
    show = get(hb, "/json").json["slideshow"]
    assert sorted(show) == ["author", "date", "slides", "title"]
    assert [sorted(slide) for slide in show["slides"]] == [
        ["title", "type"],
        ["items", "title", "type"],
    ]


def test_utf8_sample_is_utf8_beyond_latin(hb):
    text = get(hb, "/encoding/utf8").body.decode("utf-8")
    assert any(ord(c) > 0xFFFF for c in text) and any(0x3040 <= ord(c) < 0x30A0 for c in text)


def test_robots_and_form_point_into_the_mount(hb):
    assert get(hb, "/robots.txt").body == b"User-agent: *\nDisallow: /httpbin/deny\n"
    assert 'action="/httpbin/post"' in get(hb, "/forms/post").text


@pytest.mark.parametrize(
    "accept, content_type",
    [
        (None, "image/png"),
        ("image/webp,*/*", "image/webp"),
        ("image/svg+xml", "image/svg+xml"),
        ("image/jpeg", "image/jpeg"),
        ("image/png", "image/png"),
        ("IMAGE/*", "image/png"),
    ],
)
def test_image_by_accept(hb, accept, content_type):
    headers = {"Accept": accept} if accept else {}
    assert get(hb, "/image", headers=headers).headers["Content-Type"] == content_type


def test_image_not_acceptable(hb):
    for accept in ("*/*", "text/html"):
        response = get(hb, "/image", status=406, headers={"Accept": accept})
        assert response.json["accept"][-1] == "image/*"


def test_index_lists_the_routes(hb):
    page = get(hb, "").text
    assert 'href="/httpbin/get"' in page and "/httpbin/status/&lt;codes&gt;" in page


def test_index_is_styled_like_the_site_wherever_it_is_mounted(hb):
    from wsgi_echo import pages

    page = get(hb, "").text
    # Inlined, not linked: a pure httpbin mount has no static site beside it.
    assert "<style>\n%s</style>" % pages.stylesheet() in page
    assert "--accent: #1e3c78" in pages.stylesheet()  # the demo site's colours
    assert "<table>" in page and '<td class="methods">GET</td>' in page
