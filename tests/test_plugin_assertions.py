"""The plugin's assertions on recorded requests, used as a user's suite uses
them: small test files run by pytest in a process of their own (pytester),
against real gunicorn and waitress servers.  A webhook posted from a
background thread, waited for and asserted on; the failure messages, line
by line; one test never seeing another's requests on a shared server, nor
another pytest-xdist worker's; the HTTPS fixtures; ``times=``; and a server
that cannot answer for its requests saying why.
"""

import os
import subprocess
import sys

import pytest

from conftest import PROJECT
from wsgi_echo.testing.process import free_port

pytestmark = pytest.mark.server


def run_suite(pytester, source, *args, env=None):
    """``source`` as a test file, run by pytest in a process of its own (the
    plugin found by its entry point); ``env``: variables for that run."""
    pytester.makepyfile(test_suite=source)
    for name, value in (env or {}).items():
        pytester._monkeypatch.setenv(name, value)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=180)


WEBHOOK_SUITE = """
import threading
import pytest
import requests

def send_webhook_soon(url, payload, signature):
    # The code under test: it posts a webhook from a thread of its own, a
    # moment after it was asked to (the moment stands for its own work).
    def post():
        requests.post(url, json=payload, headers={"X-Signature": signature}, timeout=10)
    timer = threading.Timer(0.3, post)
    timer.start()
    return timer

def test_the_webhook_arrives(wsgi_echo):
    paid = {"event": "paid", "amount": 100}
    sender = send_webhook_soon(wsgi_echo + "/echo/hooks/paid", paid, "s1")
    hook = wsgi_echo.wait_for_request(method="POST", path="/echo/hooks/paid", timeout=10)
    assert hook.json() == {"event": "paid", "amount": 100}
    assert hook.headers["x-signature"] == hook.headers["X-SIGNATURE"] == "s1"
    assert hook.method == "POST" and hook.status == 200 and wsgi_echo.last_request.id == hook.id
    made = wsgi_echo.assert_request_made(
        method="post",
        path="/echo/hooks/paid",
        headers={"Content-Type": "application/json"},
        json={"event": "paid", "amount": 100},
        times=1,
    )
    assert [request.id for request in made] == [hook.id]
    sender.join()

def test_the_webhook_is_wrong(wsgi_echo):
    send_webhook_soon(wsgi_echo + "/echo/hooks/paid", {"event": "paid", "amount": 99}, "s1").join()
    requests.get(wsgi_echo + "/echo/health?probe=1")
    wsgi_echo.assert_request_made(
        method="POST",
        path="/echo/hooks/paid",
        headers={"X-Signature": "s2", "X-Tenant": "t1"},
        json={"event": "paid", "amount": 100},
    )

def test_the_webhook_never_comes(httpbin):
    requests.post(httpbin + "/post", data={"event": "other"})
    httpbin.wait_for_request(method="POST", path="/anything/hook", timeout=1)
"""


def test_a_webhook_sent_in_the_background_is_waited_for_and_checked(pytester):
    result = run_suite(pytester, WEBHOOK_SUITE, "--wsgi-echo-server", "gunicorn")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected POST /echo/hooks/paid with headers "
            "{'X-Signature': 's2', 'X-Tenant': 't1'} and json {'event': 'paid', 'amount': 100} "
            "at least once",
            "E       found 0 matching among the 2 requests recorded at http://127.0.0.1:* "
            "since the test began (after record 1)",
            "E       the closest:",
            "E         #2 POST /echo/hooks/paid -> 200",
            "E             header X-Signature: expected 's2', got 's1'",
            "E             header X-Tenant: missing (expected 't1')",
            "E             json $.amount: expected 100, got 99",
            "E         #3 GET /echo/health?probe=1 -> 200",
            "E             method: expected POST, got GET",
            "E             path: expected '/echo/hooks/paid', got '/echo/health'",
            "E             header X-Signature: missing (expected 's2')",
            "E             header X-Tenant: missing (expected 't1')",
            "E             json: expected {'event': 'paid', 'amount': 100}, but the body is empty",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "E       *WaitTimeout: waited 1s for POST /anything/hook",
            "E       found 0 matching among the 1 request recorded at http://127.0.0.1:* "
            "since the server started",
            "E       the closest:",
            "E         #1 POST /post -> 200",
            "E             path: expected '/anything/hook', got '/post'",
        ],
        consecutive=True,
    )


