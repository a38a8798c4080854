"""The site in a real headless Chromium, served by real gunicorn and waitress:
the index renders with its stylesheet, its three images load, the form
round-trips through /echo, and a missing page shows the custom 404.

Skipped with a reason when Chromium (or Playwright) is missing, except with
REQUIRE_BROWSER=1, as CI sets: there a missing browser is a failure.
"""

import json
import shutil

import pytest

from conftest import HTDOCS, SERVERS, echo_settings, required

pytestmark = pytest.mark.browser

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Chromium as root needs --no-sandbox; the rest keep it from reaching out to
# the network this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def find_chromium():
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    executable = required(
        find_chromium(), "REQUIRE_BROWSER", "no Chromium installed (apt-get install chromium)"
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        required(
            None,
            "REQUIRE_BROWSER",
            "Playwright for Python is not installed (pip install -e '.[test]')",
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def servers(module_starter, browser):
    ini = "[server]\nworkers = 1\nthreads = 4\n[static]\nroot = %s\n" % HTDOCS
    return {kind: module_starter(kind, ini) for kind in SERVERS}


@pytest.fixture(params=SERVERS)
def page(request, browser, servers):
    server = servers[request.param]
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    page.server = server
    yield page
    context.close()


def test_index_renders_with_its_stylesheet_and_script(page):
    response = page.goto("/")
    assert response.status == 200
    assert page.title() == "wsgi-echo"
    assert page.text_content("h1") == "wsgi-echo"
    # style.css sets the heading colour to #1e3c78.
    color = page.eval_on_selector("h1", "e => getComputedStyle(e).color")
    assert color == "rgb(30, 60, 120)"


def test_the_three_images_load(page):
    page.goto("/")
    page.wait_for_load_state("load")
    for image in ("#img-jpg", "#img-png", "#img-gif"):
        complete, width = page.eval_on_selector(image, "i => [i.complete, i.naturalWidth]")
        assert complete and width == 240, image


def test_form_round_trips_through_the_echo(page):
    page.goto("/")
    page.fill("#echo-path", "/echo/from-the-browser")
    page.fill("#echo-message", "héllo from chromium")
    page.click("#echo-send")
    page.wait_for_function("document.getElementById('echo-result').dataset.status !== undefined")
    assert page.get_attribute("#echo-result", "data-status") == "200"
    data = json.loads(page.text_content("#echo-result"))
    assert data["method"] == "POST"
    assert data["path"] == "/echo/from-the-browser"
    assert data["json"] == {"message": "héllo from chromium"}
    assert data["headers"]["X-Requested-With"] == "wsgi-echo-demo"
    assert data["host"] == "127.0.0.1:%d" % page.server.port


def test_missing_page_shows_the_custom_404(page):
    response = page.goto("/no-such-page.html")
    assert response.status == 404
    assert page.text_content("#error-title") == "404 Not Found"
    assert page.text_content("#error-path") == "/no-such-page.html"
    # The error page's stylesheet loads too.
    color = page.eval_on_selector("h1", "e => getComputedStyle(e).color")
    assert color == "rgb(30, 60, 120)"


# -- CORS: browser code on one origin calling the echo on another -------------------------

FETCH = """async ([url, header]) => {
    try {
        const response = await fetch(url, {method: "PUT", body: "{\\"from\\": \\"chromium\\"}",
            headers: {"X-Custom": header, "Content-Type": "application/json"}});
        return {status: response.status, json: await response.json(),
                exposed: response.headers.get("X-Content-Type-Options")};
    } catch (error) {
        return {error: String(error)};
    }
}"""


@pytest.fixture(scope="module")
def echo_origins(module_starter, browser):
    """Echo servers on other ports (so other origins): one open to any
    origin, one open only to an origin the page does not have."""
    echo = echo_settings()
    return {
        kind: {
            "open": module_starter(kind, echo),
            "closed": module_starter(
                kind, echo + "[echo]\ncors_origins = https://elsewhere.example\n"
            ),
        }
        for kind in SERVERS
    }


def test_a_page_on_another_origin_reads_the_echo_after_a_preflight(page, echo_origins):
    page.goto("/")  # the page's origin is the static server's
    other = echo_origins[page.server.kind]["open"]
    result = page.evaluate(FETCH, [other.url + "/echo/cross?x=1", "from-a-page"])
    assert result.get("status") == 200, result
    data = result["json"]
    assert data["method"] == "PUT" and data["json"] == {"from": "chromium"}
    assert data["headers"]["X-Custom"] == "from-a-page"
    assert data["headers"]["Origin"] == page.server.url
    assert result["exposed"] == "nosniff"  # exposed to the page by Access-Control-Expose-Headers
    # The browser really did ask first: the preflight is in the echo's access log.
    assert '"OPTIONS /echo/cross?x=1 HTTP/1.1" 204' in other.log()


def test_the_browser_refuses_the_echo_to_an_origin_it_does_not_allow(page, echo_origins):
    page.goto("/")
    closed = echo_origins[page.server.kind]["closed"]
    result = page.evaluate(FETCH, [closed.url + "/echo/cross", "x"])
    assert "error" in result and "Failed to fetch" in result["error"], result
