"""The pytest plugin, driven the way a user's suite drives it: small test
files run by pytest itself (pytester), against real gunicorn and waitress
processes.  Covers pytest-httpbin's fixtures, our own, TLS verified with
the generated CA, class-based use, the choice of server, the rule when
pytest-httpbin is installed too, and a server that dies.
"""

import os
import ssl
import subprocess
import sys

import pytest

pytestmark = pytest.mark.server


def run(pytester, source, *args, files=None):
    """Run ``source`` as a test file with pytest in a process of its own, as
    a user's suite runs: the plugin found by its entry point."""
    pytester.makepyfile(test_suite=source, **(files or {}))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", *args, timeout=120)


HTTPBIN_SUITE = """
import json, os, ssl, urllib.request
import pytest
import requests
from wsgi_echo.testing import certs

def test_httpbin_over_http(httpbin):
    assert httpbin.protocol == "http" and httpbin.host == "127.0.0.1"
    assert str(httpbin) == httpbin.url == "http://127.0.0.1:%d" % httpbin.port
    assert httpbin + "/get" == httpbin.url + "/get" == httpbin.join("/get")
    data = requests.get(httpbin + "/get?a=1", headers={"X-Test": "t"}).json()
    assert data["args"] == {"a": "1"} and data["headers"]["X-Test"] == "t"
    assert data["url"] == httpbin.url + "/get?a=1"

def test_httpbin_over_https_verified_with_the_generated_ca(httpbin_secure):
    assert httpbin_secure.protocol == "https"
    response = requests.get(httpbin_secure.join("/status/418"), verify=certs.where())
    assert response.status_code == 418

def test_the_ca_bundle_fixture_sets_requests_ca_bundle(httpbin_secure, httpbin_ca_bundle):
    assert os.environ["REQUESTS_CA_BUNDLE"] == certs.where() == httpbin_ca_bundle
    assert requests.get(httpbin_secure + "/get").status_code == 200

def test_an_unverified_https_request_fails(httpbin_secure):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(httpbin_secure + "/get", verify=True)

def test_both(httpbin_both):
    response = requests.get(httpbin_both + "/get", verify=certs.where())
    assert response.json()["url"].startswith(httpbin_both.protocol + "://")

def test_keep_alive_is_kept(httpbin):
    import http.client
    connection = http.client.HTTPConnection(httpbin.host, httpbin.port, timeout=10)
    connection.request("GET", "/get")
    first = connection.getresponse()
    first.read()
    sock = connection.sock
    connection.request("GET", "/get")
    assert connection.getresponse().status == 200
    assert sock is not None and connection.sock is sock  # one connection, two answers
    connection.close()
"""


CLASS_BASED_SUITE = """
from wsgi_echo.testing import use_class_based_httpbin, use_class_based_httpbin_secure

@use_class_based_httpbin
@use_class_based_httpbin_secure
class TestClassBased:
    def test_both_servers_are_on_the_class(self):
        assert requests.get(self.httpbin + "/get").status_code == 200
        assert requests.get(self.httpbin_secure + "/get", verify=certs.where()).ok
"""

OUR_FIXTURES_SUITE = """
def test_our_http_server(wsgi_echo):
    assert requests.get(wsgi_echo + "/echo/x?a=1").json()["query"] == {"a": "1"}
    assert requests.get(wsgi_echo + "/httpbin/get").json()["url"].endswith("/httpbin/get")
    assert requests.get(wsgi_echo + "/hello.txt").text == "hello from the test's own site"

def test_our_https_server(wsgi_echo_secure):
    data = requests.get(wsgi_echo_secure + "/echo/x", verify=certs.where()).json()
    assert data["scheme"] == "https" and data["secure"] is True

def test_factory(wsgi_echo_factory):
    server = wsgi_echo_factory("[echo]\\nmax_delay_ms = 5\\n[routes]\\n/ = echo\\n")
    response = requests.get(server + "/any", headers={"X-Echo-Delay": "50"})
    assert response.status_code == 400 and response.json()["header"] == "X-Echo-Delay"
"""

HTTP2_SUITE = """
import httpx

def test_secure_fixtures_negotiate_http2(httpbin_secure, wsgi_echo_secure):
    context = ssl.create_default_context(cafile=certs.where())
    with httpx.Client(http2=True, verify=context) as client:
        assert client.get(httpbin_secure + "/get").http_version == "HTTP/2"
        echoed = client.get(wsgi_echo_secure + "/echo/x").json()
    assert echoed["http_version"] == "2" and echoed["tls"]["alpn"] == "h2"
"""

STATIC_ROOT_CONFTEST = """
import pytest

@pytest.fixture(scope="session")
def wsgi_echo_static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "hello.txt").write_text("hello from the test's own site")
    return str(root)
"""


def test_every_fixture_under_gunicorn(pytester):
    """pytest-httpbin's fixtures, the class decorators, our own fixtures with
    a static root the suite chooses, and HTTP/2 on the secure ones."""
    pytester.makeconftest(STATIC_ROOT_CONFTEST)
    result = run(
        pytester,
        HTTPBIN_SUITE + CLASS_BASED_SUITE + OUR_FIXTURES_SUITE + HTTP2_SUITE,
        "--wsgi-echo-server",
        "gunicorn",
    )
    result.assert_outcomes(passed=12)


