"""Caching: ``/cache``, ``/cache/<n>`` and ``/etag/<etag>``.

These answer as ``/get`` does, plus validators.  httpbin's rules, which are
simpler than RFC 9110 section 13's and kept so: ``/cache`` answers 304 to any
``If-Modified-Since`` or ``If-None-Match`` at all, whatever its value;
``/etag/<etag>`` compares opaque tags (weak and strong alike, quotes
optional), checks ``If-None-Match`` first and looks at ``If-Match`` only
without it.
"""

import re
import uuid
from email.utils import formatdate

from . import results
from .params import ParameterError, whole
from .request_echo import basics

_TAG = re.compile(r'\s*(?:W/)?"?([^"]*)"?\s*')


def entity_tags(header):
    """The tags in an ``If-None-Match`` / ``If-Match`` list, without ``W/`` and quotes."""
    if not header:
        return []
    tags = []
    for part in header.split(","):
        match = _TAG.match(part)
        tags.append(match.group(1) if match else part.strip())
    return tags


def cache(environ, params, config):
    if environ.get("HTTP_IF_MODIFIED_SINCE") or environ.get("HTTP_IF_NONE_MATCH"):
        return 304, [], b""
    # A new validator on every answer: nothing here is ever "not modified"
    # except by the rule above.
    return results.json_reply(
        basics(environ),
        headers=[("Last-Modified", formatdate(usegmt=True)), ("ETag", uuid.uuid4().hex)],
    )


def cache_control(environ, params, config):
    seconds = whole(params[0], "n", 0)
    return results.json_reply(
        basics(environ), headers=[("Cache-Control", "public, max-age=%d" % seconds)]
    )


def etag(environ, params, config):
    tag = params[0]
    if any(c < "!" or c == '"' or c == "\x7f" for c in tag):
        # A header value may not hold controls (RFC 9110 section 5.5), and an
        # entity tag's own characters exclude spaces and quotes (section 8.8.3).
        raise ParameterError("etag", "an entity tag may not hold spaces, quotes or controls")
    none_match = entity_tags(environ.get("HTTP_IF_NONE_MATCH"))
    if none_match:
        if tag in none_match or "*" in none_match:
            return 304, [("ETag", tag)], b""
    else:
        match = entity_tags(environ.get("HTTP_IF_MATCH"))
        if match and tag not in match and "*" not in match:
            return results.empty(412, [results.LENGTH_AFTER_CORS])
    return results.json_reply(basics(environ), headers=[("ETag", tag)])
