"""Response headers the server owns: no app sends them because a client asked.

Both apps let a client choose response headers (the echo's
``X-Echo-Header``, httpbin's ``/response-headers``), and both refuse the
same ones: hop-by-hop fields belong to the connection, not the message
(RFC 9110 section 7.6.1), and the framing fields are the server's to
compute; letting a client set them would desync the connection for
everyone behind the same proxy.
"""

# Lower-cased, as the apps compare them.
REFUSED_HEADERS = frozenset(
    name.lower()
    for name in (
        "Connection",
        "Keep-Alive",
        "Proxy-Connection",
        "Transfer-Encoding",
        "TE",
        "Trailer",
        "Trailers",
        "Upgrade",
        "Content-Length",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Date",
        "Server",
    )
)
