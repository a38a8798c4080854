"""What a test expects of a recorded request, without a server: each
criterion matching and failing, the lines that say how a request differs,
the JSON diff, the ranking of the closest requests, and the recorded
request's reading of its body, query, form and files.
"""

import base64
import json
import re
from unittest.mock import ANY

import pytest

from wsgi_echo.testing.expectations import Expectation, json_differences
from wsgi_echo.testing.recorded import NotJSON, RecordedRequest
from wsgi_echo.testing.request_log import _distance


def recorded(method="POST", target="/hook", headers=(), body=b"", status=200, record_id=1, **more):
    """A request as the record's API gives it."""
    text = None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    record = {
        "id": record_id,
        "method": method,
        "target": target,
        "path": target.partition("?")[0],
        "host": "127.0.0.1:8080",
        "scheme": "http",
        "headers": [list(pair) for pair in headers],
        "body": text if text is not None else base64.b64encode(body).decode("ascii"),
        "body_encoding": "utf-8" if text is not None else "base64",
        "body_size": len(body),
        "status": status,
        **more,
    }
    return RecordedRequest(json.loads(json.dumps(record)))


WEBHOOK = recorded(
    headers=[("Content-Type", "application/json"), ("X-Signature", "s1")],
    body=b'{"event": "paid", "amount": 99, "items": [{"sku": "a", "price": 5}]}',
    target="/hook?tenant=t1&tag=a&tag=b",
)


def test_a_request_matching_every_criterion_has_no_differences():
    expected = Expectation(
        method="post",
        path="/hook",
        query={"tenant": "t1", "tag": ["a", "b"]},
        headers={"content-type": "application/json", "X-Debug": None},
        json={"event": "paid", "amount": 99, "items": [{"sku": "a", "price": ANY}]},
    )
    assert expected.differences(WEBHOOK) == [] and expected.matches(WEBHOOK)
    assert Expectation().matches(WEBHOOK)  # nothing expected: anything matches
    assert Expectation(
        path=re.compile(r"/h\w+"), headers={"X-Signature": re.compile("s.")}
    ).matches(WEBHOOK)
    assert Expectation(query="tenant=t1&tag=a&tag=b").matches(WEBHOOK)


def test_each_difference_is_one_line():
    expected = Expectation(
        method="PUT",
        path="/hooks",
        query={"tenant": "t2", "tag": ["a"], "page": "1"},
        headers={"X-Signature": "s2", "X-Tenant": "t1", "Content-Type": None},
        json={"event": "paid", "amount": 100, "items": [{"sku": "a", "price": 5}], "id": 7},
    )
    assert expected.differences(WEBHOOK) == [
        "method: expected PUT, got POST",
        "path: expected '/hooks', got '/hook'",
        "query tenant: expected 't2', got 't1'",
        "query tag: expected ['a'], got ['a', 'b']",
        "query page: missing (expected '1')",
        "header X-Signature: expected 's2', got 's1'",
        "header X-Tenant: missing (expected 't1')",
        "header Content-Type: expected absent, got 'application/json'",
        "json $.amount: expected 100, got 99",
        "json $.id: missing (expected 7)",
    ]


def test_regular_expressions_must_match_whole():
    expected = Expectation(path=re.compile("/ho"), headers={"X-Signature": re.compile("s")})
    assert expected.differences(WEBHOOK) == [
        "path: expected to match '/ho', got '/hook'",
        "header X-Signature: expected to match 's', got 's1'",
    ]


def test_the_json_diff_names_each_place():
    assert list(
        json_differences({"a": {"b": [1, 2, {"c": 3}]}}, {"a": {"b": [1, 2, {"c": 4}]}})
    ) == ["json $.a.b[2].c: expected 3, got 4"]
    assert list(json_differences([1, 2], [1, 2, 3])) == [
        "json $: expected 2 items, got 3: [1, 2, 3]"
    ]
    assert list(json_differences({"a": 1}, {"a": 1, "odd key": 2})) == [
        "json $['odd key']: not expected, got 2"
    ]
    assert list(json_differences({"a": 1}, [1])) == ["json $: expected {'a': 1}, got [1]"]
    assert list(json_differences({"a": ANY, "b": [ANY]}, {"a": {"x": 1}, "b": [None]})) == []


def test_a_long_json_diff_is_cut():
    expected = Expectation(json={"k%d" % n: n for n in range(20)})
    lines = expected.differences(recorded(body=b"{}"))
    assert len(lines) == 9 and lines[-1] == "json: ... and 12 more differences"


