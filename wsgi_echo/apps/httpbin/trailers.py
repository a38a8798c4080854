"""``/trailers``: each query parameter sent back as a response trailer
(RFC 9110 section 6.5), after ``/anything``'s body, as go-httpbin answers.

The response announces the names in ``Trailer`` (section 6.6.2).  Names
must be tokens that may stand in a trailer: not the fields section 6.5.1
keeps out of trailers (framing, routing, authentication, response
control, content handling; go-httpbin's list), nor the connection-specific
ones HTTP/2 forbids anywhere (RFC 9113 section 8.2.2); values are visible
ASCII.  A name or value that breaks that is a 400 naming it.  A name given
twice (in any case) is one trailer with the last value, as go-httpbin
sets each in turn.

Trailers go out only where the server running the app can send them: it
then puts a sender in the environ (``protocol.SEND_TRAILERS``).  Without
one (HTTP/1.1 here, under either server) the answer is a 501 saying so.
"""

import re

from ...protocol import SEND_TRAILERS
from ...request.query import query_pairs
from ...wsgi_text import TOKEN_RE
from . import results
from .params import ParameterError
from .request_echo import body_reply, with_body

FORBIDDEN = frozenset(
    (
        # RFC 9110 section 6.5.1, and go-httpbin's list
        "authorization",
        "cache-control",
        "content-encoding",
        "content-length",
        "content-range",
        "content-type",
        "expect",
        "host",
        "max-forwards",
        "proxy-authenticate",
        "proxy-authorization",
        "range",
        "retry-after",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "www-authenticate",
        # RFC 9113 section 8.2.2
        "connection",
        "keep-alive",
        "proxy-connection",
        "upgrade",
    )
)
_VALUE = re.compile(r"[\x20-\x7e]*\Z")


def requested(query_string):
    """The (name, value) trailers the query asks for, checked: one per name
    (compared without case), in the order first asked, with its last value."""
    pairs = {}
    for name, value in query_pairs(query_string):
        if not TOKEN_RE.match(name):
            raise ParameterError(name, "%r is not a field name (a token)" % name)
        if name.lower() in FORBIDDEN:
            raise ParameterError(name, "%s may not be sent as a trailer (RFC 9110 6.5.1)" % name)
        if not _VALUE.match(value):
            raise ParameterError(name, "a trailer value must be visible ASCII")
        first, _ = pairs.get(name.lower(), (name, None))
        pairs[name.lower()] = (first, value.strip())
    return list(pairs.values())


def trailers(environ, params, config):
    pairs = requested(environ.get("QUERY_STRING", ""))
    send = environ.get(SEND_TRAILERS)
    if send is None:
        return results.error(
            501,
            "the server cannot send response trailers on this %s connection; ask over "
            "HTTP/2 where the server offers it" % environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        )
    document = with_body(environ, config)
    document["method"] = environ["REQUEST_METHOD"]
    status, headers, body = body_reply(document)
    if pairs:
        headers.append(("Trailer", ", ".join(name for name, _ in pairs)))
        send(pairs)
    return status, headers, body
