"""The inspector page in a real headless Chromium, served by real gunicorn
and waitress: requests sent after the page opened appear within a second,
newest first, without a reload; a request carrying markup in its path,
headers and body shows it as text and runs none of it; a selected request
shows its headers, its body by type and its curl command.  One test also
takes the screenshot the docs show (written to docs/ with
UPDATE_DOCS_SCREENSHOT=1).

Skipped with a reason when Chromium or Playwright is missing, except with
REQUIRE_BROWSER=1, as CI sets.
"""

import json
import os
import shutil
import time

import pytest
import test_browser

from conftest import PROJECT, SERVERS, settings_text
from wsgi_echo.testing import clients

pytestmark = [pytest.mark.browser, pytest.mark.server]

# Headless Chromium, or a skip (a failure with REQUIRE_BROWSER=1): the site's fixture.
browser = test_browser.browser
SCREENSHOT = os.path.join(PROJECT, "docs", "recording-inspector.png")


@pytest.fixture(scope="module")
def servers(module_starter, browser):
    text = settings_text(
        server={"workers": 1, "threads": 8},
        log={"access_log": ""},
        routes={"/echo": "echo", "/httpbin": "httpbin", "/_requests": "requests"},
    )
    return {kind: module_starter(kind, text) for kind in SERVERS}


@pytest.fixture(params=SERVERS)
def page(request, browser, servers):
    server = servers[request.param]
    clients.request(server, "DELETE", "/_requests")
    # bypass_csp: Playwright's waits evaluate strings, which the page's policy
    # forbids; without the policy, the page's own code alone must keep
    # recorded markup inert (the hostile test), which is the stronger proof.
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 800}, bypass_csp=True
    )
    page = context.new_page()
    page.server = server
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/_requests/")
    page.wait_for_selector("#feed-state[data-state=live]", timeout=5000)
    yield page
    context.close()
    assert errors == []


def rows(page):
    return page.eval_on_selector_all(
        "#requests li .target", "items => items.map(i => i.textContent)"
    )


def test_three_requests_sent_after_the_page_opened_appear_within_a_second(page):
    assert rows(page) == []
    for n in range(3):
        clients.request(page.server, "POST", "/echo/live/%d" % n, body=b"n=%d" % n)
    sent = time.monotonic()
    page.wait_for_function("document.querySelectorAll('#requests li').length === 3", timeout=1000)
    assert time.monotonic() - sent < 1.0
    assert rows(page) == ["/echo/live/2", "/echo/live/1", "/echo/live/0"]
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload


def test_a_hostile_request_shows_its_markup_as_text_and_runs_none(page):
    path = "/echo/<script>window.pwned=1</script>"
    header = '<img src=x onerror="window.pwned=2">'
    body = b"<script>window.pwned=3</script><img src=x onerror='window.pwned=4'>"
    clients.request(
        page.server,
        "POST",
        path,
        body=body,
        headers={"X-Evil": header, "Content-Type": "text/html"},
    )
    page.wait_for_selector("#requests li")
    page.click("#requests li")
    page.wait_for_function("document.getElementById('detail-curl').textContent.length > 0")
    assert page.evaluate("window.pwned") is None
    assert rows(page) == [path]
    assert path in page.text_content("#detail-title")
    assert page.text_content("#detail-body pre") == body.decode()
    cells = page.eval_on_selector_all(
        "#detail-headers td", "cells => cells.map(c => c.textContent)"
    )
    assert header in cells
    # Nothing recorded became an element: no script or img beyond the page's own.
    assert page.eval_on_selector_all("body script, body img", "nodes => nodes.length") == 0


def select(page, target):
    page.wait_for_function(
        "t => [...document.querySelectorAll('#requests li .target')]"
        ".some(n => n.textContent === t)",
        arg=target,
    )
    page.click("#requests li:has(.target:text-is('%s'))" % target)
    page.wait_for_function("document.getElementById('detail-curl').textContent.length > 0")


def test_a_selected_request_shows_headers_body_by_type_and_curl(page):
    server = page.server
    clients.request(
        server, "POST", "/echo/json", body=b'{"event":"paid","amount":42}',
        headers={"Content-Type": "application/json", "X-Signature": "sha256=abc"},
    )  # fmt: skip
    clients.request(
        server, "POST", "/echo/form", body=b"name=Ada&lang=en",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    multipart = (
        b'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\x02\xff\r\n--XyZ--\r\n"
    )
    clients.request(
        server, "POST", "/echo/multipart", body=multipart,
        headers={"Content-Type": "multipart/form-data; boundary=XyZ"},
    )  # fmt: skip
    clients.request(
        server, "PUT", "/echo/binary", body=bytes([0, 1, 2, 250, 251]),
        headers={"Content-Type": "application/octet-stream"},
    )  # fmt: skip

    select(page, "/echo/json")
    assert page.text_content("#detail-body pre") == json.dumps(
        {"event": "paid", "amount": 42}, indent=2
    )
    assert "JSON" in page.text_content("#detail-body-kind")
    cells = page.eval_on_selector_all(
        "#detail-headers td", "cells => cells.map(c => c.textContent)"
    )
    assert cells[cells.index("X-Signature") + 1] == "sha256=abc"
    record_id = page.get_attribute("#requests li[aria-selected=true]", "data-id")
    _, _, curl = clients.request(server, "GET", "/_requests/%s/curl" % record_id)
    assert page.text_content("#detail-curl") == curl.decode()

    select(page, "/echo/form")
    form = page.eval_on_selector_all("#detail-body td", "cells => cells.map(c => c.textContent)")
    assert form == ["name", "Ada", "lang", "en"]

    select(page, "/echo/multipart")
    parts = page.eval_on_selector_all("#detail-body .part pre", "p => p.map(n => n.textContent)")
    assert parts[1] == "hello"
    assert parts[3].startswith("00000000  00 01 02 ff")

    select(page, "/echo/binary")
    assert "hex" in page.text_content("#detail-body-kind")
    assert page.text_content("#detail-body pre").startswith("00000000  00 01 02 fa fb")


def test_the_screenshot_for_the_docs(page, tmp_path):
    server = page.server
    clients.request(server, "GET", "/httpbin/get?page=1", headers={"Accept": "application/json"})
    clients.request(
        server, "POST", "/echo/orders", body=b"sku=A-17&quantity=2",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    clients.request(
        server,
        "POST",
        "/echo/webhooks/payment?attempt=1",
        body=b'{"event":"payment.succeeded","id":"pay_81f3","amount":4200,"currency":"EUR"}',
        headers={
            "Content-Type": "application/json",
            "User-Agent": "shop-backend/2.4",
            "X-Signature": "t=1765000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e7",
        },
    )
    select(page, "/echo/webhooks/payment?attempt=1")
    page.set_viewport_size({"width": 1280, "height": 1180})
    shot = tmp_path / "inspector.png"
    page.screenshot(path=str(shot), full_page=False)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1" and page.server.kind == SERVERS[0]:
        shutil.copyfile(shot, SCREENSHOT)
