"""The first routes the httpbin app took from go-httpbin, in-process with WebTest:
``/sse`` (its events, every bad parameter a 400 naming it) and
``/dump/request``.
"""

import json
import time

from httpbin_app import M, get

# -- /sse and /dump/request (go-httpbin) -------------------------------------------------


def test_sse_events(hb):
    started = time.monotonic()
    response = get(hb, "/sse?count=3&duration=100ms")
    assert 0.09 <= time.monotonic() - started < 0.8
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    events = response.body.decode().split("\n\n")
    assert events[-1] == "" and len(events) == 4
    for number, event in enumerate(events[:-1]):
        kind, data = event.split("\n")
        assert kind == "event: ping"
        parsed = json.loads(data[len("data: ") :])
        assert parsed["id"] == number and abs(parsed["timestamp"] / 1000 - time.time()) < 5
        assert data.startswith('data: {"id":')  # Go's compact JSON


def test_dump_request(hb):
    response = hb.post(
        M + "/dump/request?foo=bar",
        params=b"hello",
        extra_environ={
            "HTTP_HOST": "test-host",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REQUEST_URI": "/httpbin/dump/request?foo=bar",
        },
        headers={"x-test-header2": "Test-Value2", "X-Test-Header1": "Test-Value1"},
        content_type="text/plain",
    )
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.body == (
        b"POST /httpbin/dump/request?foo=bar HTTP/1.1\r\nHost: test-host\r\n"
        b"Content-Length: 5\r\nContent-Type: text/plain\r\n"
        b"X-Test-Header1: Test-Value1\r\nX-Test-Header2: Test-Value2\r\n"
        b"\r\nhello"
    )