ISOLATION_SUITE = """
import pytest
import requests
from wsgi_echo.testing import use_class_based_httpbin

SEEN = {}

@pytest.fixture
def registered(httpbin):
    # A fixture of the test's that talks to the server before the test runs.
    requests.post(httpbin + "/post", json={"register": True})

def test_first(httpbin):
    SEEN["pid"] = httpbin.pid
    requests.get(httpbin + "/get?from=first")
    requests.get(httpbin + "/get?from=first-again")
    assert [request.query["from"] for request in httpbin.requests] == ["first", "first-again"]

def test_second_sees_only_its_own(httpbin):
    assert httpbin.pid == SEEN["pid"]  # the same session server
    assert httpbin.requests == []
    requests.get(httpbin + "/get?from=second")
    assert [request.target for request in httpbin.requests] == ["/get?from=second"]
    httpbin.assert_request_made(query={"from": "first"}, times=0)

def test_what_its_fixtures_sent_is_its_own(registered, httpbin):
    httpbin.assert_request_made(method="POST", path="/post", json={"register": True}, times=1)
    assert len(httpbin.requests) == 1

def test_requests_to_one_fixture_are_not_seen_by_another(httpbin, wsgi_echo):
    requests.get(wsgi_echo + "/echo/only-here")
    assert httpbin.requests == [] and [r.path for r in wsgi_echo.requests] == ["/echo/only-here"]

@use_class_based_httpbin
class TestClassBased:
    def test_one(self):
        requests.get(self.httpbin + "/get?c=1")
        assert [request.query["c"] for request in self.httpbin.requests] == ["1"]

    def test_two(self):
        with pytest.raises(AssertionError, match="no request has reached"):
            self.httpbin.last_request
"""


def test_tests_sharing_a_session_server_see_only_their_own_requests(pytester):
    result = run_suite(pytester, ISOLATION_SUITE, "--wsgi-echo-server", "gunicorn")
    result.assert_outcomes(passed=6)


def test_a_fixed_port_keeps_the_tests_apart(pytester):
    """pytest-httpbin's HTTPBIN_HTTP_PORT: the server is on that port, and
    its tests still see only their own requests."""
    port = free_port()
    suite = (
        ISOLATION_SUITE
        + """
import os

def test_on_the_fixed_port(httpbin):
    assert httpbin.port == int(os.environ["HTTPBIN_HTTP_PORT"])
"""
    )
    result = run_suite(pytester, suite, env={"HTTPBIN_HTTP_PORT": str(port)})
    result.assert_outcomes(passed=7)


XDIST_SUITE = """
import os
import pytest
import requests

@pytest.mark.parametrize("number", range(8))
@pytest.mark.parametrize("fixture", ["httpbin", "wsgi_echo"])
def test_each_sees_its_own(httpbin, wsgi_echo, fixture, number):
    server = httpbin if fixture == "httpbin" else wsgi_echo
    prefix = "/get" if fixture == "httpbin" else "/echo/x"
    tag = "%s-%d" % (fixture, number)
    for _ in range(3):
        requests.get(server + prefix + "?tag=" + tag)
    assert [r.query["tag"] for r in server.requests] == [tag] * 3
    server.assert_request_made(path=prefix, query={"tag": tag}, times=3)
    with open(os.environ["SEEN_FILE"], "a") as seen:
        seen.write("%s %s %d\\n" % (os.environ["PYTEST_XDIST_WORKER"], fixture, server.port))
"""


def test_under_xdist_each_worker_has_its_servers_and_each_test_its_requests(pytester):
    seen = pytester.path / "seen.txt"
    result = run_suite(pytester, XDIST_SUITE, "-n", "2", env={"SEEN_FILE": str(seen)})
    result.assert_outcomes(passed=16)
    lines = {tuple(line.split()) for line in seen.read_text().splitlines()}
    workers = {worker for worker, _, _ in lines}
    assert workers == {"gw0", "gw1"}
    ports = {(worker, fixture): port for worker, fixture, port in lines}
    assert len(lines) == len(ports) == 4  # one server per fixture per worker
    assert len(set(ports.values())) == 4