def test_every_fixture_under_waitress_chosen_by_option(pytester):
    pytester.makeconftest(STATIC_ROOT_CONFTEST)
    result = run(
        pytester,
        HTTPBIN_SUITE
        + CLASS_BASED_SUITE
        + OUR_FIXTURES_SUITE
        + """
def test_the_server_is_waitress(httpbin):
    assert httpbin.kind == "waitress"
    assert requests.get(httpbin + "/get").headers["Server"] == "waitress"
""",
        "--wsgi-echo-server",
        "waitress",
    )
    result.assert_outcomes(passed=12)


def test_the_ini_chooses_the_server_and_failures_show_the_log_and_a_dead_server(pytester):
    """Under waitress chosen in the ini file: a failing test's report ends with
    its server's log, and a test whose server died says so."""
    pytester.makeini("[pytest]\nwsgi_echo_server = waitress\n")
    result = run(
        pytester,
        """
import os, signal
import requests

def test_fails(httpbin):
    assert httpbin.kind == "waitress"
    requests.get(httpbin + "/get?marker=in-the-log")
    assert False

def test_kill(httpbin):
    os.kill(httpbin.pid, signal.SIGKILL)
    assert httpbin.wait(timeout=10) == -signal.SIGKILL

def test_next(httpbin):
    pass
""",
    )
    result.assert_outcomes(failed=1, passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*wsgi-echo waitress server log (http://127.0.0.1:*)*",
            "*GET /get?marker=in-the-log HTTP/1.1* 200 *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*the wsgi-echo waitress server at http://127.0.0.1:* is no "
            "longer running (exit status -9)*"
        ]
    )


def test_with_pytest_httpbin_installed_its_fixtures_win_and_ours_can_be_chosen(
    pytester, monkeypatch
):
    """pytest-httpbin stands in as an installed distribution of the same
    shape (a pytest11 entry point named "httpbin") whose fixture answers
    "theirs": installed, it keeps the httpbin names; with -p no:httpbin, as
    the README says, ours serve them."""
    site = pytester.mkdir("site")
    (site / "pytest_httpbin").mkdir()
    (site / "pytest_httpbin" / "__init__.py").write_text("")
    (site / "pytest_httpbin" / "plugin.py").write_text(
        "import pytest\n@pytest.fixture(scope='session')\ndef httpbin():\n    return 'theirs'\n"
    )
    info = site / "pytest_httpbin-2.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pytest-httpbin\nVersion: 2.1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nhttpbin = pytest_httpbin.plugin\n")
    monkeypatch.setenv("PYTHONPATH", str(site))
    suite = """
def test_which(httpbin):
    print("HTTPBIN IS", "theirs" if httpbin == "theirs" else "ours")
"""
    theirs = run(pytester, suite, "-s")
    theirs.assert_outcomes(passed=1)
    theirs.stdout.fnmatch_lines(["*HTTPBIN IS theirs*"])
    ours = run(pytester, suite, "-s", "-p", "no:httpbin")
    ours.assert_outcomes(passed=1)
    ours.stdout.fnmatch_lines(["*HTTPBIN IS ours*"])


def test_certs_where_works_without_pytest_and_verifies_the_server(tmp_path):
    code = (
        "import sys; sys.modules['pytest'] = None\n"
        "from wsgi_echo.testing import certs\nprint(certs.where())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    bundle = result.stdout.strip()
    assert os.path.isfile(bundle)
    from wsgi_echo.testing import Server

    with Server("[routes]\n/ = echo\n", server="gunicorn", secure=True) as server:
        context = ssl.create_default_context(cafile=bundle)
        import urllib.request

        for host in ("127.0.0.1", "localhost"):
            with urllib.request.urlopen(
                "https://%s:%d/x" % (host, server.port), context=context
            ) as response:
                assert response.status == 200


@pytest.mark.parametrize(
    "kind, own, key, held",
    [
        # The test's own http2 = false held: no ALPN protocol was chosen.
        ("gunicorn", "[tls]\nhttp2 = false\n", lambda data: data["tls"]["alpn"], None),
        # The test's own trusted proxy held beside the relay's assume_scheme.
        (
            "waitress",
            "[proxy]\ntrusted = 127.0.0.1\n",
            lambda data: data["remote_addr"],
            "203.0.113.9",
        ),
    ],
    ids=["gunicorn-tls", "waitress-proxy"],
)
def test_a_secure_server_keeps_the_tests_own_tls_and_proxy_keys(kind, own, key, held):
    import json
    import urllib.request

    from wsgi_echo.testing import Server, certs

    with Server(own + "[routes]\n/ = echo\n", server=kind, secure=True) as server:
        context = ssl.create_default_context(cafile=certs.where())
        request = urllib.request.Request(server + "/x", headers={"X-Forwarded-For": "203.0.113.9"})
        with urllib.request.urlopen(request, context=context) as response:
            data = json.loads(response.read())
    assert data["scheme"] == "https"
    assert key(data) == held
