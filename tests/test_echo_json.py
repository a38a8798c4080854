"""The echo's fast JSON writer gives exactly the bytes json.dumps gives."""

import json

import pytest
from webob import Request

from wsgi_echo.apps.echo import render as echo_json
from wsgi_echo.apps.echo.describe import describe

TRICKY = [
    "plain",
    "",
    'quote " and \\ backslash',
    "tab\tnew\nline\rcr",
    "\x00\x01\x1f\x7f",
    "é ü 中文 😀",
    "\u2028\u2029",
    "</script>",
    "'single'",
]


def documents():
    for text in TRICKY:
        request = Request.blank(
            "/echo/x",
            method="POST",
            body=text.encode("utf-8"),
            headers={"X-T": text.encode("utf-8").decode("latin-1"), "Cookie": "c=1"},
        )
        document = describe(request.environ, request.body)
        document["query"] = {text: text, "list": [text, "b"], "k": ""}
        document["form"] = {"f": [text, text]}
        yield document
    nested = describe(Request.blank("/j?a=1&a=2").environ, b'{"n": [1, 2.5, null, true]}')
    yield nested
    with_files = dict(
        nested,
        files={"u": {"filename": "a.png", "content_type": "image/png", "size": 3, "sha256": "ab"}},
        form={"odd": {"not": "flat"}},
    )
    yield with_files


@pytest.mark.parametrize("document", list(documents()))
def test_render_matches_json_dumps(document):
    expected = (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")
    assert echo_json.render(document) == expected
    assert list(json.loads(echo_json.render(document))) == list(document)


def test_lone_surrogates_fall_back_to_ascii_escapes():
    document = describe(Request.blank("/").environ, b'["\\ud800"]')
    rendered = echo_json.render(document)
    assert rendered.endswith(b"\n") and rendered.isascii()
    assert json.loads(rendered)["json"] == ["\ud800"]
