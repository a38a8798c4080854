"""The fault routes in-process, with WebTest: what needs no server (the
truncated answer's framing, the stall's and the slow body's bounds and
timing, the opt-out) and the 501 every connection fault answers where no
runner put ``protocol.CONNECTION`` in the environ, as here.  What clients
see of each fault under real servers is ``test_httpbin_faults_servers``
(HTTP/1.1) and ``test_httpbin_faults_http2``."""

import time

import pytest
from httpbin_app import M, call, error_of, get, make, no_route

from wsgi_echo.protocol import INCOMPLETE_RESPONSE

CONNECTION_FAULTS = ("reset", "close", "bad-status-line", "bad-chunk")
ALL_FAULTS = (*CONNECTION_FAULTS, "truncate", "stall", "slow")


@pytest.fixture
def faults(tmp_path):
    return make(tmp_path, max_fault_seconds=2, max_drip_bytes=500)


@pytest.mark.parametrize("fault", CONNECTION_FAULTS)
def test_a_connection_fault_without_a_runner_that_offers_it_is_501(faults, fault):
    detail = error_of(get(faults, "/fault/" + fault, status=501), 501)["detail"]
    assert detail == (
        "/fault/%s needs a server that lets the app act on its connection, and this one "
        "does not; wsgi-echo's own command starts one that does" % fault
    )


def test_truncate_promises_100_bytes_sends_50_and_asks_for_the_close(faults):
    environ = {}
    status, headers, body = call(faults, "POST", M + "/fault/truncate", environ=environ)
    assert (status, headers["Content-Length"], b"".join(body)) == (200, "100", b"*" * 50)
    assert headers["Content-Type"] == "application/octet-stream"
    assert environ[INCOMPLETE_RESPONSE] is True
    head = {}
    status, headers, body = call(faults, "HEAD", M + "/fault/truncate", environ=head)
    assert (status, headers["Content-Length"], list(body)) == (200, "100", [])
    assert INCOMPLETE_RESPONSE not in head  # a HEAD answer is whole without its body


def test_stall_holds_the_head_for_its_duration(faults):
    started = time.monotonic()
    assert get(faults, "/fault/stall?duration=300ms").json == {"fault": "stall", "seconds": 0.3}
    # The time is the thing tested: at least the 0.3 s asked for; the upper
    # bound allows a loaded machine.
    assert 0.3 <= time.monotonic() - started < 1.0


def test_a_bare_stall_lasts_10_seconds_or_the_limit(tmp_path):
    short = make(tmp_path, max_fault_seconds=0)
    started = time.monotonic()
    assert get(short, "/fault/stall").json == {"fault": "stall", "seconds": 0}
    # A stall that ignored the limit would last its default, 10 s: the bound
    # is half of that, far above an answer that did not wait.
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize("value", ["3", "2.5s", "-1", "abc", "nan", "1e1"])
def test_a_stall_past_the_limit_or_unreadable_is_400(faults, value):
    error_of(get(faults, "/fault/stall?duration=" + value, status=400), 400, "duration")


def test_slow_sends_the_first_piece_at_once_and_the_last_at_bytes_over_rate(faults):
    status, headers, body = call(faults, "GET", M + "/fault/slow", "bytes=60&rate=100")
    assert (status, headers["Content-Length"]) == (200, "60")
    started = time.monotonic()
    arrivals, data = [], b""
    for piece in body:
        data += piece
        arrivals.append(time.monotonic() - started)
    assert data == b"*" * 60
    # 0.6 s at 100 writes a second would be 61 writes: 60 bytes are 60 of
    # one byte; the bound for the last allows a loaded machine.
    assert len(arrivals) == 60
    assert 0.58 <= arrivals[-1] < 1.2


def test_slow_sends_its_first_piece_with_the_head_not_after_a_pause(faults):
    """2 bytes at 2 a second: two pieces a second apart.  A first piece
    that waited its pause would come at 1 s: the bound is half of that."""
    _, _, body = call(faults, "GET", M + "/fault/slow", "bytes=2&rate=2")
    started = time.monotonic()
    arrivals = []
    for piece in body:
        assert piece == b"*"
        arrivals.append(time.monotonic() - started)
    assert len(arrivals) == 2
    assert arrivals[0] < 0.5
    assert arrivals[1] >= 0.98  # after its pause


def test_a_bare_slow_body_is_1024_bytes_at_256_a_second_or_what_fits_the_limits(tmp_path):
    app = make(tmp_path, max_fault_seconds=0, max_drip_bytes=1024)
    started = time.monotonic()
    assert get(app, "/fault/slow").body == b"*" * 1024
    # At its default rate the body would take 4 s; with no time allowed it
    # is sent at once: the bound is a quarter of the 4 s.
    assert time.monotonic() - started < 1.0
    error = error_of(get(app, "/fault/slow?rate=1000000", status=400), 400, "rate")
    assert error["detail"] == "bytes / rate must be at most 0 seconds: for 1024 bytes, no rate"


@pytest.mark.parametrize(
    "query, parameter, detail",
    [
        ("bytes=501", "bytes", "bytes must be from 1 to 500, got 501"),
        ("bytes=0", "bytes", "bytes must be from 1 to 500, got 0"),
        ("bytes=x", "bytes", "bytes must be a whole number, got 'x'"),
        ("rate=0", "rate", "rate must be at least 1, got 0"),
        ("rate=1.5", "rate", "rate must be a whole number, got '1.5'"),
        (
            "bytes=500&rate=200",
            "rate",
            "bytes / rate must be at most 2 seconds: for 500 bytes, a rate of at least 250",
        ),
    ],
)
def test_slow_bytes_and_rate_are_bounded(faults, query, parameter, detail):
    error = error_of(get(faults, "/fault/slow?" + query, status=400), 400, parameter)
    assert error["detail"] == detail


def test_fault_routes_take_any_method_and_are_listed_on_the_index(faults):
    page = get(faults, "/").text
    for fault in ALL_FAULTS:
        assert "<code>%s/fault/%s</code>" % (M, fault) in page
    assert faults.request(M + "/fault/stall?duration=0", method="PROPFIND").status_int == 200


def test_fault_routes_off_are_no_route_and_not_listed(tmp_path):
    app = make(tmp_path, fault_routes=False)
    for fault in ALL_FAULTS:
        no_route(get(app, "/fault/" + fault, status=404))
    assert "/fault/" not in get(app, "/").text
