"""The recorder and the record's API in-process (WebTest), on a real SQLite
file: what is recorded and what is not, what a record holds, the list and
its filters, one record as JSON, raw HTTP, curl and HAR, clearing and bad
parameters (who may read, and a store that fails: test_record_api_access)."""

import base64

import pytest
from record_support import app_with, listed, paths


@pytest.fixture
def app(tmp_path):
    return app_with(tmp_path)


# -- what is recorded -------------------------------------------------------------------


def test_echo_and_httpbin_are_recorded_newest_first(app, tmp_path):
    (tmp_path / "index.html").write_text("<p>hi</p>")
    app.get("/echo/one")
    app.get("/httpbin/get")
    app.get("/index.html")
    app.get("/healthz")
    app.get("/_requests")
    assert paths(app) == ["/httpbin/get", "/echo/one"]


def test_the_health_path_is_never_recorded_even_under_a_recorded_mount(tmp_path):
    app = app_with(tmp_path, routes={"/": "echo", "/_requests": "requests"})
    app.get("/healthz")
    app.get("/healthzz")
    assert paths(app) == ["/healthzz"]


def test_mounts_names_the_app_kinds_recorded(tmp_path):
    app = app_with(tmp_path, record={"mounts": "httpbin"})
    app.get("/echo/x")
    app.get("/httpbin/get")
    assert paths(app) == ["/httpbin/get"]


def test_recording_off_records_nothing_and_the_api_still_answers(tmp_path):
    app = app_with(tmp_path, record={"enabled": False})
    app.get("/echo/x")
    assert listed(app)["requests"] == []


def test_a_record_holds_the_request_as_received(app):
    app.post(
        "/echo/hook?x=1&y=%C3%A9",
        b'{"event": "paid"}',
        headers=[
            ("Content-Type", "application/json"),
            ("X-Signature", "sha256=abc"),
            ("Authorization", "Bearer secret-token"),
        ],
    )
    record = listed(app)["requests"][0]
    assert list(record) == [
        "id", "time", "instance", "client", "method", "target", "path", "http_version",
        "scheme", "host", "tls", "headers", "body", "body_encoding", "body_size",
        "body_truncated", "status", "duration_ms",
    ]  # fmt: skip
    assert record["method"] == "POST"
    assert record["target"] == "/echo/hook?x=1&y=%C3%A9"
    assert record["path"] == "/echo/hook"
    assert record["client"] == "127.0.0.1"
    assert record["tls"] is None
    assert record["scheme"] == "http"
    headers = dict(record["headers"])
    # The record is for authorised readers: secrets are kept as sent.
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["X-Signature"] == "sha256=abc"
    assert headers["Content-Type"] == "application/json"
    assert record["body"] == '{"event": "paid"}'
    assert record["body_encoding"] == "utf-8"
    assert (record["body_size"], record["body_truncated"]) == (17, False)
    assert record["status"] == 200
    assert record["time"].endswith("Z") and record["time"][10] == "T"


def test_headers_keep_the_order_they_came_in(app):
    app.get("/echo/x", headers=[("X-Zulu", "1"), ("X-Alpha", "2"), ("X-Mike", "3")])
    names = [name for name, _ in listed(app)["requests"][0]["headers"]]
    assert [name for name in names if name.startswith("X-")] == ["X-Zulu", "X-Alpha", "X-Mike"]


def test_status_and_duration_are_the_answers(app):
    app.get("/httpbin/status/418", status=418)
    app.get("/echo/slow", headers={"X-Echo-Delay": "120"})
    slow, teapot = listed(app)["requests"]
    assert teapot["status"] == 418
    assert slow["duration_ms"] >= 120


def test_a_body_past_the_cap_is_cut_and_marked(tmp_path):
    app = app_with(tmp_path, record={"max_body_bytes": 8})
    app.post("/echo/x", b"0123456789abcdef", headers={"Content-Type": "text/plain"})
    record = listed(app)["requests"][0]
    assert record["body"] == "01234567"
    assert (record["body_size"], record["body_truncated"]) == (16, True)


def test_a_binary_body_is_kept_as_base64(app):
    data = bytes(range(256))
    app.post("/echo/bin", data, headers={"Content-Type": "application/octet-stream"})
    record = listed(app)["requests"][0]
    assert record["body_encoding"] == "base64"
    assert base64.b64decode(record["body"]) == data


def test_a_refused_body_is_recorded_with_its_status(tmp_path):
    app = app_with(tmp_path, server={"max_request_bytes": 4})
    app.post("/echo/big", b"too large", status=413)
    record = listed(app)["requests"][0]
    assert (record["status"], record["body"]) == (413, "")
    assert dict(record["headers"])["Content-Length"] == "9"


def test_the_client_is_the_one_the_trusted_proxy_names(tmp_path):
    app = app_with(tmp_path, proxy={"trusted": "127.0.0.1"})
    app.get("/echo/x", headers={"X-Forwarded-For": "127.0.0.9", "X-Forwarded-Proto": "https"})
    record = listed(app)["requests"][0]
    assert (record["client"], record["scheme"]) == ("127.0.0.9", "https")


# -- the API ----------------------------------------------------------------------------


