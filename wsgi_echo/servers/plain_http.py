"""A plain-HTTP request sent to the HTTPS port gets a clear 400, as nginx
answers one, instead of a failed handshake (an empty reply for the client
and a warning in the log).

Every TLS connection starts with a handshake record, whose first byte is
0x16 (RFC 8446 section 5.1, ``ContentType.handshake``); an HTTP/1.x request
starts with a method, in letters.  The first bytes are peeked (not read)
before the TLS layer is put on, so a real TLS client is not disturbed.
Written here because neither the ssl module nor gunicorn tells the two
apart: it is a rule about the first byte, with no I/O but the peek.
"""

import re
import socket
import time

from .raw_connection import json_error_response

HANDSHAKE_RECORD = 0x16
# Room for a request line and its headers; a longer head is not waited for.
HEAD_LIMIT = 16384
# How long the refusal may take in all: waiting for the rest of the head,
# sending the answer, and letting the client read it before the close.  A
# client that trickles its head or never stops sending is let go then: the
# refusal holds a thread (gthread) or a greenlet no longer than this.
WAIT_SECONDS = 2.0
# Of which the head may take this much; a head not whole by then is
# answered as far as it came.
HEAD_SECONDS = 1.0
_METHOD = re.compile(rb"[A-Z]{3,16} ")
_HOST = re.compile(rb"\r\nhost:[ \t]*([^\r\n]*)", re.IGNORECASE)
_TARGET = re.compile(rb"[A-Z]+ (/[^ \r\n]*)")


def is_plain_http(first_bytes):
    """Whether a connection's first bytes are an HTTP/1.x request line."""
    return (
        bool(first_bytes)
        and first_bytes[0] != HANDSHAKE_RECORD
        and bool(_METHOD.match(first_bytes))
    )


def refusal(head):
    """The 400 response for a plain-HTTP request head, as bytes."""
    host = _HOST.search(head)
    target = _TARGET.match(head)
    detail = "this port serves HTTPS, and the request was plain HTTP"
    if host:
        detail += "; use https://%s%s" % (
            host.group(1).decode("latin-1").strip(),
            target.group(1).decode("latin-1") if target else "/",
        )
    return json_error_response(400, detail)


def peek(sock):
    """The first bytes waiting on a new connection, not taken off it; the
    socket's timeout bounds the wait (an OSError past it)."""
    return sock.recv(HEAD_LIMIT, socket.MSG_PEEK)


def recv_before(sock, deadline, size):
    """One ``recv`` that returns by ``deadline`` (``time.monotonic()``), or
    raises TimeoutError: a timeout per ``recv`` alone would let a client that
    sends a byte now and then hold the connection for ever."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the plain-HTTP refusal's time is up")
    sock.settimeout(left)
    return sock.recv(size)


def answer(sock):
    """Read the plain request's head, send the 400, and close gently (a
    lingering close: the client's unread bytes would otherwise make the
    kernel reset the connection and lose the answer), all within
    ``WAIT_SECONDS``."""
    started = time.monotonic()
    deadline = started + WAIT_SECONDS
    previous = sock.gettimeout()
    head = b""
    try:
        try:
            while b"\r\n\r\n" not in head and len(head) < HEAD_LIMIT:
                data = recv_before(sock, started + HEAD_SECONDS, HEAD_LIMIT - len(head))
                if not data:
                    break
                head += data
        except TimeoutError:
            pass  # answered as far as it came
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        sock.sendall(refusal(head))
        sock.shutdown(socket.SHUT_WR)
        while recv_before(sock, deadline, HEAD_LIMIT):
            pass
    except OSError:
        pass
    finally:
        sock.settimeout(previous)