def test_a_body_that_is_not_json_says_so():
    expected = Expectation(json={"a": 1})
    assert expected.differences(recorded(body=b"")) == [
        "json: expected {'a': 1}, but the body is empty"
    ]
    cut = recorded(body=b'{"a": ', body_truncated=True)
    assert expected.differences(cut) == [
        "json: expected {'a': 1}, but the body is not JSON (cut at [record] max_body_bytes): "
        "'{\"a\": '"
    ]
    with pytest.raises(NotJSON, match=r"request #1 POST /hook -> 200: the body is empty"):
        recorded().json()
    assert Expectation(json=None).differences(recorded(body=b"null")) == []
    assert Expectation(json=None).differences(recorded(body=b"0")) == [
        "json $: expected None, got 0"
    ]


def test_bodies_and_forms():
    form = recorded(
        headers=[("Content-Type", "application/x-www-form-urlencoded")], body=b"a=1&b=%C3%A9&b=2"
    )
    assert form.form.getall("b") == ["é", "2"] and form.form["a"] == "1"
    assert Expectation(form={"a": "1", "b": ["é", "2"]}).matches(form)
    assert Expectation(form={"a": "2"}).differences(form) == ["form a: expected '2', got '1'"]
    assert Expectation(body="a=1&b=%C3%A9&b=2").matches(form)
    assert Expectation(body=b"a=1").differences(form) == [
        "body: expected b'a=1', got b'a=1&b=%C3%A9&b=2'"
    ]


def test_a_recorded_request_reads_its_body_query_headers_and_parts():
    binary = recorded(headers=[("Content-Type", "application/octet-stream")], body=b"\xff\x00")
    assert binary.body == b"\xff\x00" and binary.record["body_encoding"] == "base64"
    latin = recorded(headers=[("Content-Type", "text/plain; charset=latin-1")], body=b"caf\xe9")
    assert latin.text == "café"
    assert WEBHOOK.query.getall("tag") == ["a", "b"] and WEBHOOK.query_string.startswith("tenant")
    assert WEBHOOK.headers["x-SIGNATURE"] == "s1" and "content-type" in WEBHOOK.headers
    assert WEBHOOK.url == "http://127.0.0.1:8080/hook?tenant=t1&tag=a&tag=b"
    assert WEBHOOK.scheme == "http" and WEBHOOK.body_size == len(WEBHOOK.body)
    with pytest.raises(AttributeError, match="a recorded request has no 'nothing'"):
        WEBHOOK.nothing  # noqa: B018 -- the lookup is the test
    multipart = recorded(
        headers=[("Content-Type", "multipart/form-data; boundary=XX")],
        body=b'--XX\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="up"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nfile body\r\n--XX--\r\n",
    )
    assert dict(multipart.form) == {"note": "hi"}
    upload = multipart.files["up"]
    assert (upload.filename, upload.content_type, upload.content) == (
        "a.txt",
        "text/plain",
        b"file body",
    )


def test_the_closest_request_is_the_one_that_differs_least():
    expected = Expectation(method="POST", path="/hook", json={"event": "paid", "amount": 100})
    health = recorded(method="GET", target="/health", record_id=2)
    other_path = recorded(target="/other", body=b'{"event": "paid", "amount": 100}', record_id=3)
    wrong_amount = WEBHOOK  # one criterion (json), one line
    ranked = sorted([health, other_path, wrong_amount], key=lambda r: _distance(expected, r))
    assert [request.id for request in ranked] == [wrong_amount.id, other_path.id, health.id]


def test_the_expectation_reads_as_a_sentence():
    assert str(Expectation(method="post", path="/hook", json={"a": 1})) == (
        "POST /hook with json {'a': 1}"
    )
    assert str(Expectation(path="/x", headers={"A": "1"}, query="q=1")) == (
        "a request to /x with query 'q=1' and headers {'A': '1'}"
    )
    assert str(Expectation(method="GET")) == "GET to any path"
    assert str(Expectation()) == "any request"
    assert str(Expectation(path=re.compile("/h.*"), json=None)) == (
        "a request to a path matching '/h.*' with json null"
    )


@pytest.mark.parametrize(
    "content_type, text",
    [
        ('text/plain; charset="iso-8859-1"', "caf\u00e9"),
        ("text/plain; format=flowed; CHARSET=latin-1", "caf\u00e9"),
        ("text/plain; charset=no-such-charset", "caf\ufffd"),
        ("text/plain", "caf\ufffd"),
    ],
)
def test_a_body_is_read_as_text_in_the_charset_its_type_names(content_type, text):
    request = recorded(headers=[("Content-Type", content_type)], body=b"caf\xe9")
    assert request.text == text
