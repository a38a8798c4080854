"""The record's API, its live feed and the inspector page, relative to the
mount (``/_requests`` by default):

* ``GET`` on the mount: recorded requests, newest first, as
  ``{"requests": [...], "last_id": N, "dropped": n}`` (``limit``,
  ``after``/``before`` an id, ``method``, ``path`` prefix); ``last_id`` is
  the marker after which everything is new.  A browser (``Accept:
  text/html``) is sent to the page.  ``DELETE`` clears the record.
* ``GET <mount>/<id>``: one record; ``/<id>/raw`` as HTTP text,
  ``/<id>/curl`` as a curl command; ``GET <mount>/har``: the list as HAR 1.2.
* ``GET <mount>/events``: the live feed (``feed``).
* ``GET <mount>/``: the inspector page (``page``).

Everything answers only readers ``access`` lets in, with ``Cache-Control:
no-store``: the record holds the secrets clients sent.  Every read of the
record, and the clearing, first settles it (``Recording.settle``): what
this process queued is written, so a client that has its answer finds its
request.
"""

import json

from ... import errors
from ...record.stores import StoreUnavailable, with_id
from ...request.query import parse_query
from ...wsgi_text import request_path, url_path
from . import feed, formats, page
from .access import Access
from .params import ParameterError, last_event_id, record_id, selection

JSON = "application/json"
PRIVATE = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
ALLOW = {"list": "GET, HEAD, DELETE", "read": "GET, HEAD"}
TEXT = "text/plain; charset=utf-8"


