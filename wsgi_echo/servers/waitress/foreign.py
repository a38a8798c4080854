"""``waitress-serve wsgi_echo:app``: what this package can still do when
waitress's own command runs it.

waitress-serve imports the app before it binds its socket, and a port in
use then ends in a traceback.  ``sys.excepthook`` (the standard library's
documented seam for an uncaught exception) turns that one error into one
line naming the flags that choose another port; anything else is left to
the usual hook.
"""

import sys

from ..listen import IN_USE


def explain_busy_port():
    previous = sys.excepthook

    def hook(kind, error, trace):
        if isinstance(error, OSError) and error.errno in IN_USE:
            # One line; Python then exits with status 1, as for any uncaught error.
            print(
                "wsgi-echo: waitress-serve cannot listen: the port is already in use; "
                "choose another with --port PORT or --listen HOST:PORT",
                file=sys.stderr,
            )
            return
        previous(kind, error, trace)

    sys.excepthook = hook
