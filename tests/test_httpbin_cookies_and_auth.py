"""The httpbin app's cookies and auth, in-process with WebTest: ``/cookies``
read, set and deleted as werkzeug does it; ``/basic-auth``,
``/hidden-basic-auth``, ``/bearer`` and ``/digest-auth`` (every qop and
algorithm, stale nonces, the cookie httpbin requires) against a digest client
of our own (tests/digest_client.py).
"""

import base64

import pytest
from digest_client import challenge_params, digest, digest_header
from httpbin_app import M, error_of, get

# -- cookies -----------------------------------------------------------------------------


def test_cookies_read_as_werkzeug_reads_them(hb):
    cookie = 'a=1; a=2; b="x\\"y\\073"; c; __utma=1; _gauges_unique=1'
    assert get(hb, "/cookies", headers={"Cookie": cookie}).json == {
        "cookies": {"a": "1", "b": 'x"y;', "c": ""}
    }
    assert get(hb, "/cookies?show_env", headers={"Cookie": cookie}).json["cookies"]["__utma"] == "1"
    assert get(hb, "/cookies").body == b'{\n  "cookies": {}\n}\n'


def test_cookies_set_quotes_as_werkzeug_and_redirects_to_cookies(hb):
    response = get(hb, '/cookies/set?a=b%20c&d=%C3%A9&e=x;y&f=a"b&a=2&plain=v', status=302)
    assert response.headers["Location"] == "/httpbin/cookies"
    assert response.headers.getall("Set-Cookie") == [
        'a="b c"; Path=/',
        'd="\\303\\251"; Path=/',
        'e="x\\073y"; Path=/',
        'f="a\\"b"; Path=/',
        "plain=v; Path=/",
    ]


def test_cookie_set_by_path_delete_and_secure_over_https(hb):
    assert get(hb, "/cookies/set/n/b%20c", status=302).headers["Set-Cookie"] == ('n="b c"; Path=/')
    secure = hb.get(M + "/cookies/set/n/v", status=302, extra_environ={"wsgi.url_scheme": "https"})
    assert secure.headers["Set-Cookie"] == "n=v; Path=/; Secure"
    deleted = get(hb, "/cookies/delete?a&b=", status=302)
    assert deleted.headers.getall("Set-Cookie") == [
        "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
    ]


def test_cookie_round_trip_through_webtest(hb):
    hb.get(M + "/cookies/set?flavour=oat", status=302).follow()
    assert hb.get(M + "/cookies").json == {"cookies": {"flavour": "oat"}}


@pytest.mark.parametrize(
    "path", ["/cookies/set?a%3Bb=1", "/cookies/set/a%20b/v", "/cookies/delete?a%3Db"]
)
def test_a_cookie_name_that_is_not_a_token_is_400(hb, path):
    error_of(get(hb, path, status=400), 400, "name")


# -- auth --------------------------------------------------------------------------------


def basic(user, password):
    return {
        "Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    }


def test_basic_auth(hb):
    assert get(hb, "/basic-auth/user/p%C3%A4sswd", headers=basic("user", "pässwd")).body == (
        b'{\n  "authenticated": true,\n  "user": "user"\n}\n'
    )
    for headers in (
        {},
        basic("user", "wrong"),
        basic("other", "pässwd"),
        {"Authorization": "Basic !!!"},
        {"Authorization": "Digest a=b"},
    ):
        refused = get(hb, "/basic-auth/user/p%C3%A4sswd", status=401, headers=headers)
        assert refused.headers["WWW-Authenticate"] == 'Basic realm="Fake Realm"'
        assert refused.headers["Access-Control-Allow-Credentials"] == "true"


def test_hidden_basic_auth_is_404_without_a_challenge(hb):
    assert get(hb, "/hidden-basic-auth/u/p", headers=basic("u", "p")).json == {
        "authenticated": True,
        "user": "u",
    }
    refused = get(hb, "/hidden-basic-auth/u/p", status=404, headers=basic("u", "x"))
    assert "WWW-Authenticate" not in refused.headers and refused.body == b""


def test_bearer(hb):
    assert get(hb, "/bearer", headers={"Authorization": "Bearer abcd1234"}).json == {
        "authenticated": True,
        "token": "abcd1234",
    }
    for headers in (
        {},
        {"Authorization": "Basic 1234abcd"},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "bearer x"},
    ):
        refused = get(hb, "/bearer", status=401, headers=headers)
        assert refused.headers["WWW-Authenticate"] == "Bearer"