class RequestsApp:
    def __init__(self, config, recording):
        """``config``: the ``[record]`` settings; ``recording``: the record
        ``make_app`` opened (``record.Recording``)."""
        self.config = config
        self.recording = recording
        self.store = recording.store
        self.access = Access(config.token)
        self.assets = page.assets()

    # -- answers ----------------------------------------------------------------------

    def error(self, environ, start_response, status, detail, headers=(), **fields):
        return errors.json_error(
            environ, start_response, status, detail, headers=[*PRIVATE, *headers], **fields
        )

    def send(self, environ, start_response, body, content_type, status=200, headers=()):
        start_response(
            errors.STATUS_LINES[status],
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                *PRIVATE,
                *headers,
            ],
        )
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def send_json(self, environ, start_response, text, status=200):
        return self.send(environ, start_response, text.encode("utf-8"), JSON, status)

    # -- dispatch -----------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ["REQUEST_METHOD"]
        token = _take_token(environ)
        if token is not None and path == "/" and method == "GET" and self.access.token:
            return self.sign_in(environ, start_response, token)
        refusal = self.access.refusal(environ)
        if refusal is not None:
            status, detail = refusal
            challenge = [("WWW-Authenticate", 'Bearer realm="wsgi-echo record"')]
            return self.error(
                environ, start_response, status, detail, headers=challenge if status == 401 else ()
            )
        route, allow = self.route(path, method)
        if route is None:
            if allow is None:
                return self.error(environ, start_response, 404, "no such record or page")
            return self.error(
                environ,
                start_response,
                405,
                "this path takes %s" % allow,
                headers=[("Allow", allow)],
            )
        try:
            return route(environ, start_response)
        except ParameterError as exc:
            return self.error(environ, start_response, 400, exc.detail, parameter=exc.name)
        except StoreUnavailable as exc:
            return self.error(
                environ,
                start_response,
                503,
                "the record store is unavailable: %s" % exc,
                dropped=self.recording.dropped,
            )

    def route(self, path, method):
        """(handler, None), or (None, the methods the path takes) when the
        method is wrong, or (None, None) when no such path."""
        reading = method in ("GET", "HEAD")
        if path == "":
            if method == "DELETE":
                return self.clear, None
            return (self.listing, None) if reading else (None, ALLOW["list"])
        if path in self.assets:
            return (self.asset, None) if reading else (None, ALLOW["read"])
        fixed = {"/events": self.events, "/har": self.har}
        if path in fixed:
            return (fixed[path], None) if reading else (None, ALLOW["read"])
        parts = path[1:].split("/")
        number = record_id(parts[0]) if parts[0].isdigit() else None  # none past the largest
        if number is not None and len(parts) <= 2:
            shape = parts[1] if len(parts) == 2 else "json"
            if shape in ("json", "raw", "curl"):
                if not reading:
                    return None, ALLOW["read"]
                return (lambda e, s: self.one(e, s, number, shape)), None
        return None, None

    # -- the API ------------------------------------------------------------------------

    def listing(self, environ, start_response):
        if "text/html" in environ.get("HTTP_ACCEPT", ""):
            location = environ.get("SCRIPT_NAME", "") + "/"
            start_response("302 Found", [("Location", location), ("Content-Length", "0")])
            return []
        chosen = _from_start(selection(environ, self.config.max_requests))
        self.recording.settle()
        last = self.store.last_id()  # before the page: nothing newer than it is missed
        rows = self.store.page(**chosen) if chosen["limit"] else []
        text = '{"requests":[%s],"last_id":%d,"dropped":%d}' % (
            ",".join(with_id(record_id, record) for record_id, record in rows),
            max([last, *(record_id for record_id, _ in rows)]),
            self.recording.dropped,
        )
        return self.send_json(environ, start_response, text)

    def clear(self, environ, start_response):
        self.recording.settle()  # what was answered before is cleared too
        self.store.clear()
        start_response("204 No Content", list(PRIVATE))
        return []

    def one(self, environ, start_response, record_id, shape):
        self.recording.settle()
        text = self.store.get(record_id)
        if text is None:
            return self.error(
                environ, start_response, 404, "no record %d (never, or no longer, kept)" % record_id
            )
        if shape == "json":
            return self.send_json(environ, start_response, with_id(record_id, text))
        record = json.loads(with_id(record_id, text))
        if shape == "raw":
            return self.send(environ, start_response, formats.raw_http(record), TEXT)
        return self.send(
            environ, start_response, formats.curl_command(record).encode("utf-8"), TEXT
        )

    def har(self, environ, start_response):
        chosen = _from_start(selection(environ, self.config.max_requests))
        self.recording.settle()
        records = [json.loads(with_id(i, text)) for i, text in self.store.page(**chosen)]
        body = json.dumps(formats.har(records), ensure_ascii=False, indent=1)
        return self.send(
            environ,
            start_response,
            body.encode("utf-8"),
            JSON,
            headers=[("Content-Disposition", 'attachment; filename="requests.har"')],
        )

    def events(self, environ, start_response):
        chosen = selection(environ, self.config.max_requests)
        start = last_event_id(environ, chosen["after"])
        slot = self.recording.listener()
        if slot is None:
            return self.error(
                environ,
                start_response,
                503,
                "%d live feeds are open in this process already ([record] feed_listeners)"
                % self.config.feed_listeners,
                headers=[("Retry-After", "5")],
            )
        try:
            if start is None:
                self.recording.settle()
                start = self.store.last_id()
        except BaseException:
            slot.release()
            raise
        start_response("200 OK", [*feed.HEADERS, ("X-Content-Type-Options", "nosniff")])
        if environ["REQUEST_METHOD"] == "HEAD":
            slot.release()
            return []
        body = feed.events(self.recording, start, self.config.feed_seconds, _matcher(chosen))
        return feed.Feed(body, slot)

    # -- the page -------------------------------------------------------------------------

    def asset(self, environ, start_response):
        asset = self.assets[environ.get("PATH_INFO", "")]
        headers = [*asset.headers, *PRIVATE]
        if asset.headers[0][1].startswith("text/html"):
            headers += page.SECURITY_HEADERS
        start_response("200 OK", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [asset.body]

    def sign_in(self, environ, start_response, token):
        """``GET <mount>/?token=...``: the cookie the page and its feed read
        with, then the page again without the token in its URL."""
        if not self.access.token_matches(token):
            return self.error(environ, start_response, 401, "this is not the [record] token")
        mount = environ.get("SCRIPT_NAME", "")
        secure = environ.get("wsgi.url_scheme") == "https"
        start_response(
            "303 See Other",
            [
                ("Location", mount + "/"),
                ("Set-Cookie", self.access.cookie(mount, secure)),
                ("Content-Length", "0"),
                *PRIVATE,
            ],
        )
        return []


def _take_token(environ):
    """The ``token`` query parameter, removed from the environ before anything
    logs the request (the access log reads the target when the answer ends)."""
    query = environ.get("QUERY_STRING", "")
    if "token=" not in query:
        return None
    pairs = parse_query(query)
    token = next((value for name, value in pairs if name == "token"), None)
    kept = "&".join(part for part in query.split("&") if not part.startswith("token="))
    environ["QUERY_STRING"] = kept
    target = url_path(request_path(environ))
    for key in ("REQUEST_URI", "RAW_URI"):
        if key in environ:
            environ[key] = target + ("?" + kept if kept else "")
    return token


def _from_start(chosen):
    """The list's selection: no ``after`` is after 0, the first record."""
    return dict(chosen, after=chosen["after"] or 0)


def _matcher(chosen):
    """The feed's filter: by method and path prefix, as the list's."""
    method, path = chosen["method"], chosen["path"]
    if method is None and path is None:
        return lambda text: True

    def matches(text):
        record = json.loads(text)
        return (method is None or record["method"] == method) and (
            path is None or record["path"].startswith(path)
        )

    return matches
