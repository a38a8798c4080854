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

from .. import errors

HANDSHAKE_RECORD = 0x16
# Room for a request line and its headers; a longer head is not waited for.
HEAD_LIMIT = 16384
# How long the refusal may wait for the rest of the head, and for the client
# to read the answer before the connection is closed.
WAIT_SECONDS = 1.0
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
    body = errors.json_error_body(400, detail)
    return (
        "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
        "Connection: close\r\n\r\n" % (errors.status_line(400), len(body))
    ).encode("latin-1") + body


def peek(sock):
    """The first bytes waiting on a new connection, not taken off it."""
    try:
        return sock.recv(HEAD_LIMIT, socket.MSG_PEEK)
    except OSError:
        return b""


def answer(sock):
    """Read the plain request's head, send the 400, and close gently (a
    lingering close: the client's unread bytes would otherwise make the
    kernel reset the connection and lose the answer)."""
    previous = sock.gettimeout()
    sock.settimeout(WAIT_SECONDS)
    head = b""
    try:
        while b"\r\n\r\n" not in head and len(head) < HEAD_LIMIT:
            data = sock.recv(HEAD_LIMIT - len(head))
            if not data:
                break
            head += data
        sock.sendall(refusal(head))
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(HEAD_LIMIT):
            pass
    except OSError:
        pass
    finally:
        sock.settimeout(previous)
