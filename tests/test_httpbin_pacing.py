"""The paced bodies, ``/drip``, ``/range`` with a ``duration`` and
``/fault/slow``, in-process: one helper (``pacing.paced_bytes``) times them
all, at most ``WRITES_PER_SECOND`` writes a second whatever the size or the
``chunk_size`` asked for, the last byte at the end of the duration."""

import time

import pytest
from httpbin_app import M, call, make

from wsgi_echo.apps.httpbin.pacing import WRITES_PER_SECOND


@pytest.fixture
def hb(tmp_path):
    return make(tmp_path, max_fault_seconds=1, max_drip_bytes=500)


def arrivals(body):
    """(each write's time from the first call, the bytes)."""
    started = time.monotonic()
    times, data = [], b""
    for piece in body:
        times.append(time.monotonic() - started)
        data += piece
    return times, data


@pytest.mark.parametrize(
    "path, query, headers, seconds, expected, first_at_once",
    [("/range/1000", "duration=0.5&chunk_size=1", (), 0.5,
      (b"abcdefghijklmnopqrstuvwxyz" * 39)[:1000], False),
     ("/range/1000", "duration=1&chunk_size=1", [("Range", "bytes=0-499")], 0.5,
      (b"abcdefghijklmnopqrstuvwxyz" * 20)[:500], False),
     ("/drip", "numbytes=500&duration=0.5", (), 0.5, b"*" * 500, False),
     ("/fault/slow", "bytes=500&rate=1000", (), 0.5, b"*" * 500, True)],
    ids=["range", "range-part", "drip", "slow"],
)  # fmt: skip
def test_a_paced_body_makes_at_most_100_writes_a_second(
    hb, path, query, headers, seconds, expected, first_at_once
):
    _, _, body = call(hb, "GET", M + path, query, headers)
    times, data = arrivals(body)
    assert data == expected
    # /range made one write per chunk_size bytes: 1,000 (and 500) here.
    assert len(times) <= int(seconds * WRITES_PER_SECOND) + first_at_once
    # The last byte at the end of the duration; the upper bound allows a loaded machine.
    assert seconds * 0.95 <= times[-1] < seconds + 0.7
    if first_at_once:
        assert times[0] < 0.05


def test_a_chunk_size_within_the_write_rate_is_the_write_size(hb):
    _, _, body = call(hb, "GET", M + "/range/100", "duration=0.2&chunk_size=30")
    pieces = list(body)
    assert [len(piece) for piece in pieces] == [30, 30, 30, 10]
    assert b"".join(pieces) == (b"abcdefghijklmnopqrstuvwxyz" * 4)[:100]
