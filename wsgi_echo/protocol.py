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

# How many requests that wait on purpose (``/delay``, streams) this process
# can run at once and still answer others (an int), put there by a runner
# whose every request holds one of a few threads.  Absent where waiting
# costs no thread.  ``middleware.held`` bounds them by it.
HELD_CAPACITY = "wsgi_echo.held_capacity"
