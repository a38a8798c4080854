"""The request, described as httpbin describes it: ``/get``, ``/post``, ``/put``,
``/patch``, ``/delete``, ``/anything``, and the inspection routes
``/headers``, ``/ip``, ``/user-agent`` and ``/uuid``.

httpbin builds one dict of nine keys (``get_dict``) and keeps the ones a
route names; each key here is a function of the environ (and the body), so
a route computes only its own keys.  The values follow httpbin on Flask and
werkzeug 3:

* ``headers``: werkzeug's ``EnvironHeaders``, names ``str.title()``-cased
  (``X-B3Traceid``, not the echo's ``X-B3traceid``), empty values kept,
  values as the server decoded them (latin-1, which is what ``requests``
  and ``http.client`` encode header text as), and the proxy headers httpbin
  hides (``HIDDEN``) left out unless the query has ``show_env``.
* ``args`` / ``form``: one value stays a string, a repeated key becomes a
  list; ``files``: the first upload of each name (httpbin's
  ``request.files.items()`` yields only the first).
* ``data``: the body when it is UTF-8, else a ``data:`` URL (RFC 2397);
  empty for form bodies, which werkzeug consumes parsing the form.
* ``url``: werkzeug's ``request.url``: an IRI (UTF-8 escapes shown as
  characters), the host lower-cased and without the scheme's default port.
* ``origin``: ``REMOTE_ADDR``. httpbin believes any ``X-Forwarded-For``;
  here the trusted-proxy middleware has already put the real client there.

The hot routes work on the environ directly, like the echo, reading it
through ``wsgi_echo.request`` (header names, query, form bodies, JSON).
"""

import base64
import re
import uuid
from urllib.parse import quote, unquote

from ...middleware.body import SENT_TRANSFER_ENCODING, read_body
from ...request.forms import MULTIPART, URLENCODED, boundary_of, count_parts, media_type
from ...request.header_names import titled
from ...request.host import host_of
from ...request.json_body import parse_json
from ...request.multi import multi
from ...request.multipart import parts
from ...request.query import KEEP_ESCAPED, query_pairs
from ...wsgi_text import decoded, request_path
from . import results
from .params import ParameterError

# Headers httpbin removes from what it shows (helpers.ENV_HEADERS): what its
# hosting's proxies added.  ``?show_env`` shows them.
HIDDEN = frozenset(
    (
        "X-Varnish",
        "X-Request-Start",
        "X-Heroku-Queue-Depth",
        "X-Real-Ip",
        "X-Forwarded-Proto",
        "X-Forwarded-Protocol",
        "X-Forwarded-Ssl",
        "X-Heroku-Queue-Wait-Time",
        "X-Forwarded-For",
        "X-Heroku-Dynos-In-Use",
        "X-Forwarded-Port",
        "X-Request-Id",
        "Via",
        "Total-Route-Time",
        "Connect-Time",
    )
)


def headers_of(environ, show_env=False):
    """The request headers as httpbin shows them, in the environ's order."""
    headers = {}
    for name, value in titled.headers(environ):
        if name in HIDDEN and not show_env:
            continue
        if not value and name in ("Content-Type", "Content-Length"):
            continue  # werkzeug leaves out an empty Content-Type / -Length
        headers[name] = value
    coding = environ.get(SENT_TRANSFER_ENCODING)
    if coding is not None:  # a chunked body, buffered: the headers as sent
        headers.pop("Content-Length", None)
        headers["Transfer-Encoding"] = coding
    return headers


def shown_headers(environ):
    """``headers_of`` with ``?show_env`` from the query."""
    query_string = environ.get("QUERY_STRING", "")
    return headers_of(environ, bool(query_string) and shows_env(query_string))


def shows_env(query_string):
    """``?show_env`` (any value) asks httpbin to show the headers it hides."""
    return "show_env" in query_string and any(
        key == "show_env" for key, _ in query_pairs(query_string)
    )


# -- the URL ---------------------------------------------------------------------

# Characters werkzeug's ``get_current_url`` leaves as they are in a path: a
# path of only these comes back unchanged, and most paths are such.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/._~!$&'()*+,;=:@-]*\Z")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9/._~!$&'()*+,;=:@?-]*\Z")
_PATH_SAFE = "!$&'()*+,/:;=@%"
_QUERY_SAFE = "!$&'()*+,/:;=?@%"
# Escapes an IRI keeps (werkzeug's ``uri_to_iri``): controls, space, "%",
# DEL, and the part's own delimiters ("/?#" in a path, "&=+#" in a query).
_KEPT_IN_PATH = re.compile(r"((?:%(?:[01][0-9A-Fa-f]|2[035Ff]|3[Ff]|7[Ff]))+)")
_KEPT_IN_QUERY = re.compile(r"((?:%(?:[01][0-9A-Fa-f]|2[0356Bb]|3[Dd]|7[Ff]))+)")