def challenge_of(response):
    """The parameters of a response's ``WWW-Authenticate: Digest ...`` challenge."""
    return challenge_params(response.headers["WWW-Authenticate"])


@pytest.mark.parametrize("qop", [None, "auth", "auth-int"])
@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-512"])
def test_digest_auth_round_trip(hb, qop, algorithm):
    uri = "%s/digest-auth/%s/user/passwd/%s" % (M, qop or "any", algorithm)
    first = hb.get(uri, status=401)
    challenge = challenge_of(first)
    assert challenge["algorithm"] == algorithm and challenge["stale"] == "false"
    assert challenge["qop"] == (qop or "auth, auth-int")
    assert len(challenge["nonce"]) == len(digest("", algorithm))
    assert first.headers.getall("Set-Cookie") == [
        "stale_after=never; Path=/",
        "fake=fake_value; Path=/",
    ]
    body = b"request payload" if qop == "auth-int" else b""
    ok = hb.request(
        uri,
        method="GET",
        body=body,
        headers=digest_header(uri, "user", "passwd", challenge, qop, body=body),
    )
    assert ok.json == {"authenticated": True, "user": "user"}
    wrong = hb.get(uri, status=401, headers=digest_header(uri, "user", "nope", challenge, qop))
    assert challenge_of(wrong)["stale"] == "false"


def test_digest_auth_stale_after_counts_down(hb):  # hb is fresh per test: its own cookie jar
    uri = M + "/digest-auth/auth/user/passwd/MD5/2"
    challenge = challenge_of(hb.get(uri, status=401))
    assert hb.cookies["stale_after"] == "2"
    for nc in (1, 2):
        hb.get(uri, headers=digest_header(uri, "user", "passwd", challenge, "auth", nc))
    assert hb.cookies["stale_after"] == "0"
    stale = hb.get(
        uri, status=401, headers=digest_header(uri, "user", "passwd", challenge, "auth", 3)
    )
    assert challenge_of(stale)["stale"] == "true"


def test_digest_auth_reusing_a_failed_nonce_is_stale(hb):
    uri = M + "/digest-auth/auth/user/passwd"
    challenge = challenge_of(hb.get(uri, status=401))
    hb.get(uri, status=401, headers=digest_header(uri, "user", "wrong", challenge, "auth"))
    again = hb.get(uri, status=401, headers=digest_header(uri, "user", "passwd", challenge, "auth"))
    assert challenge_of(again)["stale"] == "true"


def test_digest_auth_checks_user_and_uri(hb):
    uri = M + "/digest-auth/auth/user/passwd"
    challenge = challenge_of(hb.get(uri, status=401))
    # httpbin would accept another user name with the right password.
    hb.get(uri, status=401, headers=digest_header(uri, "other", "passwd", challenge, "auth"))
    other = M + "/digest-auth/auth/user/passwd/MD5"
    hb.get(uri, status=401, headers=digest_header(other, "user", "passwd", challenge, "auth"))


def test_digest_auth_require_cookie(hb):
    uri = M + "/digest-auth/auth/user/passwd?require-cookie=true"
    challenge = challenge_of(hb.get(uri, status=401))
    ok = hb.get(uri, headers=digest_header(uri, "user", "passwd", challenge, "auth"))
    assert ok.json["authenticated"] is True
    hb.reset()  # no cookies sent: challenged again, then refused without "fake"
    hb.get(uri, status=401, headers=digest_header(uri, "user", "passwd", challenge, "auth"))
    refused = hb.get(
        uri,
        status=403,
        headers=dict(digest_header(uri, "user", "passwd", challenge, "auth"), Cookie="other=1"),
    )
    assert refused.json == {"errors": ["missing cookie set on challenge"]}


def test_digest_auth_other_schemes_get_a_challenge(hb):
    for headers in ({}, {"Authorization": "Basic 1234abcd"}, {"Authorization": ""}):
        response = hb.get(M + "/digest-auth/auth/myname/mysecret", status=401, headers=headers)
        assert response.headers["WWW-Authenticate"].startswith("Digest ")
