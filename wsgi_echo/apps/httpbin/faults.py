"""Faults on demand, ``/fault/...``: a server that misbehaves in one named
way, for testing a client's error handling (timeouts, retries, partial
reads).  Each is named for what the client sees (docs/faults.md has the
table, with the error each client raises and WireMock's names for them):

* ``/fault/reset``: the connection reset (RST) before any response; on an
  HTTP/2 stream, the stream reset (RST_STREAM);
* ``/fault/close``: the connection closed (FIN) before any response;
* ``/fault/truncate``: a 200 whose ``Content-Length`` says 100 bytes, 50
  of them sent, then the connection closed;
* ``/fault/stall?duration=``: no response head for that long, then an
  ordinary answer;
* ``/fault/slow?bytes=&rate=``: the head at once, then the body at ``rate``
  bytes a second;
* ``/fault/bad-status-line``: a status line that is not HTTP's, then close;
* ``/fault/bad-chunk``: a chunked 200 whose second chunk-size line is not
  hexadecimal (RFC 9112 section 7.1), then close.

Reset, close and the malformed answers act on the connection, which WSGI
does not reach: the runner puts what it can do in the environ
(``protocol.CONNECTION``); where it put nothing, they answer 501 saying
so.  An HTTP/2 connection carries other requests' streams, and has no
status line or chunked framing to break: there, only the reset applies
(to the stream), and close and the malformed answers are a 501 too.  The
truncated answer needs no such help (``protocol.INCOMPLETE_RESPONSE``
makes the runner close the connection), nor do the stall and the slow
body, which are held requests (``middleware.held``), bounded by ``[httpbin]
max_fault_seconds`` (and the slow body's size by ``max_drip_bytes``).
"""

import math
import time

from ...middleware.held import hold
from ...protocol import CONNECTION, INCOMPLETE_RESPONSE
from . import results
from .pacing import paced_bytes
from .params import ParameterError, duration, options, whole
from .status import asterisks

# What the access log and the record show for an exchange that got no
# response the server framed: nginx's code for "connection closed without a
# response" (its logs' 444).  It never reaches the client; the
# Content-Length keeps the server from framing an empty body of its own.
NO_RESPONSE = 444


def no_response():
    """A new headers list each time: the app adds CORS to it in place."""
    return NO_RESPONSE, [("Content-Length", "0")], ()


# RFC 9112 section 4: the status code is three digits; these are letters O.
BAD_STATUS_LINE = b"HTTP/1.1 2OO OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"
# One good chunk, then a chunk-size line that is not hexadecimal.
BAD_CHUNK = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"6\r\nchunk \r\nnot-hex\r\nbroken\r\n"
)
TRUNCATED_LENGTH, TRUNCATED_SENT = 100, 50
STALL_DEFAULT = 10.0  # seconds, or max_fault_seconds when that is less
SLOW_BYTES, SLOW_RATE = 1024, 256  # bytes, and bytes a second

# Why a fault that needs the whole connection cannot have it over HTTP/2.
NOT_ON_A_STREAM = {
    "close": "closing the connection would end the other requests' streams on it; "
    "/fault/reset resets this stream alone",
    "bad-status-line": "HTTP/2 has no status line to break (the status is a header field)",
    "bad-chunk": "HTTP/2 has no chunked framing to break (RFC 9113 section 8.2.2)",
}


def _on_connection(environ, fault, act):
    """``act(connection)`` on the runner's ``protocol.CONNECTION``, then no
    response; a 501 where there is none, or (for a fault that needs the
    whole connection) where it is an HTTP/2 stream."""
    connection = environ.get(CONNECTION)
    if connection is None:
        return results.error(
            501,
            "/fault/%s needs a server that lets the app act on its connection, and this one "
            "does not; wsgi-echo's own command starts one that does" % fault,
        )
    if fault != "reset" and not connection.whole:
        return results.error(
            501, "/fault/%s needs an HTTP/1.x connection: %s" % (fault, NOT_ON_A_STREAM[fault])
        )
    act(connection)
    return no_response()


def reset(environ, params, config):
    return _on_connection(environ, "reset", lambda connection: connection.reset())


def close(environ, params, config):
    return _on_connection(environ, "close", lambda connection: connection.close())


def bad_status_line(environ, params, config):
    return _on_connection(
        environ, "bad-status-line", lambda connection: connection.write_raw(BAD_STATUS_LINE)
    )


def bad_chunk(environ, params, config):
    return _on_connection(environ, "bad-chunk", lambda connection: connection.write_raw(BAD_CHUNK))


def truncate(environ, params, config):
    """Half the promised body; the runner then closes the connection, or the
    client would wait for the rest (RFC 9112 section 6.3, item 7)."""
    if environ["REQUEST_METHOD"] != "HEAD":
        environ[INCOMPLETE_RESPONSE] = True
    headers = [("Content-Length", str(TRUNCATED_LENGTH))]
    return results.data(b"*" * TRUNCATED_SENT, results.BINARY, headers=headers)


def stall(environ, params, config):
    limit = config.max_fault_seconds
    text = options(environ).get("duration")
    wait = min(STALL_DEFAULT, limit) if text is None else duration(text, "duration", limit)
    if wait:
        hold(environ)
        time.sleep(wait)
    return results.json_reply({"fault": "stall", "seconds": wait})


def slow(environ, params, config):
    """``bytes`` asterisks, the first piece with the head, the last at
    ``bytes / rate`` seconds; at most ``WRITES_PER_SECOND`` writes a second."""
    query, limit = options(environ), config.max_fault_seconds
    most = config.max_drip_bytes
    text = query.get("bytes")
    size = min(SLOW_BYTES, most) if text is None else whole(text, "bytes", 1, most)
    if size < 1:
        raise ParameterError("bytes", "max_drip_bytes is 0: /fault/slow is off")
    text = query.get("rate")
    if text is None:  # the default rate, raised to send the body within the limit
        wait = min(size / SLOW_RATE, limit)
    else:
        wait = size / whole(text, "rate", 1)
        if wait > limit:
            least = "a rate of at least %d" % math.ceil(size / limit) if limit else "no rate"
            raise ParameterError(
                "rate",
                "bytes / rate must be at most %d seconds: for %d bytes, %s" % (limit, size, least),
            )
    headers = [("Content-Length", str(size))]
    if wait:
        hold(environ)
    body = paced_bytes(asterisks, 0, size, wait, first_at_once=True)
    return results.data(body, results.BINARY, headers=headers)
