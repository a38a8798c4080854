"""The httpbin app's redirects, in-process with WebTest: ``/redirect``,
``/relative-redirect`` and ``/absolute-redirect`` chains relative to the
mount, ``/redirect-to`` on every method and status code, and
``redirect_hosts`` limiting where it may send a client.
"""

import pytest
from httpbin_app import M, error_of, get, make

# -- redirects ---------------------------------------------------------------------------


def test_redirect_chains(hb):
    assert get(hb, "/redirect/1", status=302).headers["Location"] == "/httpbin/get"
    five = get(hb, "/redirect/5", status=302)
    assert five.headers["Location"] == "/httpbin/relative-redirect/4"
    assert five.content_type == "text/html" and "/httpbin/relative-redirect/4" in five.text
    assert get(hb, "/redirect/5?absolute=TRUE", status=302).headers["Location"] == (
        "http://example.test/httpbin/absolute-redirect/4"
    )
    assert get(hb, "/redirect/1?absolute=true", status=302).headers["Location"] == (
        "http://example.test/httpbin/get"
    )
    relative = get(hb, "/relative-redirect/7", status=302)
    assert relative.headers["Location"] == "/httpbin/relative-redirect/6"
    assert relative.body == b""
    assert get(hb, "/relative-redirect/1", status=302).headers["Location"] == "/httpbin/get"
    assert get(hb, "/absolute-redirect/5", status=302).headers["Location"] == (
        "http://example.test/httpbin/absolute-redirect/4"
    )
    assert get(hb, "/absolute-redirect/1", status=302).headers["Location"] == (
        "http://example.test/httpbin/get"
    )


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PURGE"])
def test_redirect_to_on_every_method(hb, method):
    response = hb.request(
        M + "/redirect-to?url=/post&status_code=307", method=method, body=b"\x01\x02", status=307
    )
    assert response.headers["Location"] == "/post" and response.body == b""


def test_redirect_to_status_codes_and_names(hb):
    assert (
        get(hb, "/redirect-to?URL=http://example.com/&Status_Code=303", status=303).headers[
            "Location"
        ]
        == "http://example.com/"
    )
    # A number outside 3xx is 302, as httpbin; one that is no number is 400.
    assert get(hb, "/redirect-to?url=/x&status_code=200", status=302)
    error_of(get(hb, "/redirect-to?url=/x&status_code=x", status=400), 400, "status_code")
    error_of(get(hb, "/redirect-to", status=400), 400, "url")
    error_of(get(hb, "/redirect-to?url=/a%0D%0ASet-Cookie:x=1", status=400), 400, "url")
    assert get(hb, "/redirect-to?url=/caf%C3%A9", status=302).headers["Location"] == ("/caf%C3%A9")


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("/relative/path", True),
        ("relative", True),
        ("https://good.example/x", True),
        ("http://GOOD.example./", True),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("javascript:alert(1)", False),
        ("https://good.example@evil.example/", False),
        # Hosts spelled the ways browsers still read as hosts.
        ("///evil.example", False),
        ("/\\/evil.example", False),
        ("\\\\\\evil.example", False),
        ("https:///evil.example", False),
        ("http:/\\evil.example", False),
        ("http:evil.example", False),
        ("//evil.example", False),
    ],
)
def test_redirect_hosts_limits_redirect_to(tmp_path, url, allowed):
    app = make(tmp_path, redirect_hosts="good.example")
    response = app.get(M + "/redirect-to", params={"url": url}, status="*")
    if allowed:
        assert response.status_int == 302 and response.headers["Location"] == url
    else:
        assert "good.example" in error_of(response, 403, "url")["detail"]
