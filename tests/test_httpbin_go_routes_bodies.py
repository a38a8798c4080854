"""Request bodies and response extras of go-httpbin's routes, in-process:
``/upload`` (a streamed body under its own limit, with the body rules of
``middleware.body``), ``/trailers`` (501 without a sender, the trailers
handed to one where the runner gives it) and ``/cookies/set``'s
attributes."""

import hashlib
import io

import pytest
from go_routes_helpers import make, refused

from wsgi_echo.middleware.body import BodyError, BodyStream
from wsgi_echo.protocol import SEND_TRAILERS

UPLOAD_LIMIT = 5000


@pytest.fixture
def hb(tmp_path):
    return make(tmp_path, server={"max_request_bytes": 1000}, max_upload_bytes=UPLOAD_LIMIT)


def call(app, method, path, body=b"", query="", **environ):
    """The whole stack called directly, as a server would: (status, headers, body)."""
    environ = dict(
        {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "example.test",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
        },
        **environ,
    )
    answer = []
    iterable = app.app(
        environ, lambda status, headers, exc_info=None: answer.extend([status, headers])
    )
    return int(answer[0].split()[0]), dict(answer[1]), b"".join(iterable)


# -- /upload --------------------------------------------------------------------------------


def test_upload_answers_the_length_and_digest_of_a_body_over_max_request_bytes(hb):
    body = bytes(range(256)) * 16  # 4096 bytes: over max_request_bytes, within the upload limit
    data = hb.post("/upload?a=1", body, content_type="application/octet-stream").json
    assert data["bytes_received"] == 4096 and data["sha256"] == hashlib.sha256(body).hexdigest()
    assert data["method"] == "POST" and data["args"] == {"a": "1"}
    assert list(data) == ["args", "bytes_received", "headers", "method", "origin", "sha256", "url"]
    assert hb.put("/upload", b"").json["bytes_received"] == 0
    refused(hb.post("/post", body, status=413), 413)  # every other route keeps its limit


def test_upload_reads_a_chunked_body_to_its_end(hb):
    body = b"x" * 4321
    status, _, answer = call(hb, "PATCH", "/upload", body, HTTP_TRANSFER_ENCODING="chunked")
    assert status == 200
    assert b'"bytes_received": 4321' in answer
    assert hashlib.sha256(body).hexdigest().encode() in answer


def test_upload_over_its_limit_is_413(hb):
    declared = refused(hb.post("/upload", b"x" * (UPLOAD_LIMIT + 1), status=413), 413)
    assert declared["limit"] == UPLOAD_LIMIT
    status, _, answer = call(
        hb, "POST", "/upload", b"x" * (UPLOAD_LIMIT + 1), HTTP_TRANSFER_ENCODING="chunked"
    )
    assert status == 413 and b'"limit": %d' % UPLOAD_LIMIT in answer


def test_an_upload_that_ends_early_is_400(hb):
    status, _, answer = call(hb, "POST", "/upload", b"short", CONTENT_LENGTH="100")
    assert status == 400 and b"the body ended after 5 of 100 bytes" in answer


def test_upload_takes_only_post_put_and_patch(hb):
    assert hb.get("/upload", status=405).headers["Allow"] == "PATCH, POST, PUT, OPTIONS"


class Failing:
    """A wsgi.input whose reads fail, as a dropped connection's do."""

    def read(self, size=-1):
        raise OSError("connection reset")


def test_a_stream_reads_in_pieces_and_applies_every_rule():
    stream = BodyStream(io.BytesIO(b"abcdefgh"), 8, 100, 10)
    assert list(stream.chunks(3)) == [b"abc", b"def", b"gh"]
    with pytest.raises(BodyError) as caught:
        list(BodyStream(io.BytesIO(b"x" * 11), None, 10, 10).chunks(4))  # chunked, over the limit
    assert caught.value.status == 413
    with pytest.raises(BodyError) as caught:
        list(BodyStream(Failing(), 8, 100, 10).chunks())
    assert caught.value.status == 400 and "connection reset" in caught.value.detail
    late = BodyStream(Failing(), 8, 100, 1)
    late.started -= 1  # its deadline has passed: the failed read was the deadline's
    with pytest.raises(BodyError) as caught:
        late.read(4)
    assert caught.value.status == 408


