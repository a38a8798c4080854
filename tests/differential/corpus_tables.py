"""The tables the corpus is generated from (a data module: ``corpus.py``
turns each row into requests).

Every route of httpbin 0.10 is in ``ROUTES`` with a sample target and the
methods httpbin takes on it; the other tables are the edge cases, each row
one request.  Targets are written as they go on the wire (percent-encoded).
"""

import base64

ANY6 = ("GET", "POST", "PUT", "DELETE", "PATCH", "TRACE")  # httpbin's "any method"
GET = ("GET",)

# (sample target, methods httpbin takes besides HEAD and OPTIONS, a method it
# does not).  Slow routes are asked to be quick (duration=0, /delay/0).
ROUTES = (
    ("/", GET, "POST"),
    ("/html", GET, "POST"),
    ("/robots.txt", GET, "POST"),
    ("/deny", GET, "POST"),
    ("/ip", GET, "POST"),
    ("/uuid", GET, "POST"),
    ("/headers", GET, "POST"),
    ("/user-agent", GET, "POST"),
    ("/get", GET, "POST"),
    ("/anything", ANY6, "PROPFIND"),
    ("/anything/a/b", ANY6, "PURGE"),
    ("/post", ("POST",), "GET"),
    ("/put", ("PUT",), "GET"),
    ("/patch", ("PATCH",), "GET"),
    ("/delete", ("DELETE",), "GET"),
    ("/gzip", GET, "POST"),
    ("/deflate", GET, "POST"),
    ("/brotli", GET, "POST"),
    ("/redirect/2", GET, "POST"),
    ("/redirect-to?url=/get", ANY6, "PROPFIND"),
    ("/relative-redirect/2", GET, "POST"),
    ("/absolute-redirect/2", GET, "POST"),
    ("/stream/2", GET, "POST"),
    ("/status/418", ANY6, "PROPFIND"),
    ("/response-headers?X-A=1", ("GET", "POST"), "PUT"),
    ("/cookies", GET, "POST"),
    ("/forms/post", GET, "POST"),
    ("/cookies/set/k/v", GET, "POST"),
    ("/cookies/set?k=v", GET, "POST"),
    ("/cookies/delete?k", GET, "POST"),
    ("/basic-auth/user/passwd", GET, "POST"),
    ("/hidden-basic-auth/user/passwd", GET, "POST"),
    ("/bearer", GET, "POST"),
    ("/digest-auth/auth/user/passwd", GET, "POST"),
    ("/digest-auth/auth/user/passwd/MD5", GET, "POST"),
    ("/digest-auth/auth/user/passwd/MD5/never", GET, "POST"),
    ("/delay/0", ANY6, "PROPFIND"),
    ("/drip?duration=0&numbytes=3&delay=0", GET, "POST"),
    ("/base64/SFRUUEJJTiBpcyBhd2Vzb21l", GET, "POST"),
    ("/cache", GET, "POST"),
    ("/etag/abc", GET, "POST"),
    ("/cache/60", GET, "POST"),
    ("/encoding/utf8", GET, "POST"),
    ("/bytes/16", GET, "POST"),
    ("/stream-bytes/16", GET, "POST"),
    ("/range/26", GET, "POST"),
    ("/links/3/1", GET, "POST"),
    ("/links/3", GET, "POST"),
    ("/image", GET, "POST"),
    ("/image/png", GET, "POST"),
    ("/image/jpeg", GET, "POST"),
    ("/image/webp", GET, "POST"),
    ("/image/svg", GET, "POST"),
    ("/xml", GET, "POST"),
    ("/json", GET, "POST"),
)

