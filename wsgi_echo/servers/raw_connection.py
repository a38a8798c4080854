"""What a runner writes or does on a connection's socket itself, outside its
server's own framing: a whole JSON error response as bytes (the plain-HTTP
refusal on an HTTPS port, the gevent worker's header deadline), and a reset
(the faults' ``reset()``, under every runner).
"""

import socket
import struct

from .. import errors

# SO_LINGER on, 0 seconds: close() discards what is unsent and sends RST
# instead of FIN (the way Go's SetLinger(0) or WireMock's
# CONNECTION_RESET_BY_PEER do it).
RESET_ON_CLOSE = struct.pack("ii", 1, 0)


def json_error_response(code, detail, **fields):
    """An HTTP/1.1 error response in the app's JSON error shape (``errors``),
    head and body, closing the connection (the server's parser never saw the
    request, so nothing may follow it on the connection)."""
    body = errors.json_error_body(code, detail, **fields)
    return (
        "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
        "Connection: close\r\n\r\n" % (errors.status_line(code), len(body))
    ).encode("latin-1") + body


def reset_on_close(sock):
    """Make the socket's close send RST: the peer sees its connection reset."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET_ON_CLOSE)
