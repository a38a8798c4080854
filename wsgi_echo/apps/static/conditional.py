"""Conditional and range requests: WebOb's ``conditional_response_app`` with
the RFC 9110 rules it leaves out filled in.

WebOb decides 200, 206, 304 and 416 from If-None-Match, If-Modified-Since,
If-Range and Range.  What it does not do, done here:

* If-Match and If-Unmodified-Since, which it leaves to the application
  (RFC 9110 sections 13.1.1 and 13.1.4: 412 when they fail);
* ignoring a malformed conditional header instead of raising from its
  parser (RFC 9110 sections 13.1.3 and 14.2 say to ignore it);
* an If-Range that cannot be evaluated means the whole representation, so
  the Range goes with it (RFC 9110 section 13.1.5);
* ``bytes=-0`` asks for the last zero bytes, which is unsatisfiable (RFC 9110
  section 14.1.2: 416), though WebOb answers it with the whole file;
* ``If-None-Match: *`` is false whenever the file exists (RFC 9110 section
  13.1.2: 304), though WebOb reads it as never matching;
* a Range of several ranges would get WebOb's answer for the first one
  alone; it is ignored instead (RFC 9110 section 14.2 lets a server ignore
  Range), so the client gets the whole file, as from the httpbin app's /range.
"""

import re
from email.utils import parsedate_to_datetime

from webob import Response
from webob.request import BaseRequest
from webob.static import FileIter

from ... import errors

# Request headers that make a response conditional or partial.
KEYS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)

# (request header, WebOb property parsing it, headers to drop when it fails)
_PARSED_BY_WEBOB = (
    ("HTTP_IF_MODIFIED_SINCE", "if_modified_since", ("HTTP_IF_MODIFIED_SINCE",)),
    ("HTTP_IF_NONE_MATCH", "if_none_match", ("HTTP_IF_NONE_MATCH",)),
    ("HTTP_IF_RANGE", "if_range", ("HTTP_IF_RANGE", "HTTP_RANGE")),
    ("HTTP_RANGE", "range", ("HTTP_RANGE",)),
)
_EMPTY_SUFFIX = re.compile(r"\s*bytes\s*=\s*-\s*0+\s*\Z", re.I)


def is_conditional(environ):
    return any(key in environ for key in KEYS)


def drop_unparsable(environ):
    """Remove conditional headers WebOb cannot parse or would misread (they
    are ignored)."""
    if "," in environ.get("HTTP_RANGE", ""):
        environ.pop("HTTP_RANGE")
        environ.pop("HTTP_IF_RANGE", None)
    request = BaseRequest(environ)
    for key, attribute, drop in _PARSED_BY_WEBOB:
        if key in environ:
            try:
                getattr(request, attribute)
            except (ValueError, TypeError, OverflowError, IndexError):
                for name in drop:
                    environ.pop(name, None)


def empty_suffix_range(environ):
    return bool(_EMPTY_SUFFIX.match(environ.get("HTTP_RANGE", "")))


def failed_precondition(environ, etag, mtime_ns):
    """Why If-Match or If-Unmodified-Since fails for this version, or None."""
    if_match = environ.get("HTTP_IF_MATCH")
    if if_match is not None:
        tags = [tag.strip() for tag in if_match.split(",")]
        if "*" not in tags and etag not in tags:
            return "If-Match does not match the current ETag %s" % etag
        return None  # RFC 9110 13.2.2: If-Unmodified-Since is then not evaluated
    if_unmodified = environ.get("HTTP_IF_UNMODIFIED_SINCE")
    if if_unmodified is not None:
        try:
            since = parsedate_to_datetime(if_unmodified).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None  # an invalid date is ignored (RFC 9110 13.1.4)
        if mtime_ns // 10**9 > since:
            return "the file was modified after If-Unmodified-Since"
    return None


def respond(environ, start_response, variant, handle):
    """Answer 200, 206, 304, 412 or 416 for ``variant`` (in memory, or from
    the open ``handle``)."""
    drop_unparsable(environ)
    if environ.get("HTTP_IF_NONE_MATCH", "").strip() == "*":
        # "*" matches any current representation: the one there is, by its tag.
        environ["HTTP_IF_NONE_MATCH"] = variant.etag
    failed = failed_precondition(environ, variant.etag, variant.mtime_ns)
    if failed or empty_suffix_range(environ):
        if handle is not None:
            handle.close()
        if failed:
            return errors.json_error(environ, start_response, 412, failed)
        return errors.json_error(
            environ,
            start_response,
            416,
            "a suffix range of zero bytes selects nothing",
            headers=[("Content-Range", "bytes */%d" % variant.size)],
        )
    if variant.body is not None:
        app_iter = [variant.body]
    else:
        app_iter = FileIter(handle) if handle is not None else []
    response = Response(app_iter=app_iter, conditional_response=True)
    response.headerlist = list(variant.headers)
    return response(environ, start_response)
