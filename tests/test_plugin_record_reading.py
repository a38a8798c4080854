"""How the plugin reads a server's record, as a user's suite runs
(``plugin_suites``): the HTTPS fixtures read theirs with the test CA; a
server that cannot answer for its requests (recording off, no API, stopped)
says why; and a plain ``Server`` outside pytest, whose record starts at its
creation or at a mark, read with a token where it has one.
"""

import os

import pytest
from plugin_suites import run_suite

pytestmark = pytest.mark.server


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