def test_under_xdist_a_fixed_port_is_refused_in_words(pytester):
    port = free_port()
    result = run_suite(
        pytester,
        "def test_one(httpbin):\n    pass\n\ndef test_two(httpbin):\n    pass\n",
        "-n",
        "2",
        env={"HTTPBIN_HTTP_PORT": str(port)},
    )
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*HTTPBIN_HTTP_PORT=%d names one port for 2 pytest-xdist workers, and each worker "
            "runs a server of its own (so that no test sees another worker's requests): unset "
            "HTTPBIN_HTTP_PORT, or run without -n*" % port
        ]
    )


HTTPS_SUITE = """
import requests
from wsgi_echo.testing import certs, use_class_based_httpbin_secure

def test_httpbin_secure(httpbin_secure):
    requests.post(httpbin_secure + "/post", json={"a": 1}, verify=certs.where())
    request = httpbin_secure.last_request
    assert request.scheme == "https" and request.json() == {"a": 1}
    assert (request.tls is not None) == (httpbin_secure.kind == "gunicorn")

def test_wsgi_echo_secure(wsgi_echo_secure):
    requests.put(wsgi_echo_secure + "/echo/x?k=v", data={"f": "1"}, verify=certs.where())
    wsgi_echo_secure.assert_request_made(method="PUT", path="/echo/x", query="k=v", form={"f": "1"})

def test_both(httpbin_both):
    requests.get(httpbin_both + "/get?p=" + httpbin_both.protocol, verify=certs.where())
    assert [r.query["p"] for r in httpbin_both.requests] == [httpbin_both.protocol]

@use_class_based_httpbin_secure
class TestSecureClass:
    def test_one(self):
        requests.get(self.httpbin_secure + "/anything/a", verify=certs.where())
        assert [r.path for r in self.httpbin_secure.requests] == ["/anything/a"]

    def test_two(self):
        assert self.httpbin_secure.requests == []
"""


@pytest.mark.parametrize("kind", ["gunicorn", "waitress"])
def test_https_fixtures_read_their_record_with_the_test_ca(pytester, kind):
    result = run_suite(pytester, HTTPS_SUITE, "--wsgi-echo-server", kind)
    result.assert_outcomes(passed=6)


TIMES_SUITE = """
import requests

def test_twice(httpbin):
    for number in range(2):
        requests.get(httpbin + "/get?n=%d" % number)
    requests.get(httpbin + "/status/204")
    assert len(httpbin.assert_request_made(path="/get", times=2)) == 2
    httpbin.assert_request_made(path="/get", query={"n": "2"}, times=0)
    httpbin.assert_request_made(path="/get", query={"n": "0"}, times=1)
    httpbin.assert_request_made(method="GET", times=3)
    assert httpbin.wait_for_request(path="/get", times=2, timeout=1).query["n"] == "1"

def test_three_times_is_not_twice(httpbin):
    for number in range(3):
        requests.get(httpbin + "/get?n=%d" % number)
    httpbin.assert_request_made(path="/get", times=2)

def test_once_is_not_twice(httpbin):
    requests.get(httpbin + "/get?n=0")
    requests.delete(httpbin + "/delete")
    httpbin.assert_request_made(method="GET", path="/get", times=2)
"""


def test_times_counts_exactly(pytester):
    result = run_suite(pytester, TIMES_SUITE, "--wsgi-echo-server", "waitress")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected a request to /get 2 times",
            "E       found 3 matching among the 3 requests recorded at * since the test began "
            "(after record 3)",
            "E       the matching:",
            "E         #4 GET /get?n=0 -> 200",
            "E         #5 GET /get?n=1 -> 200",
            "E         #6 GET /get?n=2 -> 200",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected GET /get 2 times",
            "E       found 1 matching among the 2 requests recorded at * since the test began "
            "(after record 6)",
            "E       the closest:",
            "E         #8 DELETE /delete -> 200",
            "E             method: expected GET, got DELETE",
            "E             path: expected '/get', got '/delete'",
        ],
        consecutive=True,
    )


