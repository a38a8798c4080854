"""The request package on its own: header names in both styles and their
bounded cache, whole numbers, and the one multipart parser every app reads
parts through (each app's rules on top are tested with the app)."""

import pytest

from wsgi_echo.request import header_names
from wsgi_echo.request.multipart import Part, parts
from wsgi_echo.request.numbers import whole_number


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


@pytest.mark.parametrize(
    "text, digits, signed, number",
    [("0", 1, False, 0), (" 42 ", 2, False, 42), ("007", 3, False, 7), ("-5", 1, True, -5),
     ("9" * 19, 19, False, 10**19 - 1), ("-", 3, True, None), ("-5", 1, False, None),
     ("123", 2, False, None), ("", 3, False, None), ("+5", 3, True, None),
     ("1_0", 3, False, None), ("\u0663", 3, False, None), ("1.0", 3, False, None),
     ("--5", 3, True, None), ("9" * 5000, 19, False, None)],
)  # fmt: skip
def test_a_whole_number_is_ascii_digits_within_a_count(text, digits, signed, number):
    assert whole_number(text, digits, signed) == number
