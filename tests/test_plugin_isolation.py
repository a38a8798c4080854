"""Each test sees only its own requests on a shared server, as a user's
suite runs (``plugin_suites``): tests sharing a session server, a fixed
port (pytest-httpbin's HTTPBIN_HTTP_PORT), and pytest-xdist workers, each
with servers of its own, and a fixed port refused under xdist in words.
"""

import pytest
from plugin_suites import run_suite

from wsgi_echo.testing.process import free_port

pytestmark = pytest.mark.server


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