# Parameter edge cases: GET targets, one request each.
PARAMETERS = (
    # status codes, one and weighted (a weight of 0 is never chosen)
    "/status/200",
    "/status/201",
    "/status/204",
    "/status/206",
    "/status/226",
    "/status/301",
    "/status/302",
    "/status/303",
    "/status/304",
    "/status/305",
    "/status/306",
    "/status/307",
    "/status/308",
    "/status/400",
    "/status/401",
    "/status/402",
    "/status/403",
    "/status/404",
    "/status/406",
    "/status/407",
    "/status/410",
    "/status/413",
    "/status/416",
    "/status/421",
    "/status/422",
    "/status/425",
    "/status/429",
    "/status/449",
    "/status/451",
    "/status/499",
    "/status/500",
    "/status/502",
    "/status/503",
    "/status/511",
    "/status/599",
    "/status/100",
    "/status/600",
    "/status/abc",
    "/status/",
    "/status/200,404:0",
    "/status/201:1,500:0",
    "/status/x:1",
    # delays and drips
    "/delay/0.1",
    "/delay/-1",
    "/delay/abc",
    "/drip?duration=0&numbytes=0",
    "/drip?duration=x",
    "/drip?duration=0&numbytes=5&code=418",
    "/drip?duration=0&numbytes=2&code=201&delay=0",
    # dynamic data
    "/bytes/0",
    "/bytes/10?seed=1",
    "/bytes/10?seed=x",
    "/bytes/abc",
    "/bytes/-1",
    "/bytes/102401",
    "/stream-bytes/10?seed=1&chunk_size=3",
    "/stream-bytes/0",
    "/stream/0",
    "/stream/1?a=1",
    "/stream/101",
    "/range/0",
    "/range/10?duration=0",
    "/range/10?chunk_size=3",
    "/range/102401",
    "/base64/SFRUUEJJTiBpcyBhd2Vzb21l%3D",
    "/base64/aGk",
    "/base64/!!!",
    "/base64/%C3%A9",
    "/links/0/0",
    "/links/5/4",
    "/links/5/9",
    "/links/x",
    "/links/1/x",
    # caching
    "/cache/0",
    "/cache/x",
    "/etag/%22quoted%22",
    # redirects, not followed
    "/redirect/1",
    "/redirect/3?absolute=true",
    "/redirect/3?absolute=TRUE",
    "/redirect/0",
    "/redirect/x",
    "/relative-redirect/1",
    "/relative-redirect/0",
    "/absolute-redirect/1",
    "/absolute-redirect/0",
    "/redirect-to?url=http://example.com/x",
    "/redirect-to?url=/get&status_code=307",
    "/redirect-to?url=/get&status_code=200",
    "/redirect-to?url=/get&STATUS_CODE=301",
    "/redirect-to?url=/get&status_code=x",
    "/redirect-to",
    "/redirect-to?URL=/get",
    "/redirect-to?url=%C3%A9",
    # response headers
    "/response-headers",
    "/response-headers?a=1&a=2",
    "/response-headers?Content-Type=text/plain",
    "/response-headers?x-lower=v&X-Upper=V",
    "/response-headers?empty=",
    "/response-headers?e=%C3%A9",
    # cookies
    "/cookies/set?a=1&b=2",
    "/cookies/set?a=1&a=2",
    "/cookies/set?a=",
    "/cookies/set?a%3Bb=1",
    "/cookies/set/a/b%20c",
    "/cookies/delete?a&b",
    "/cookies/delete",
    "/cookies?show_env",
    # auth, without credentials
    "/digest-auth/auth-int/user/passwd",
    "/digest-auth/auth/user/passwd/SHA-256",
    "/digest-auth/auth/user/passwd/SHA-512",
    "/digest-auth/auth/user/passwd/MD5/1",
    "/digest-auth/bad/user/passwd",
    "/basic-auth/user",
    # the landing page and no route
    "/?a=1",
    "/nope",
    "/get/",
    "/anything/",
    "//get",
    "/healthz",
    "/spec.json",
    "/legacy",
    "/flasgger_static/swagger-ui.css",
    "/static/favicon.ico",
    # query strings
    "/get?a=1&a=2&b=",
    "/get?a",
    "/get?=v",
    "/get?a=1;b=2",
    "/get?a=%2B+b",
    "/get?%C3%A9=%C3%A8",
    "/get?a=%ZZ",
    "/get?a=%FF",
    "/get?&&a=1&",
    "/get?A=1&a=2",
    "/get?show_env=1",
    "/anything?a=1&a=2",
    "/anything/%C3%A9?x=%20",
    "/anything/a%2Fb",
    "/anything/..%2F",
)

