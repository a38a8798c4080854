"""What the app and the server runners agree on beyond PEP 3333.

The app stays plain WSGI; where it knows something a server must act on,
it says so in the environ under a key named here, and the runner of a
server that would not notice by itself acts on it.
"""

# Set (to True) when a response body came out shorter than the
# Content-Length already sent, as a file that shrinks while it is being
# sent does.  The connection must then be closed, or the client waits for
# bytes that never come (RFC 9112 section 6.3, item 7, from the client's
# side).
INCOMPLETE_RESPONSE = "wsgi_echo.incomplete_response"

# What the TLS layer of this connection was, when the server terminated TLS
# itself: a dict with "version", "cipher", "alpn", "sni" and "client_cert"
# (None, or the verified certificate as ``ssl.SSLSocket.getpeercert()``
# gives it, plus "der": its bytes).  Absent over plain HTTP.
TLS = "wsgi_echo.tls"

# A callable that sends response trailers for this response: called with a
# list of (name, value) pairs before the response iterable is exhausted,
# it sends them after the last body byte (RFC 9110 section 6.5).  Present
# only where the runner can really send them (contract.TRAILERS: over
# HTTP/2, under a runner that has it); absent, a route that needs
# trailers answers 501.
SEND_TRAILERS = "wsgi_echo.send_trailers"
# Set (to True) by the app when the connection cannot carry another request
# after this answer: a request body that could not be read to its end (a
# malformed chunk) leaves unknown where the next request starts.  The
# answer must then say ``Connection: close`` and the connection close.
CLOSE_AFTER = "wsgi_echo.close_after"

# A callable the app calls once it has read the request body to its end:
# the runner's deadline over the body's arrival (``body_timeout``) is then
# over, and an answer that takes longer than it keeps its connection.  Put
# there by a runner that enforces that deadline while the app reads, for a
# request that has a body; absent where the server receives a body before
# the app runs (waitress), and for a request without one.
BODY_READ = "wsgi_echo.body_read"

# How many requests that wait on purpose (``/delay``, streams) this process
# can run at once and still answer others (an int), put there by a runner
# whose every request holds one of a few threads.  Absent where waiting
# costs no thread.  ``middleware.held`` bounds them by it.
HELD_CAPACITY = "wsgi_echo.held_capacity"

# What the app may do to the connection its request came on, put there by a
# runner that can (``contract.CONNECTION_CONTROL``), for faults on demand
# (``/fault/...``): an object with
#
#   reset()          abort the exchange: a TCP reset (RST) on an HTTP/1.x
#                    connection, RST_STREAM (INTERNAL_ERROR) on an HTTP/2 stream;
#   whole            True when the request has its connection to itself
#                    (HTTP/1.x); only then may the app call
#   close()          close the connection with nothing sent (FIN), and
#   write_raw(data)  send ``data`` as it is, outside the server's framing,
#                    then close the connection.
#
# An HTTP/2 connection carries other requests' streams, which close and
# write_raw would break, so there only reset applies.  After any of them the
# server writes nothing more of its own for this request, logs no error,
# and serves other connections on; the app then calls start_response (for
# its own middleware and logs: nothing reaches the client) and returns an
# empty body.  A client already gone makes them do nothing.  Absent: the
# runner cannot, and a route that needs it answers 501.
CONNECTION = "wsgi_echo.connection"
