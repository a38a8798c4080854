"""The echo responder in-process with WebTest: multipart parts without a name,
empty file inputs, parts shown as sent, upload types, and the cap on parts
(413 naming the limit).
"""

import hashlib

import pytest

from conftest import app_for

# -- multipart: parts without a name, and the cap on parts ------------------------


@pytest.mark.parametrize(
    "part",
    [
        b"Content-Disposition: form-data\r\n\r\nx",  # no name parameter
        b"\r\nx",  # no headers at all
    ],
)
def test_a_multipart_part_without_a_name_is_reported_under_the_empty_name(echo_app, part):
    body = b"--B\r\n" + part + b"\r\n--B--\r\n"
    response = post_multipart(echo_app, body)
    assert response.status_int == 200  # it was a 500
    assert response.json["form"] == {"": "x"}


def test_a_nameless_upload_is_reported_under_the_empty_name(echo_app):
    body = (
        b'--B\r\nContent-Disposition: form-data; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhello\r\n--B--\r\n"
    )
    response = post_multipart(echo_app, body)
    assert response.json["files"][""]["filename"] == "a.txt"
    assert response.json["files"][""]["size"] == 5


def test_a_file_input_left_empty_is_an_upload_with_an_empty_filename(echo_app):
    # What a browser sends for <input type=file> with no file chosen.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="doc"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n"
    )
    response = post_multipart(echo_app, body)
    assert response.json["form"] == {}
    assert response.json["files"] == {
        "doc": {
            "filename": "",
            "content_type": "application/octet-stream",
            "size": 0,
            "sha256": hashlib.sha256(b"").hexdigest(),
        }
    }


def test_a_part_is_shown_as_sent_its_transfer_encoding_not_undone(echo_app):
    # RFC 7578 section 4.7: senders must not use Content-Transfer-Encoding;
    # the echo shows such a part's content as it came.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\naGk=\r\n--B--\r\n"
    )
    assert post_multipart(echo_app, body).json["form"] == {"a": "aGk="}


def test_an_upload_type_is_the_media_type_as_sent_and_text_plain_without_one(echo_app):
    body = (
        b'--B\r\nContent-Disposition: form-data; name="a"; filename="a.png"\r\n'
        b"Content-Type: Image/PNG; x=1\r\n\r\npng\r\n"
        b'--B\r\nContent-Disposition: form-data; name="b"; filename="b"\r\n\r\nb\r\n--B--\r\n'
    )
    files = post_multipart(echo_app, body).json["files"]
    assert files["a"]["content_type"] == "Image/PNG"
    assert files["b"]["content_type"] == "text/plain"  # RFC 7578 section 4.4


def post_multipart(app, body, status=200):
    return app.request(
        "/m",
        method="POST",
        body=body,
        status=status,
        headers={"Content-Type": "multipart/form-data; boundary=B"},
    )


def multipart(parts):
    return (
        b"".join(
            b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % n
            for n in range(parts)
        )
        + b"--B--\r\n"
    )


def test_more_multipart_parts_than_the_cap_is_413_naming_the_limit(tmp_path):
    app = app_for("[echo]\nmax_form_parts = 10\n[routes]\n/ = echo\n", tmp_path)
    at_cap = post_multipart(app, multipart(10))
    assert len(at_cap.json["form"]) == 10
    over = post_multipart(app, multipart(11), status=413)
    assert over.json["limit"] == 10 and "10 parts" in over.json["detail"]
    # The default cap is 1,000.
    default = app_for("[routes]\n/ = echo\n", tmp_path, name="default.ini")
    post_multipart(default, multipart(1000))
    post_multipart(default, multipart(1001), status=413)


def test_the_part_count_ignores_lines_that_only_start_like_a_boundary(tmp_path):
    app = app_for("[echo]\nmax_form_parts = 2\n[routes]\n/ = echo\n", tmp_path)
    body = (
        b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nline\r\n--Bx is text\r\n'
        b'--B\r\nContent-Disposition: form-data; name="b"\r\n\r\nv\r\n--B--\r\n'
    )
    response = post_multipart(app, body)
    assert sorted(response.json["form"]) == ["a", "b"]