# Request header cases: (label, header lines), each sent to every route in
# HEADER_ROUTES.
HEADER_CASES = (
    ("repeated", [b"X-Rep: 1", b"X-Rep: 2"]),
    ("repeated three", [b"X-Rep: a", b"X-Rep: b", b"X-Rep: c"]),
    ("repeated with commas", [b"X-Rep: a, b", b"X-Rep: c"]),
    ("repeated user agent", [b"User-Agent: one", b"User-Agent: two"]),
    ("repeated accept", [b"Accept: text/html", b"Accept: */*"]),
    ("empty", [b"X-Empty:"]),
    ("empty and repeated", [b"X-Empty:", b"X-Empty: v"]),
    ("spaces", [b"X-Space:   padded   "]),
    ("lower case", [b"x-lower-case: v"]),
    ("upper case", [b"X-UPPER-CASE: v"]),
    ("mixed case", [b"x-MiXeD-cAsE: v"]),
    ("mixed case repeated", [b"x-mixed: 1", b"X-MIXED: 2"]),
    ("latin-1 value", [b"X-Latin: caf\xe9"]),
    ("utf-8 value", [b"X-Utf8: caf\xc3\xa9"]),
    ("digits", [b"X-1: one"]),
    ("underscore", [b"X_Under: v"]),
    ("via and forwarded", [b"Via: 1.1 proxy", b"X-Forwarded-Host: elsewhere"]),
    ("forwarded for", [b"X-Forwarded-For: 10.9.8.7"]),
    ("forwarded proto", [b"X-Forwarded-Proto: https"]),
    ("origin", [b"Origin: http://site.test"]),
    ("content type, no body", [b"Content-Type: application/json"]),
    ("cookies", [b"Cookie: a=1; b=2"]),
    ("cookie lines", [b"Cookie: a=1", b"Cookie: b=2"]),
    ("env cookies", [b"Cookie: _gauges_unique=1; __utma=2; keep=3"]),
    ("authorization", [b"Authorization: Basic dXNlcjpwYXNzd2Q="]),
    ("accept-encoding", [b"Accept-Encoding: gzip, deflate, br"]),
    ("dnt and upgrade", [b"DNT: 1", b"Upgrade-Insecure-Requests: 1"]),
)
HEADER_ROUTES = ("/headers", "/get", "/anything", "/user-agent", "/ip", "/cookies")

_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
_MULTIPART = (
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="field"\r\n\r\n'
    b"value\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="field"\r\n\r\n'
    b"second\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="upload"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
    b"file text\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="picture"; filename="p.png"\r\n'
    b"Content-Type: image/png\r\n\r\n" + _PNG + b"\r\n"
    b"--XyZ--\r\n"
)

# Request bodies: (label, content type or None, body bytes), each sent to
# every route in BODY_ROUTES with its method; "chunked" ones are sent with
# Transfer-Encoding: chunked, the others with a Content-Length.
BODIES = (
    ("empty", None, b""),
    ("form", "application/x-www-form-urlencoded", b"a=1&b=2&a=3"),
    ("form, odd", "application/x-www-form-urlencoded", b"a=%C3%A9&b=+x+&c&=v"),
    ("form, charset", "application/x-www-form-urlencoded; charset=utf-8", b"k=v"),
    ("multipart", "multipart/form-data; boundary=XyZ", _MULTIPART),
    ("json object", "application/json", b'{"a": [1, 2.5, null, true], "b": {"c": "\\u00e9"}}'),
    ("json array", "application/json", b"[1, 2, 3]"),
    ("json scalar", "application/json", b'"text"'),
    ("json invalid", "application/json", b"{not json"),
    ("json nan", "application/json", b'{"a": NaN}'),
    ("json with charset", "application/json; charset=utf-8", b'{"a": 1}'),
    ("json, other type", "text/plain", b'{"a": 1}'),
    ("text", "text/plain", b"plain text\n"),
    ("utf-8 text", "text/plain; charset=utf-8", "caf\u00e9 \u2603".encode()),
    ("binary", "application/octet-stream", bytes(range(256))),
    ("png", "image/png", _PNG),
    ("no type, binary", None, b"\xff\xfe\x00\x01"),
    ("chunked", "application/json", b'{"chunked": true}'),
    ("chunked form", "application/x-www-form-urlencoded", b"a=1&b=2"),
)
CHUNKED = ("chunked", "chunked form")
BODY_ROUTES = (
    ("POST", "/post"),
    ("PUT", "/put"),
    ("PATCH", "/patch"),
    ("DELETE", "/delete"),
    ("POST", "/anything"),
)