def test_the_list_filters_and_pages(app):
    for path in ("/echo/a", "/echo/b", "/httpbin/get", "/echo/a/deeper"):
        app.get(path)
    app.post("/echo/a", b"x")
    assert paths(app, "?method=post") == ["/echo/a"]
    assert paths(app, "?path=/echo/a") == ["/echo/a", "/echo/a/deeper", "/echo/a"]
    assert paths(app, "?limit=2") == ["/echo/a", "/echo/a/deeper"]
    ids = [entry["id"] for entry in listed(app)["requests"]]
    assert paths(app, "?after=%d" % ids[2]) == ["/echo/a", "/echo/a/deeper"]
    assert paths(app, "?before=%d" % ids[2]) == ["/echo/b", "/echo/a"]
    assert paths(app, "?limit=999999") == paths(app, "?limit=1000")


def test_last_id_is_the_marker_after_which_everything_is_new(app):
    app.get("/echo/before")
    marker = listed(app, "?limit=0")
    assert marker["requests"] == []
    app.get("/echo/after")
    assert paths(app, "?after=%d" % marker["last_id"]) == ["/echo/after"]


@pytest.mark.parametrize(
    "query, parameter",
    [("limit=-1", "limit"), ("after=x", "after"), ("before=0", "before"),
     ("method=GE%20T", "method"), ("path=echo", "path")],
)  # fmt: skip
def test_a_bad_parameter_is_a_400_naming_it(app, query, parameter):
    answer = app.get("/_requests?" + query, status=400)
    assert answer.json["parameter"] == parameter


def test_one_record_in_full_as_raw_http_and_as_curl(app):
    app.post(
        "/echo/hook?a=1", b"name=Ada", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    record_id = listed(app)["requests"][0]["id"]
    one = app.get("/_requests/%d" % record_id).json
    assert one["body"] == "name=Ada" and one["id"] == record_id
    raw = app.get("/_requests/%d/raw" % record_id)
    assert raw.content_type == "text/plain"
    assert raw.body.startswith(b"POST /echo/hook?a=1 HTTP/1.0\r\nHost: 127.0.0.1:8080\r\n")
    assert raw.body.endswith(b"\r\n\r\nname=Ada")
    curl = app.get("/_requests/%d/curl" % record_id).text
    assert curl == (
        "curl 'http://127.0.0.1:8080/echo/hook?a=1' "
        "-H 'Content-Type: application/x-www-form-urlencoded' --data-binary name=Ada\n"
    )
    assert app.get("/_requests/%d" % (record_id + 50), status=404).json["status"] == 404
    app.get("/_requests/%d/other" % record_id, status=404)


def test_curl_sends_a_binary_body_through_printf(app):
    app.put("/echo/bin", b"\x00\xff", headers={"Content-Type": "application/octet-stream"})
    record_id = listed(app)["requests"][0]["id"]
    curl = app.get("/_requests/%d/curl" % record_id).text
    assert curl.startswith("printf '\\000\\377' | curl -X PUT ")
    assert curl.rstrip().endswith("--data-binary @-")


def test_the_list_as_har_1_2(app):
    app.post("/echo/a?q=1", b'{"k": 1}', headers={"Content-Type": "application/json"})
    app.get("/httpbin/status/404", status=404)
    har = app.get("/_requests/har").json["log"]
    assert har["version"] == "1.2" and har["creator"]["name"] == "wsgi-echo"
    second, first = har["entries"]
    assert second["response"]["status"] == 404
    request = first["request"]
    assert request["method"] == "POST"
    assert request["url"] == "http://127.0.0.1:8080/echo/a?q=1"
    assert request["queryString"] == [{"name": "q", "value": "1"}]
    assert request["postData"] == {"mimeType": "application/json", "text": '{"k": 1}'}
    assert {"name": "Content-Type", "value": "application/json"} in request["headers"]
    for entry in har["entries"]:
        assert set(entry) >= {"startedDateTime", "time", "request", "response", "cache", "timings"}


def test_delete_clears_and_ids_go_on(app):
    app.get("/echo/x")
    last = listed(app)["last_id"]
    answer = app.delete("/_requests", status=204)
    assert answer.headers["Cache-Control"] == "no-store"
    assert listed(app) == {"requests": [], "last_id": last, "dropped": 0}
    app.get("/echo/y")
    assert listed(app)["requests"][0]["id"] == last + 1


def test_wrong_methods_are_405_with_allow(app):
    assert app.post("/_requests", status=405).headers["Allow"] == "GET, HEAD, DELETE"
    assert app.delete("/_requests/1", status=405).headers["Allow"] == "GET, HEAD"
    app.get("/_requests/nothing-here", status=404)


def test_a_browser_asking_for_the_list_is_sent_to_the_page(app):
    answer = app.get("/_requests", headers={"Accept": "text/html,*/*"}, status=302)
    assert answer.headers["Location"].endswith("/_requests/")
    page = app.get("/_requests/")
    assert page.content_type == "text/html"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert app.get("/_requests/inspector.js").content_type == "text/javascript"
    css = app.get("/_requests/style.css").text
    assert "--accent" in css and ".inspector" in css
