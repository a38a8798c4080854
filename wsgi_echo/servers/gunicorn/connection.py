"""``protocol.CONNECTION`` under gunicorn: what the app may do to its connection.

gunicorn hands an app its connection's socket (``gunicorn.socket``) and the
response's ``start_response``, a method of its ``Response``; nothing more.
``Connection`` (an HTTP/1.x request) acts on the socket and tells the
response it has been sent (``headers_sent``) and must close the connection
(``force_close()``), so gunicorn's workers write nothing more of their own
and close it as after any ``Connection: close`` answer, quietly.  ``Stream``
(an HTTP/2 stream, through ``HTTP2Response``'s ``h2_conn`` and
``stream_id``) can only reset its stream: gunicorn then finds the stream
gone and ends the request as it does when a peer resets one, at debug level.

A reset closes the socket with ``SO_LINGER`` set to 0, which makes the kernel
send RST instead of FIN (the way Go's ``SetLinger(0)`` or WireMock's
``CONNECTION_RESET_BY_PEER`` do it).  The close has to happen now: gunicorn's
gthread worker would close the socket gracefully (``shutdown(SHUT_WR)``, a
FIN) before closing it.  The socket object is gunicorn's and stays open, so
it is not ``close()``d here (gthread would then fail on it, and miscount its
connections); its file descriptor is pointed at a fresh, unconnected socket
instead (``os.dup2``, which closes the connected one), on which gunicorn's
own close later succeeds.  gunicorn runs on Unix only, where ``dup2`` works
on sockets.

The attributes used are gunicorn 27's, not documented API, pinned with the
version in setup.cfg and checked by tests/test_server_seams_gunicorn*.py.
"""

import os
import socket

from ..raw_connection import reset_on_close

# RFC 9113 section 7: the stream's end was caused by an error in the server.
INTERNAL_ERROR = 0x2


class Connection:
    """An HTTP/1.x request's connection: its socket, and gunicorn's response."""

    __slots__ = ("sock", "start_response")
    whole = True

    def __init__(self, sock, start_response):
        self.sock, self.start_response = sock, start_response

    def _take_over(self):
        """gunicorn writes no head of its own, and closes the connection after."""
        response = self.start_response.__self__
        response.headers_sent = True
        response.force_close()

    def reset(self):
        self._take_over()
        sock = self.sock
        try:
            reset_on_close(sock)
            with socket.socket(sock.family, socket.SOCK_STREAM) as unconnected:
                os.dup2(unconnected.fileno(), sock.fileno())
        except OSError:  # the client is gone already
            pass

    def close(self):
        self._take_over()
        try:
            # socket.socket's own shutdown: on a TLS socket it leaves the TLS
            # layer in place for gunicorn's close.
            socket.socket.shutdown(self.sock, socket.SHUT_WR)
        except OSError:
            pass

    def write_raw(self, data):
        self._take_over()
        try:
            self.sock.sendall(data)
        except OSError:
            return
        self.close()


class Stream:
    """An HTTP/2 request's stream, on a connection other streams share."""

    __slots__ = ("start_response",)
    whole = False

    def __init__(self, start_response):
        self.start_response = start_response

    def reset(self):
        response = self.start_response.__self__
        response.h2_conn.reset_stream(response.stream_id, INTERNAL_ERROR)