_BASIC = "Basic " + base64.b64encode(b"user:passwd").decode()
_WRONG = "Basic " + base64.b64encode(b"user:wrong").decode()

# Requests with particular headers: (label, method, target, header lines).
SPECIAL = (
    ("basic right", "GET", "/basic-auth/user/passwd", ["Authorization: " + _BASIC]),
    ("basic wrong", "GET", "/basic-auth/user/passwd", ["Authorization: " + _WRONG]),
    ("basic garbage", "GET", "/basic-auth/user/passwd", ["Authorization: Basic !!!"]),
    ("hidden right", "GET", "/hidden-basic-auth/user/passwd", ["Authorization: " + _BASIC]),
    ("hidden wrong", "GET", "/hidden-basic-auth/user/passwd", ["Authorization: " + _WRONG]),
    ("bearer token", "GET", "/bearer", ["Authorization: Bearer abc.def"]),
    ("bearer wrong scheme", "GET", "/bearer", ["Authorization: Token abc"]),
    ("bearer empty", "GET", "/bearer", ["Authorization: Bearer"]),
    ("range head", "GET", "/range/26", ["Range: bytes=0-4"]),
    ("range tail", "GET", "/range/26", ["Range: bytes=-3"]),
    ("range open", "GET", "/range/26", ["Range: bytes=20-"]),
    ("range past end", "GET", "/range/26", ["Range: bytes=30-40"]),
    ("range several", "GET", "/range/26", ["Range: bytes=0-1,5-6"]),
    ("range garbage", "GET", "/range/26", ["Range: lines=1-2"]),
    ("range two", "GET", "/range/26", ["Range: bytes=5-9,12-14"]),
    ("cache since", "GET", "/cache", ["If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT"]),
    ("cache etag", "GET", "/cache", ['If-None-Match: "x"']),
    ("etag match", "GET", "/etag/abc", ['If-None-Match: "abc"']),
    ("etag star", "GET", "/etag/abc", ["If-None-Match: *"]),
    ("etag other", "GET", "/etag/abc", ['If-None-Match: "x"']),
    ("etag if-match", "GET", "/etag/abc", ['If-Match: "x"']),
    ("etag if-match ok", "GET", "/etag/abc", ['If-Match: "abc"']),
    ("image png", "GET", "/image", ["Accept: image/png"]),
    ("image webp", "GET", "/image", ["Accept: image/webp"]),
    ("image svg", "GET", "/image", ["Accept: image/svg+xml"]),
    ("image jpeg", "GET", "/image", ["Accept: image/jpeg"]),
    ("image any", "GET", "/image", ["Accept: image/*"]),
    ("image text", "GET", "/image", ["Accept: text/plain"]),
    ("gzip asked", "GET", "/gzip", ["Accept-Encoding: gzip"]),
    ("preflight", "OPTIONS", "/get", ["Origin: http://site.test"]),
    (
        "preflight headers",
        "OPTIONS",
        "/post",
        ["Origin: http://site.test", "Access-Control-Request-Headers: X-A, Content-Type"],
    ),
    ("origin echo", "GET", "/get", ["Origin: http://site.test"]),
    ("expect continue", "POST", "/post", ["Expect: 100-continue", "Content-Length: 0"]),
)

# Followed to the end: (method, target, header lines).
FOLLOWED = (
    ("GET", "/redirect/3", []),
    ("GET", "/redirect/2?absolute=true", []),
    ("GET", "/relative-redirect/3", []),
    ("GET", "/absolute-redirect/3", []),
    ("GET", "/redirect-to?url=/get%3Fx%3D1", []),
    ("POST", "/redirect-to?url=/anything&status_code=307", ["Content-Length: 0"]),
    ("POST", "/redirect-to?url=/anything&status_code=303", ["Content-Length: 0"]),
    ("GET", "/links/3", []),
    ("GET", "/cookies/set?a=1", ["Cookie: b=2"]),
    ("GET", "/cookies/set/a/1", []),
    ("GET", "/cookies/delete?b", ["Cookie: b=2"]),
    ("GET", "/status/302", []),
)
