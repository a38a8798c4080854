"""What operators run it with: the instance name, the health path, the access
log in text or JSON with secrets redacted, identical under both servers."""

import json

import pytest

from conftest import SERVERS, app_for, settings_text
from wsgi_echo.testing.clients import at_once, raw, request
from wsgi_echo.testing.waiting import wait_for

SECRET = "s3cr3t-t0ken-value"


def app_with(tmp_path, routes=None, **sections):
    sections.setdefault("log", {"access_log": ""})
    return app_for(settings_text(routes=routes or {"/": "echo"}, **sections), tmp_path)


# -- the instance name ----------------------------------------------------------------------


def test_every_answer_says_which_instance_served_it(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<p>hi</p>")
    app = app_with(
        tmp_path,
        routes={"/echo": "echo", "/": "static"},
        server={"instance": "blue-1"},
        static={"root": tmp_path / "site"},
    )
    echo = app.get("/echo/x")
    assert echo.headers["X-Served-By"] == "blue-1" and echo.json["instance"] == "blue-1"
    assert app.get("/").headers["X-Served-By"] == "blue-1"
    assert app.get("/missing.html", status=404).headers["X-Served-By"] == "blue-1"
    assert (
        app.get("/echo/x", headers={"X-Echo-Status": "bad"}, status=400).headers["X-Served-By"]
        == "blue-1"
    )
    assert app.get("/healthz").headers["X-Served-By"] == "blue-1"


def test_the_instance_defaults_to_the_host_name_and_the_header_can_be_renamed(tmp_path):
    import socket

    app = app_with(tmp_path, server={"instance_header": "X-Instance"})
    response = app.get("/x")
    assert response.headers["X-Instance"] == socket.gethostname()
    assert response.json["instance"] == socket.gethostname()
    assert "X-Served-By" not in response.headers
    quiet = app_with(tmp_path, server={"instance_header": ""})
    assert "X-Served-By" not in quiet.get("/x").headers


# -- the health path -----------------------------------------------------------------------


def test_the_health_path_answers_small_and_first(tmp_path):
    app = app_with(tmp_path, server={"instance": "i-1"}, routes={"/": "echo"})
    response = app.get("/healthz")
    assert response.json == {"status": "ok", "instance": "i-1"}
    assert response.headers["Cache-Control"] == "no-store"
    assert app.head("/healthz").body == b""
    assert app.post("/healthz", status=405).headers["Allow"] == "GET, HEAD"
    assert app.get("/healthz/more").json["path"] == "/healthz/more"  # only the exact path


def test_the_health_path_can_move_or_go(tmp_path):
    moved = app_with(tmp_path, server={"health_path": "/-/ready"})
    assert moved.get("/-/ready").json["status"] == "ok"
    assert moved.get("/healthz").json["path"] == "/healthz"  # now an echo like any other
    gone = app_with(tmp_path, server={"health_path": ""})
    assert gone.get("/healthz").json["path"] == "/healthz"


# -- access log: formats, skipped paths, redaction ------------------------------------------


def logged(tmp_path, requests, **log):
    path = tmp_path / "access.log"
    app = app_with(tmp_path, server={"instance": "i-9"}, log=dict({"access_log": path}, **log))
    for method, target, headers in requests:
        app.request(target, method=method, headers=headers, status="*")
    return path.read_text().splitlines()


def test_json_lines_have_the_documented_fields(tmp_path):
    lines = logged(
        tmp_path,
        [("GET", "/x?q=1", {"User-Agent": "probe/1"}), ("POST", "/y", {"X-Echo-Status": "201"})],
        access_log_format="json",
    )
    first, second = (json.loads(line) for line in lines)
    assert list(first) == [
        "time",
        "client",
        "method",
        "target",
        "protocol",
        "status",
        "bytes",
        "duration_ms",
        "user_agent",
        "instance",
    ]
    assert first["method"] == "GET" and first["target"] == "/x?q=1"
    assert first["status"] == 200 and first["bytes"] > 100
    assert first["user_agent"] == "probe/1" and first["instance"] == "i-9"
    assert first["time"].endswith("Z") and first["duration_ms"] >= 0
    assert second["status"] == 201 and second["method"] == "POST"


def test_skipped_paths_are_not_logged(tmp_path):
    lines = logged(
        tmp_path,
        [
            ("GET", "/healthz", {}),
            ("GET", "/internal/a", {}),
            ("GET", "/internal", {}),
            ("GET", "/kept", {}),
        ],
        access_log_skip="/healthz /internal/*",
    )
    assert len(lines) == 2 and "/internal " in lines[0] and "/kept" in lines[1]
    everything = logged(tmp_path, [("GET", "/healthz", {})], access_log_skip="")
    assert "/healthz" in everything[-1]


def test_kept_headers_are_logged_and_secret_ones_redacted(tmp_path):
    lines = logged(
        tmp_path,
        [
            (
                "GET",
                "/x",
                {
                    "X-Request-Id": "req-42",
                    "Authorization": "Bearer " + SECRET,
                    "Cookie": "session=" + SECRET,
                    "X-Api-Key": SECRET,
                    "Proxy-Authorization": SECRET,
                },
            )
        ],
        access_log_format="json",
        access_log_headers="X-Request-Id Authorization Cookie X-Api-Key Proxy-Authorization",
        redact_headers="X-Api-Key",
    )
    record = json.loads(lines[0])
    assert record["headers"] == {
        "X-Request-Id": "req-42",
        "Authorization": "[redacted]",
        "Cookie": "[redacted]",
        "X-Api-Key": "[redacted]",
        "Proxy-Authorization": "[redacted]",
    }
    assert SECRET not in lines[0]


# -- the same under both servers, and no secret in any log ------------------------------------


@pytest.fixture(scope="module")
def servers(module_starter):
    return module_starter.both(
        settings_text(
            server={"workers": 1, "threads": 4, "instance": "same-name"},
            log={"access_log_format": "json", "access_log_headers": "X-Request-Id Authorization"},
            routes={"/": "echo"},
        )
    )


def test_json_lines_are_identical_under_both_servers_and_carry_no_secret(servers):
    def exchange(server):
        headers = {
            "Authorization": "Basic " + SECRET,
            "Cookie": "a=" + SECRET,
            "X-Request-Id": "r-1",
            "User-Agent": "same/1",
        }
        request(server, "GET", "/same?x=1", headers=headers)
        request(server, "POST", "/same", body=b"body", headers=headers)
        request(server, "GET", "/healthz", headers=headers)
        request(server, "GET", "/same", headers=dict(headers, **{"X-Echo-Status": "nope"}))
        # Refused by the servers' own parsers, with a secret aboard:
        raw(
            server,
            b"GET /x HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + SECRET.encode()
            + b"\r\nBad Header Line\r\n\r\n",
        )

        def three_logged():
            """the three requests the app saw in the access log"""
            records = [
                json.loads(line) for line in server.log().splitlines() if line.startswith("{")
            ]
            return records if len(records) >= 3 else None

        # raw() returned once the server closed on the refusal, after anything
        # it logs of it; the lines of the others come as their close() runs.
        records = wait_for(three_logged, timeout=5)
        assert SECRET not in server.log()
        return records

    records = at_once(exchange, servers)
    comparable = {
        kind: [
            {key: value for key, value in record.items() if key not in ("time", "duration_ms")}
            for record in lines
        ]
        for kind, lines in records.items()
    }
    assert comparable["gunicorn"] == comparable["waitress"]
    assert [(r["method"], r["target"], r["status"]) for r in comparable["gunicorn"]] == [
        ("GET", "/same?x=1", 200),
        ("POST", "/same", 200),
        ("GET", "/same", 400),
    ]
    assert comparable["gunicorn"][0]["headers"] == {
        "X-Request-Id": "r-1",
        "Authorization": "[redacted]",
    }
    assert {r["instance"] for r in comparable["gunicorn"]} == {"same-name"}
    assert {r["protocol"] for r in comparable["gunicorn"]} == {"HTTP/1.1"}


def test_both_servers_answer_the_health_path(servers):
    for kind in SERVERS:
        status, headers, body = request(servers[kind], "GET", "/healthz")
        assert status == 200 and json.loads(body) == {"status": "ok", "instance": "same-name"}
        assert headers["X-Served-By"] == "same-name"
