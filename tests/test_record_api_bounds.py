"""The record's API at the edges of what a client can write: record ids
and numbers past what the store holds (SQLite's INTEGER is a signed 64-bit
number) are a 404 or a 400 naming what was wrong, never a 500 or a feed
that breaks after it started."""

import pytest
from record_support import app_with

LARGEST = 2**63 - 1


@pytest.fixture
def app(tmp_path):
    app = app_with(
        tmp_path, record={"feed_seconds": 1}, routes={"/echo": "echo", "/_requests": "requests"}
    )
    app.get("/echo/one")
    return app


@pytest.mark.parametrize(
    "path",
    ["/_requests/%d" % LARGEST, "/_requests/%d" % (LARGEST + 1),
     "/_requests/99999999999999999999999", "/_requests/99999999999999999999999/raw",
     "/_requests/%s/curl" % ("9" * 5000)],
)  # fmt: skip
def test_an_id_past_the_largest_the_store_holds_is_a_404(app, path):
    assert app.get(path, status=404).json["status"] == 404


@pytest.mark.parametrize(
    "query, parameter",
    [("after=%d" % (LARGEST + 1), "after"), ("before=99999999999999999999999", "before"),
     ("limit=%s" % ("9" * 5000), "limit")],
)  # fmt: skip
def test_a_number_past_the_largest_in_the_query_is_a_400_naming_it(app, query, parameter):
    answer = app.get("/_requests?" + query, status=400)
    assert answer.json["parameter"] == parameter


def test_the_largest_id_is_a_number_the_list_takes(app):
    assert app.get("/_requests?before=%d" % LARGEST).json["requests"][0]["path"] == "/echo/one"


@pytest.mark.parametrize("value", ["99999999999999999999999", str(LARGEST + 1), "9" * 5000])
def test_a_last_event_id_past_the_largest_is_a_400_before_the_feed_starts(app, value):
    answer = app.get("/_requests/events", headers={"Last-Event-ID": value}, status=400)
    assert answer.json["parameter"] == "Last-Event-ID"


def test_the_largest_last_event_id_starts_a_feed_that_ends_by_itself(app):
    answer = app.get("/_requests/events", headers={"Last-Event-ID": str(LARGEST)})
    assert answer.text.startswith('retry: 1000\n\nevent: ready\ndata: {"after": %d}' % LARGEST)
