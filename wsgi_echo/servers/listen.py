"""Bind the listening socket before any server starts.

Both runners hand the server an already-bound socket, so a port in use is
one clear line and an exit within milliseconds, instead of gunicorn's five
one-second retries or a traceback from waitress.
"""

import errno
import socket
import sys

# EADDRINUSE, and its Windows twin WSAEADDRINUSE.
IN_USE = {errno.EADDRINUSE, 10048}


def address_reuse_option(platform=sys.platform):
    """The socket option that lets a restarted server bind at once, and only it.

    On POSIX, SO_REUSEADDR lets a new listener take a port whose old
    connections are in TIME_WAIT, and still refuses a second live listener.
    On Windows, SO_REUSEADDR would let another process bind the same port
    (and take over its connections); SO_EXCLUSIVEADDRUSE is the option that
    refuses that, and TIME_WAIT does not block a bind there.
    """
    if platform == "win32":
        return getattr(socket, "SO_EXCLUSIVEADDRUSE", -5), 1  # -5: its value in winsock
    return socket.SO_REUSEADDR, 1


def port_advice(settings, before="", after=""):
    """How to choose another port, for a busy-port error: ``[server] port`` in
    the settings file in use, with the command's own way ``before`` or
    ``after`` it (``--port PORT or ``, ``, or gunicorn's --bind``)."""
    from ..settings import BUILTIN

    where = "" if settings.source == BUILTIN else " in %s" % settings.source
    return "choose another with %s[server] port%s%s" % (before, where, after)


class StartupError(Exception):
    """Start-up cannot go on; ``str()`` is the one line to show."""


def bind(host, port, backlog=2048, advice=""):
    """A listening socket on ``host:port``, inheritable (gunicorn takes it as
    ``fd://N``); ``advice`` (how to choose another port) ends a busy-port error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, *address_reuse_option())
        sock.bind((host.strip("[]"), port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        if exc.errno is not None and exc.errno in IN_USE:
            reason = "the port is already in use" + ("; %s" % advice if advice else "")
        raise StartupError("cannot listen on %s:%d: %s" % (host, port, reason)) from None
    except (ValueError, TypeError, UnicodeError) as exc:  # e.g. a NUL in the host name
        sock.close()
        raise StartupError("cannot listen on %r:%d: %s" % (host, port, exc)) from None
    sock.set_inheritable(True)
    return sock
