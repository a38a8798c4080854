"""The plugin's assertions on recorded requests, used as a user's suite uses
them (``plugin_suites``), against real gunicorn and waitress servers: a
webhook posted from a background thread, waited for and asserted on; the
failure messages, line by line; and ``times=``, counted exactly.
"""

import pytest
from plugin_suites import run_suite

pytestmark = pytest.mark.server


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