UNREADABLE_SUITE = """
import pytest
from wsgi_echo.testing.record_api import RecordUnavailable

def test_recording_off(wsgi_echo_factory):
    server = wsgi_echo_factory(
        "[record]\\nenabled = false\\n[routes]\\n/ = echo\\n/_requests = requests\\n"
    )
    with pytest.raises(RecordUnavailable) as refused:
        server.requests
    assert str(refused.value) == (
        "cannot read the requests of %s: recording is off on this server "
        "([record] enabled = false)" % server.url
    )
    with pytest.raises(RecordUnavailable, match="recording is off"):
        server.assert_request_made(path="/x")

def test_no_api(wsgi_echo_factory):
    server = wsgi_echo_factory("[routes]\\n/ = echo\\n")
    with pytest.raises(RecordUnavailable, match="no route in its \\\\[routes\\\\] mounts the"):
        server.wait_for_request(path="/x", timeout=1)

def test_a_dead_server(wsgi_echo_factory):
    server = wsgi_echo_factory("")
    server.stop()
    with pytest.raises(RecordUnavailable) as refused:
        server.last_request
    assert str(refused.value) == (
        "cannot read the requests of %s: the server is no longer running" % server.url
    )
"""


def test_a_server_that_cannot_answer_for_its_requests_says_why(pytester):
    result = run_suite(pytester, UNREADABLE_SUITE)
    result.assert_outcomes(passed=3)


def test_plain_server_requests_start_at_its_creation_or_a_mark(tmp_path):
    """Outside pytest: a Server's own record starts empty with it; two
    Servers on one SQLite file (a settings file's store, which outlives its
    server) do not see each other's requests; ``mark()`` and ``clear()``;
    a record behind a token is read with it."""
    import requests

    from wsgi_echo.testing import Server, certs
    from wsgi_echo.testing.ini import write_settings

    settings = write_settings(
        tmp_path / "settings.ini",
        record={"store": "sqlite:%s" % (tmp_path / "shared.sqlite3")},
        routes={"/": "echo", "/_requests": "requests"},
    )
    with Server(settings, server="gunicorn") as first:
        requests.get(first + "/from-first")
        assert [request.path for request in first.requests] == ["/from-first"]
    with Server(settings, server="waitress") as second:
        assert second.requests == []
        requests.get(second + "/from-second")
        assert [request.path for request in second.requests] == ["/from-second"]
        marker = second.mark()
        assert second.requests == [] and marker == second.record_api.last_id()
        requests.get(second + "/after-mark")
        assert second.last_request.path == "/after-mark"
        second.clear()
        assert second.requests == [] and second.record_api.since(0) == []
    with Server(server="gunicorn") as own:  # a record of its own: all of it
        requests.get(own + "/get")
        assert [request.id for request in own.requests] == [1]
    token = "a-token-of-twenty-characters"
    with Server("[record]\ntoken = %s\n" % token, server="waitress", secure=True) as guarded:
        requests.get(guarded + "/echo/x", verify=certs.where())
        assert guarded.last_request.path == "/echo/x"  # read with the token, over HTTPS
        anonymous = requests.get(guarded + "/_requests", verify=certs.where())
        assert anonymous.status_code == 401
    assert os.path.exists(tmp_path / "shared.sqlite3")


def python_example(page, after):
    """The first Python example of ``page`` (from the project's root) after
    the line ``after``."""
    with open(os.path.join(PROJECT, page), encoding="utf-8") as handle:
        text = handle.read()
    start = text.index("```python\n", text.index(after)) + len("```python\n")
    return text[start : text.index("```", start)]


@pytest.mark.parametrize(
    "page, after, tests",
    [
        ("docs/testing.md", "## What your code sent", 2),
        ("README.md", "In a test suite", 2),
    ],
)
def test_the_documented_test_examples_pass(pytester, page, after, tests):
    result = run_suite(pytester, python_example(page, after))
    result.assert_outcomes(passed=tests)


def test_the_documented_server_example_runs(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(python_example("docs/testing.md", "## Without pytest"))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:")