def test_other_bodies_are_still_buffered_and_refused_before_the_app(hb):
    status, _, answer = call(hb, "POST", "/anything", b"x" * 1001, HTTP_TRANSFER_ENCODING="chunked")
    assert status == 413 and b'"limit": 1000' in answer
    status, _, answer = call(hb, "POST", "/upload", b"x", HTTP_TRANSFER_ENCODING="gzip, chunked")
    assert status == 501  # the framing rules come first, for every route


# -- /trailers ------------------------------------------------------------------------------


def test_trailers_without_a_sender_are_a_501_naming_the_protocol(hb):
    status, _, answer = call(hb, "GET", "/trailers", query="a=1")
    assert status == 501 and b"HTTP/1.1 connection" in answer


def test_trailers_go_to_the_runners_sender(hb):
    sent = []
    status, headers, answer = call(
        hb,
        "POST",
        "/trailers",
        b"hello",
        query="X-Check=abc&Server-Timing=app;dur=1&x-check=DEF",
        CONTENT_LENGTH="5",
        **{SEND_TRAILERS: sent.append},
    )
    assert status == 200 and headers["Trailer"] == "X-Check, Server-Timing"
    # A name asked twice, in any case, is one trailer with the last value, as go-httpbin.
    assert sent == [[("X-Check", "DEF"), ("Server-Timing", "app;dur=1")]]
    assert b'"data": "hello"' in answer and b'"method": "POST"' in answer


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("Content-Length=1", "Content-Length"),
        ("set-cookie=a", "set-cookie"),
        ("Connection=close", "Connection"),
        ("Bad%20Name=1", "Bad Name"),
        ("X-A=%01", "X-A"),
        ("X-A=%C3%A9", "X-A"),
    ],
)
def test_trailers_that_may_not_be_sent_are_400(hb, query, parameter):
    refused(hb.get("/trailers?" + query, status=400), 400, parameter)


# -- cookie attributes ----------------------------------------------------------------------


def test_cookie_attributes_from_the_query(hb):
    response = hb.get(
        "/cookies/set?session=abc&secure=yes&attr[Path]=/app&attr[domain]=example.test"
        "&attr[max-age]=60&attr[secure]=true&attr[HttpOnly]=1&attr[samesite]=strict"
    )
    attributes = "; Path=/app; Domain=example.test; Max-Age=60; Secure; HttpOnly; SameSite=Strict"
    assert response.headers.getall("Set-Cookie") == [
        "session=abc" + attributes,
        "secure=yes" + attributes,  # a plain key is a cookie, whatever its name
    ]


def test_without_attributes_cookies_stay_httpbins(hb):
    assert hb.get("/cookies/set?a=1").headers["Set-Cookie"] == "a=1; Path=/"
    https = hb.get(
        "/cookies/set?a=1&attr[secure]=false", extra_environ={"wsgi.url_scheme": "https"}
    )
    assert https.headers["Set-Cookie"] == "a=1; Path=/"
    assert (
        hb.get("/cookies/delete?a&attr[path]=/app&attr[domain]=.example.test").headers["Set-Cookie"]
        == "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/app; Domain=.example.test"
    )


@pytest.mark.parametrize(
    "attribute, value",
    [
        ("attr[path]", "app"),
        ("attr[path]", "/a;b"),
        ("attr[domain]", "exa mple.test"),
        ("attr[domain]", "-bad.test"),
        ("attr[max-age]", "-1"),
        ("attr[max-age]", "soon"),
        ("attr[max-age]", "99999999"),
        ("attr[secure]", "yes"),
        ("attr[HttpOnly]", "2"),
        ("attr[samesite]", "sometimes"),
        ("attr[expires]", "tomorrow"),
    ],
)
def test_a_bad_cookie_attribute_is_400_naming_it(hb, attribute, value):
    response = hb.get("/cookies/set", {"a": "1", attribute: value}, status=400)
    refused(response, 400, attribute)
    assert "Set-Cookie" not in response.headers
