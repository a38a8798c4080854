"""The httpbin answers whose content a client chooses (``/base64``,
``/response-headers``, ``/dump/request``) and the HTML pages it serves are
sandboxed (``Content-Security-Policy: sandbox``) and never sniffed
(``X-Content-Type-Options: nosniff``): they share an origin with the
record at ``/_requests``, which holds the secrets clients sent.

In-process, which answers carry the two headers and which do not; then in
a real headless Chromium, served by real gunicorn and waitress, a page a
client wrote, with a script that fetches ``/_requests``, cannot read a
recorded ``Authorization: Bearer secret``: not as a loopback reader, not
as a reader signed in with the ``[record] token`` cookie.  The form page
still posts its form.
"""

import base64
from urllib.parse import quote, urlsplit

import pytest
import test_browser
from httpbin_app import get, make

from conftest import SERVERS, settings_text
from wsgi_echo.testing import clients

SANDBOX = "sandbox"
NOSNIFF = "nosniff"


@pytest.fixture
def hb(tmp_path):
    return make(tmp_path)


def b64(text):
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


@pytest.mark.parametrize(
    "path, policy",
    [("/base64/" + b64("<p>hi</p>"), SANDBOX), ("/base64/decode/" + b64("<p>hi</p>"), SANDBOX),
     ("/base64/decode/" + base64.urlsafe_b64encode(b"\xff<p>").decode(), SANDBOX),
     ("/response-headers?Content-Type=text/html&x=%3Cp%3E", SANDBOX),
     ("/response-headers?x=1", SANDBOX), ("/dump/request", SANDBOX), ("/html", SANDBOX),
     ("/encoding/utf8", SANDBOX), ("/links/3/1", SANDBOX), ("/", SANDBOX),
     ("/forms/post", "sandbox allow-forms")],
)  # fmt: skip
def test_client_chosen_content_and_pages_are_sandboxed_and_never_sniffed(hb, path, policy):
    for method in ("GET", "HEAD"):
        answer = hb.request("/httpbin" + path, method=method)
        assert answer.headers.getall("Content-Security-Policy") == [policy]
        assert answer.headers.getall("X-Content-Type-Options") == [NOSNIFF]


@pytest.mark.parametrize(
    "path", ["/get", "/json", "/xml", "/bytes/4", "/image/svg", "/status/404", "/base64/encode/x"]
)
def test_answers_of_fixed_types_or_content_are_as_httpbin_sends_them(hb, path):
    answer = get(hb, path, status="*")
    assert "Content-Security-Policy" not in answer.headers
    assert "X-Content-Type-Options" not in answer.headers


def test_a_client_cannot_put_its_own_nosniff_value_first(hb):
    answer = get(hb, "/response-headers?X-Content-Type-Options=sniff&Content-Security-Policy=x")
    assert answer.headers.getall("X-Content-Type-Options") == [NOSNIFF, "sniff"]
    # A second policy can only restrict more (CSP Level 3 section 8.1: every policy applies).
    assert answer.headers.getall("Content-Security-Policy") == [SANDBOX, "x"]


# -- in a browser --------------------------------------------------------------------------

browser = test_browser.browser
TOKEN = "a-record-token-of-sixteen-or-more"
# The page a client writes: it reads the record with the reader's own
# credentials (loopback, or the token's cookie) and says what it read.
STEAL = (
    "<script>fetch('/_requests').then(r => r.text()).then(t => console.log('read the record: ' "
    "+ (t.includes('Bearer secret') ? 'the secret' : t.slice(0, 60)))).catch(e => "
    "console.log('read the record: failed ' + e))</script>"
)
HOSTILE = {
    "base64": "/httpbin/base64/" + b64(STEAL),
    "response-headers": "/httpbin/response-headers?Content-Type=text/html&x=" + quote(STEAL),
}
OUTCOME = ("Blocked script execution", "read the record: ")


@pytest.fixture(scope="module", params=["loopback", "token"])
def servers(request, module_starter, browser):
    record = {"token": TOKEN} if request.param == "token" else {}
    text = settings_text(
        server={"workers": 1, "threads": 4},
        log={"access_log": ""},
        record=record,
        routes={"/httpbin": "httpbin", "/echo": "echo", "/_requests": "requests"},
    )
    started = {kind: module_starter(kind, text) for kind in SERVERS}
    for server in started.values():
        server.token = record.get("token")
    return started


@pytest.fixture(params=SERVERS)
def reader(request, browser, servers):
    """A browser context that may read the record: on loopback, and signed in
    when the server wants the token."""
    server = servers[request.param]
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    if server.token:
        page.goto("/_requests/?token=" + server.token)
        assert context.cookies()[0]["name"] == "wsgi_echo_record"
        # Leave the inspector, whose own requests (its feed) would be counted below.
        page.goto("about:blank")
    status, _, _ = clients.request(
        server, "GET", "/echo/pay", headers={"Authorization": "Bearer secret"}
    )
    assert status == 200
    page.server = server
    yield page
    context.close()


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.parametrize("route", sorted(HOSTILE))
def test_a_page_a_client_wrote_cannot_read_the_record(reader, route):
    # The reader can read it: the secret is there to be stolen.
    authorization = (
        {"Authorization": "Bearer " + reader.server.token} if reader.server.token else {}
    )
    status, _, body = clients.request(reader.server, "GET", "/_requests", headers=authorization)
    assert status == 200 and b"Bearer secret" in body
    fetched = []
    reader.on("request", lambda request: fetched.append(request.url))
    # Either Chromium refuses to run the page's script, or the script reports
    # what it read: one console message or the other arrives, whichever happens.
    with reader.expect_console_message(
        lambda message: message.text.startswith(OUTCOME), timeout=10000
    ) as message:
        reader.goto(HOSTILE[route])
    assert message.value.text.startswith("Blocked script execution"), message.value.text
    assert not any(urlsplit(url).path.startswith("/_requests") for url in fetched)


@pytest.mark.browser
@pytest.mark.server
def test_the_sandboxed_form_page_still_posts_its_form(reader):
    reader.goto("/httpbin/forms/post")
    reader.fill("input[name=name]", "Ada")
    with reader.expect_navigation(url="**/httpbin/post", timeout=10000):
        reader.click("button")
    assert '"name": "Ada"' in reader.content()
