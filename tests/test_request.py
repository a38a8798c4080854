"""The request package on its own: header names in both styles and their
bounded cache, and the one multipart parser every app reads parts through
(each app's rules on top are tested with the app)."""

from wsgi_echo.request import header_names
from wsgi_echo.request.multipart import Part, parts


def test_header_names_come_in_the_echo_s_style_and_in_werkzeug_s():
    assert header_names.capitalized("HTTP_X_B3TRACEID") == "X-B3traceid"
    assert header_names.titled("HTTP_X_B3TRACEID") == "X-B3Traceid"
    assert header_names.capitalized("CONTENT_LENGTH") == "Content-Length"
    assert header_names.titled("CONTENT_LENGTH") == "Content-Length"
    # A key that is no header has no name; werkzeug counts no HTTP_CONTENT_TYPE.
    assert header_names.capitalized("REMOTE_ADDR") == ""
    assert header_names.titled("HTTP_CONTENT_TYPE") == ""
    assert header_names.capitalized("HTTP_CONTENT_TYPE") == "Content-Type"


def test_a_header_name_cache_stops_remembering_at_its_limit(monkeypatch):
    monkeypatch.setattr(header_names, "LIMIT", 3)
    names = header_names.HeaderNames(lambda key: key.lower())
    assert [names("HTTP_%d" % n) for n in range(5)] == ["http_%d" % n for n in range(5)]
    assert names.known == {"HTTP_0": "http_0", "HTTP_1": "http_1", "HTTP_2": "http_2"}


def test_every_part_comes_with_its_name_filename_type_and_content():
    body = (
        b'--B\r\nContent-Disposition: form-data; name="f"\r\n\r\nfield\r\n'
        b'--B\r\nContent-Disposition: form-data; name="u"; filename=""\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG\r\n"
        b"--B\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n"
        b"--B\r\n\r\nno headers\r\n--B--\r\n"
    )
    assert parts(body, "B") == [
        Part("f", None, None, b"field"),
        Part("u", "", "image/png", b"\x89PNG"),
        Part(None, None, None, b"nameless"),
        Part(None, None, None, b"no headers"),
    ]


def test_parts_end_at_the_closing_delimiter_and_a_part_never_closed_is_none():
    closed = (
        b'preamble\r\n--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n'
        b'--B--\r\n--B\r\nContent-Disposition: form-data; name="b"\r\n\r\ny\r\n--B--\r\n'
    )
    assert parts(closed, "B") == [Part("a", None, None, b"x")]
    cut_off = (
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n'
        b'--B\r\nContent-Disposition: form-data; name="b"\r\n\r\ny'
    )
    assert parts(cut_off, "B") == [Part("a", None, None, b"x")]