def _iri(text, kept):
    """Unescape every UTF-8 escape but the ones ``kept`` matches; escapes that
    are not UTF-8 stay (upper-cased), as werkzeug's ``uri_to_iri`` does."""
    parts = kept.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = unquote(parts[index], "utf-8", KEEP_ESCAPED)
    return "".join(parts)


def url_of(environ):
    """werkzeug's ``request.url`` for this environ (see the module docstring);
    an empty ``Host`` is the server's name, as everywhere here (werkzeug
    would write no host at all)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = host_of(environ).lower()
    if scheme == "http":
        if host.endswith(":80"):
            host = host[:-3]
    elif scheme == "https" and host.endswith(":443"):
        host = host[:-4]
    path = request_path(environ) or "/"
    if not _PLAIN_PATH.match(path):
        path = _iri(quote(decoded(path), safe=_PATH_SAFE), _KEPT_IN_PATH)
    query = environ.get("QUERY_STRING")
    if not query:
        return scheme + "://" + host + path
    if not _PLAIN_QUERY.match(query):
        query = _iri(quote(query.encode("latin-1"), safe=_QUERY_SAFE), _KEPT_IN_QUERY)
    return scheme + "://" + host + path + "?" + query


# -- the body ----------------------------------------------------------------------


def json_safe(body, content_type="application/octet-stream"):
    """``body`` as text when it is UTF-8, else a ``data:`` URL (RFC 2397), as
    httpbin's ``json_safe`` shows binary data and uploads."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return "data:%s;base64,%s" % (content_type, base64.b64encode(body).decode("ascii"))


def form_and_files(environ, body, max_parts):
    """(form, files, is a form body) for httpbin's ``form`` and ``files`` keys;
    a multipart body of more than ``max_parts`` parts is a 413."""
    content_type = environ.get("CONTENT_TYPE", "")
    kind = media_type(content_type)
    if kind == URLENCODED:
        pairs = query_pairs(body.decode("latin-1")) if body else []
        return multi(pairs), {}, True
    if kind != MULTIPART:
        return {}, {}, False
    boundary = boundary_of(content_type)
    if boundary is None or not body:
        return {}, {}, True
    if count_parts(content_type, body) > max_parts:
        raise ParameterError(
            "body", "the multipart body has more than %d parts" % max_parts, status=413
        )
    fields, files = [], {}
    for name, filename, part_type, content in parts(body, boundary):
        if name is None:
            continue  # a part without a name is shown under no key
        if filename is None:
            fields.append((name, content.decode("utf-8", "replace")))
        elif name not in files:
            files[name] = json_safe(content, part_type or "application/octet-stream")
    return multi(fields), files, True


# -- the documents -----------------------------------------------------------------


def _args(query_string):
    return multi(query_pairs(query_string)) if query_string else {}


def basics(environ):
    """httpbin's ``get_dict("url", "args", "headers", "origin")``: the keys of
    ``/get`` and of every route that answers as ``/get`` does."""
    query_string = environ.get("QUERY_STRING", "")
    return {
        "args": _args(query_string),
        "headers": headers_of(environ, bool(query_string) and shows_env(query_string)),
        "origin": environ.get("REMOTE_ADDR"),
        "url": url_of(environ),
    }


def with_body(environ, config, json_key=True):
    """``basics`` and the body keys: ``data``, ``files``, ``form`` and ``json``
    (``config``: the ``[httpbin]`` settings, which bound a multipart body)."""
    document = basics(environ)
    body = read_body(environ)
    if body:
        form, files, is_form = form_and_files(environ, body, config.max_form_parts)
        data = "" if is_form else json_safe(body)
    else:
        form, files, data = {}, {}, ""
    document["data"] = data
    document["files"] = files
    document["form"] = form
    if json_key:
        # JSON, else None; NaN, Infinity and numbers past a double refused
        # (``request.json_body``, as the echo parses it).
        document["json"] = parse_json(data) if data else None
    return document


# -- routes ----------------------------------------------------------------------------


def get(environ, params, config):
    return results.json_reply(basics(environ))


def body_reply(document):
    """``document`` as JSON; a ``json`` value nested deeper than the writer
    recurses (a few hundred levels; Python's parser stops near a thousand)
    is shown as null, as a body that is not JSON is, rather than failing."""
    try:
        return results.json_reply(document)
    except RecursionError:
        document["json"] = None
        return results.json_reply(document)


def with_body_route(environ, params, config):
    """``/post``, ``/put``, ``/patch`` and ``/delete``."""
    return body_reply(with_body(environ, config))


def anything(environ, params, config):
    document = with_body(environ, config)
    document["method"] = environ["REQUEST_METHOD"]
    return body_reply(document)


def headers(environ, params, config):
    return results.json_reply({"headers": shown_headers(environ)})


def ip(environ, params, config):
    return results.json_reply({"origin": environ.get("REMOTE_ADDR")})


def user_agent(environ, params, config):
    # httpbin looks the header up case-insensitively and gives null without one.
    return results.json_reply({"user-agent": environ.get("HTTP_USER_AGENT")})


def uuid4(environ, params, config):
    return results.json_reply({"uuid": str(uuid.uuid4())})
