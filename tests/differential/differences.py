"""Every deliberate difference between our httpbin mount and httpbin 0.10
(under gunicorn), one entry each: the requests it covers (probe names,
shell patterns), the aspects of the answers that differ, under which of
our servers, what differs and why we differ there: we are safer or more
correct, the text is httpbin's own (its pages and pictures, which we do not
copy), or the server is not ours to change.

A data table (the 300-line rule does not apply).  docs/httpbin.md's list of
differences is written from it: ``python -m tests.differential.doc``.
"""

from .entry import Difference

# What a refusal changes: ours is a JSON error where httpbin answers otherwise.
REFUSAL = (
    "status line",
    "header content-type",
    "header content-length",
    "header order",
    "body",
)
# What our own text or picture changes.
CONTENT = ("body", "header content-length", "header content-type", "header order")

DOCUMENTED = (
    Difference(
        "Forwarding headers count only from trusted proxies",
        ["GET * [forwarded for]", "GET * [forwarded proto]"],
        ["body", "header content-length"],
        "`origin` and `url` come from the connection (and `[proxy] trusted` peers): httpbin "
        "takes `X-Forwarded-For` and `X-Forwarded-Proto` from anyone.",
        "Any client can write those headers; believing them lets a client choose the address "
        "and scheme the answer reports, so the app believes them only from trusted proxies.",
    ),
    Difference(
        "Bad parameters are a 400 JSON error",
        [
            "* /status/abc",
            "* /status/x:1",
            "GET /delay/-1",
            "GET /delay/abc",
            "GET /drip?duration=x",
            "GET /drip?duration=0&numbytes=0",
            "GET /bytes/10?seed=x",
            "GET /bytes/abc",
            "GET /bytes/-1",
            "GET /range/0",
            "GET /links/x",
            "GET /links/1/x",
            "GET /cache/x",
            "GET /redirect/0",
            "GET /redirect/x",
            "GET /relative-redirect/0",
            "GET /absolute-redirect/0",
            "GET /redirect-to?url=/get&status_code=x",
            "GET /redirect-to",
            "GET /base64/!!!",
            "GET /base64/%C3%A9",
            "GET /etag/%22quoted%22",
        ],
        [*REFUSAL, "header location", "header etag", "header accept-ranges"],
        "`400` with the JSON error naming the parameter, where httpbin answers `500` "
        "(`/delay/-1`, `/redirect/0`, `/redirect-to?status_code=x`, `/bytes/1?seed=x`), a plain "
        "`400` (`/status/abc`, `/drip?numbytes=0`), `200` with a hint (`/base64/!!!`), a `302` to "
        "`None` (`/redirect-to` without `url`) or a `404` because its route wants digits "
        "(`/bytes/abc`, `/links/x`, `/range/0`); an ETag value that is not an entity-tag's "
        "characters is one too.",
        "A client's mistake is a 4xx that says what was wrong; a 500 says the server broke.",
    ),
    Difference(
        "Status codes are 200 to 599",
        ["* /status/100", "* /status/600"],
        REFUSAL,
        "`/status` and `/drip?code` take 200 to 599; others are a `400`. httpbin sends any "
        "integer as the final status.",
        "A 1xx is never a final answer (RFC 9110 section 15.2) and a code past 599 is not "
        "HTTP's: either breaks clients and proxies.",
    ),
    Difference(
        "Sizes over the limits are refused",
        ["GET /range/102401"],
        [*REFUSAL, "header etag", "header accept-ranges"],
        "`/range/<n>` over `max_bytes` is a `400` (httpbin: a text `404`), as is a `/drip`, "
        "`/range` or `/sse` duration over `max_delay` (httpbin has no cap).",
        "Every size and duration a client can ask for is bounded by a setting, and a request "
        "past it is refused, not stretched.",
    ),
    Difference(
        "More methods",
        ["PROPFIND /anything", "PURGE /anything/*", "PROPFIND /*"],
        [*REFUSAL, "header allow", "header location"],
        "`/anything`, `/status`, `/delay`, `/redirect-to` and `/dump/request` take any method "
        "(httpbin: GET, POST, PUT, DELETE, PATCH and TRACE, and 405 to others).",
        "They echo or act on whatever method a client sends, so a client testing its own "
        "methods (WebDAV's, PURGE) can use them.",
    ),
    Difference(
        "Our own pages and pictures",
        [
            "* /",
            "* /?a=1",
            "* /html",
            "* /deny",
            "* /forms/post",
            "* /encoding/utf8",
            "* /xml",
            "* /json",
            "* /image",
            "* /image/*",
            "GET /image [image *]",
        ],
        CONTENT,
        "The landing page (a list of the routes, not httpbin's man page), HTML, XML, JSON "
        "(the same `slideshow` shape), UTF-8 page, `/deny` art, form (the same fields, posting "
        "to `/post`) and images (one picture as PNG, JPEG, WebP and SVG) are ours.",
        "They are httpbin's texts and pictures, which are not copied; clients rely on their "
        "types and shapes, which are the same.",
    ),
    Difference(
        "Pages a client writes, and ours, are sandboxed",
        [
            "* /base64/*",
            "* /response-headers*",
            "* /",
            "* /?a=1",
            "* /html",
            "* /forms/post",
            "* /encoding/utf8",
            "* /links/*",
        ],
        ["header content-security-policy", "header x-content-type-options"],
        "Answers whose content the client chooses (`/base64/<value>`, `/base64/decode`, "
        "`/response-headers`, `/dump/request`) and the HTML pages (the landing page, `/html`, "
        "`/encoding/utf8`, `/links`, and `/forms/post`, which may post its form) carry "
        "`Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`; httpbin "
        "sends neither. JSON answers, fixed texts and pictures, redirects and error pages are "
        "as httpbin's.",
        "They share an origin with the record at `/_requests`, which answers same-origin "
        "scripts with the secrets clients sent: a sandboxed page has an opaque origin and runs "
        "no script, so a page a client wrote (`/base64/<script>...`) reads nothing.",
    ),
    Difference(
        "Our own 402, 406 and 418 texts",
        ["* /status/418", "* /status/402", "* /status/406"],
        [*CONTENT, "header x-more-info"],
        "The `402`, `406` and `418` texts and the `X-More-Info` links are ours; the `402` and "
        "`418` bodies are labelled `text/plain; charset=utf-8`.",
        "httpbin's texts are not copied; it leaves those bodies unlabelled, and a body "
        "without a type makes clients guess (RFC 9110 section 8.3).",
    ),
    Difference(
        "No Swagger UI or static files",
        ["GET /static/favicon.ico"],
        [
            *REFUSAL,
            "header etag",
            "header accept-ranges",
            "header cache-control",
            "header content-disposition",
            "header last-modified",
        ],
        "httpbin's `/static/` files (and, with flasgger installed, `/spec.json`, `/legacy` and "
        "the Swagger UI) do not exist here.",
        "They are httpbin's own assets and user interface, not its API.",
    ),
    Difference(
        "Empty 204 without a type",
        ["* /status/204"],
        ["header content-type"],
        "`/status/204` carries no `Content-Type` (httpbin labels its empty 204 `text/html`).",
        "A 204 has no content (RFC 9110 section 15.3.5), so there is nothing to label.",
    ),
    Difference(
        "Digest auth: our realm, stale as RFC 7616 writes it",
        ["* /digest-auth/*"],
        ["header www-authenticate"],
        "The realm is `wsgi-echo httpbin` and `stale` is written `true`/`false` (httpbin: "
        "`me@kennethreitz.com` and Python's `True`/`False`); digest auth also checks the user "
        "name and the `uri`, and takes a `uri` with a query string (httpbin answers 500).",
        "The realm names this server; RFC 7616 section 3.3 spells `stale` in lower case "
        "(clients read both).",
    ),
    Difference(
        "Unpadded base64 is decoded",
        ["GET /base64/aGk"],
        ["body", "header content-length"],
        "`/base64` decodes values without their `=` padding (httpbin answers `Incorrect "
        "Base64 data` with a 200).",
        "base64url in URLs usually drops the padding (RFC 4648 section 5).",
    ),
    Difference(
        "/response-headers keeps the response well-formed",
        ["GET /response-headers?Content-Type=text/plain"],
        ["body", "header content-type", "header order", "header content-length"],
        "A `Content-Type` in the query replaces the JSON type (httpbin sends two "
        "`Content-Type` headers); framing and hop-by-hop names are a `400`.",
        "Two types, or a second `Content-Length`, make the answer ambiguous to every client "
        "and proxy (RFC 9110 section 8.3, RFC 9112 section 6.3).",
    ),
    Difference(
        "/range reads one range",
        ["GET /range/26 [range two]"],
        ["status line", "header content-range", "header content-length", "body"],
        "A `Range` with several ranges, or one that cannot be parsed, is ignored and the whole "
        "body sent (httpbin reads `bytes=5-9,12-14` as `bytes=5-`).",
        "A server may ignore a Range it does not serve (RFC 9110 section 14.2); answering a "
        "range the client did not ask for is wrong.",
    ),
    Difference(
        "Cookie names must be tokens",
        ["GET /cookies/set?a%3Bb=1"],
        [*REFUSAL, "header location", "header set-cookie"],
        "`/cookies/set?a%3Bb=1` is a `400` (httpbin writes `Set-Cookie: a;b=1`).",
        "A name that is not a token is not a cookie (RFC 6265 section 4.1.1): httpbin's header "
        "sets a cookie other than the one asked for.",
    ),
    Difference(
        "A JSON body with NaN is null",
        ["* [json nan]"],
        ["body", "header content-length"],
        'A JSON body with `NaN` or `Infinity` gives `"json": null`.',
        "Python's parser accepts them and httpbin would echo JSON that no other parser reads.",
    ),
    Difference(
        "waitress: a chunked body arrives with its length",
        ["* [chunked]", "* [chunked form]"],
        ["body", "header content-length"],
        "Under waitress, `headers` of a chunked request shows the `Content-Length` of the "
        "decoded body instead of `Transfer-Encoding: chunked` (under gunicorn it shows what "
        "was sent, as httpbin does).",
        "waitress decodes a chunked body before the app runs and passes on only its length: "
        "the app cannot tell.",
        servers=["waitress"],
    ),
    Difference(
        "waitress: its own framing and interim answers",
        ["HEAD /stream/2", "HEAD /stream-bytes/16", "POST /post [expect continue]"],
        ["header transfer-encoding", "interim"],
        "Under waitress, HEAD of a streamed route carries `Transfer-Encoding: chunked`, and "
        "`Expect: 100-continue` gets no `100 Continue` when the body is empty.",
        "waitress writes every app's framing itself; httpbin under waitress answers the same.",
        servers=["waitress"],
    ),
    Difference(
        "waitress: its own keep-alive header",
        ["GET /get [keep-alive]", "GET /get [HTTP/1.0 keep-alive]"],
        ["header connection"],
        "Under waitress, an HTTP/1.1 keep-alive answer has no `Connection` header and an "
        "HTTP/1.0 one says `Keep-Alive` (gunicorn: `keep-alive` on both).",
        "The server owns the connection headers; httpbin under waitress answers the same.",
        servers=["waitress"],
    ),
)
