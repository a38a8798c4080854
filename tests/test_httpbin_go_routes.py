"""go-httpbin's timed routes in the httpbin app, in-process with WebTest:
durations with units on every route that waits, ``/jsonl``, ``/sse``'s
jitter and ``/unstable``.  The data routes are
``test_httpbin_go_routes_data``, the request bodies (``/upload``,
``/trailers``, cookie attributes) ``test_httpbin_go_routes_bodies``."""

import json
import random
import time

import pytest
from go_routes_helpers import make, refused

from wsgi_echo.apps.httpbin import pacing
from wsgi_echo.apps.httpbin.params import ParameterError, duration


@pytest.fixture
def hb(tmp_path):
    return make(tmp_path)


# -- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("0.5", 0.5),
        ("2", 2.0),
        ("250ms", 0.25),
        ("1.5s", 1.5),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        ("1500us", 0.0015),
        ("1500\u00b5s", 0.0015),
        ("7ns", 7e-9),
        (".5s", 0.5),
    ],
)
def test_durations_are_seconds_or_go_durations(text, seconds):
    assert duration(text, "d", 3600) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["-1s", "+1s", "1e1s", "1", "1s-", "ms", "1x", "inf", "nan", ""])
def test_bad_durations_name_the_parameter(text):
    with pytest.raises(ParameterError) as caught:
        duration(text, "delay", 0.9)
    assert caught.value.name == "delay"


def test_a_duration_over_the_bound_is_refused_or_clamped():
    with pytest.raises(ParameterError, match="at most 10 seconds"):
        duration("1m", "duration", 10)
    assert duration("9" * 400 + "h", "delay", 10, clamp=True) == 10  # an overflow, clamped


def test_every_timed_route_takes_units(hb):
    # Each bound is the route's time; 0.8 s is well under the 1 s max_delay.
    for path in ("/delay/150ms", "/drip?numbytes=2&duration=150ms", "/range/10?duration=150ms"):
        started = time.monotonic()
        assert hb.get(path).status_int == 200
        assert 0.14 <= time.monotonic() - started < 0.8, path
    refused(hb.get("/drip?duration=2s", status=400), 400, "duration")
    refused(hb.get("/range/10?duration=1m", status=400), 400, "duration")


# -- /jsonl and /sse ------------------------------------------------------------------------


def test_jsonl_lines_have_go_httpbins_keys_in_order(hb):
    response = hb.get("/jsonl?count=3&a=1", extra_environ={"REMOTE_ADDR": "10.0.0.7"})
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = response.body.split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4
    for number, line in enumerate(lines[:-1]):
        assert line.startswith(b'{"id":%d,"args":' % number)  # compact, id first
        document = json.loads(line)
        assert list(document) == ["id", "args", "headers", "origin", "url"]
        assert document["args"] == {"count": "3", "a": "1"} and document["origin"] == "10.0.0.7"


def test_jsonl_defaults_to_ten_lines_at_once_within_the_bound(tmp_path):
    assert len(make(tmp_path, max_stream_lines=100).get("/jsonl").body.splitlines()) == 10
    assert len(make(tmp_path).get("/jsonl").body.splitlines()) == 5  # max_stream_lines


def test_jsonl_spreads_its_lines_over_the_duration(hb):
    started = time.monotonic()
    assert len(hb.get("/jsonl?count=3&duration=200ms&jitter=1").body.splitlines()) == 3
    assert 0.19 <= time.monotonic() - started < 0.8  # jitter never stretches the duration


@pytest.mark.parametrize("route", ["/jsonl", "/sse"])
@pytest.mark.parametrize(
    "query, parameter",
    [
        ("count=0", "count"),
        ("count=6", "count"),
        ("count=x", "count"),
        ("count=2&duration=0.1&jitter=1.5", "jitter"),
        ("count=2&duration=0.1&jitter=-0.5", "jitter"),
        ("count=2&duration=0.1&jitter=x", "jitter"),
        ("count=2&duration=2s", "duration"),
        ("count=2&duration=600ms&delay=500ms", "duration"),
        ("count=2&duration=0.1&delay=soon", "delay"),
    ],
)
def test_bad_stream_parameters_are_400(hb, route, query, parameter):
    refused(hb.get(route + "?" + query, status=400), 400, parameter)


def test_jitter_moves_the_pauses_but_keeps_their_sum():
    rng = random.Random(7)
    pauses = pacing.pauses(9, 1.0, 0.5, rng)
    assert sum(pauses) == pytest.approx(1.0)
    assert len(set(pauses)) == 9  # each its own
    # Each weight is 1 +/- 0.5 before scaling: no pause is over three times another.
    assert max(pauses) <= 3 * min(pauses)
    assert list(pacing.pauses(4, 1.0, 0, rng)) == [0.25] * 4
    assert list(pacing.pauses(0, 1.0, 1, rng)) == []


def test_sse_takes_jitter(hb):
    started = time.monotonic()
    body = hb.get("/sse?count=4&duration=150ms&jitter=0.8").body
    assert body.count(b"event: ping\n") == 4
    assert 0.14 <= time.monotonic() - started < 0.8


def test_head_of_jsonl_never_starts_the_stream(hb):
    started = time.monotonic()
    response = hb.head("/jsonl?count=2&duration=900ms")
    assert response.body == b"" and time.monotonic() - started < 0.5


# -- /unstable ------------------------------------------------------------------------------


def test_unstable_with_a_seed_always_answers_the_same(hb):
    outcomes = {}
    for seed in range(20):
        codes = {hb.get("/unstable?seed=%d" % seed, status="*").status_int for _ in range(3)}
        assert len(codes) == 1, seed
        outcomes[seed] = codes.pop()
    # The first draw of random.Random(seed) against the default rate of 0.5.
    assert outcomes == {
        seed: 500 if random.Random(seed).random() < 0.5 else 200 for seed in range(20)
    }
    assert set(outcomes.values()) == {200, 500}


def test_unstable_failure_rate_and_answer(hb):
    for _ in range(10):
        assert hb.get("/unstable?failure_rate=0").status_int == 200
        failed = hb.post("/unstable?failure_rate=1", status=500)
        assert failed.body == b"" and failed.headers["Content-Type"] == "text/plain; charset=utf-8"
    codes = {hb.get("/unstable", status="*").status_int for _ in range(100)}
    assert codes == {200, 500}  # both, unseeded, at 0.5 (each missing: 2**-100)


@pytest.mark.parametrize(
    "query, parameter",
    [("failure_rate=1.5", "failure_rate"), ("failure_rate=-1", "failure_rate"), ("seed=x", "seed")],
)
def test_bad_unstable_parameters_are_400(hb, query, parameter):
    refused(hb.get("/unstable?" + query, status=400), 400, parameter)
