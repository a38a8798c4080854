"""wsgi-echo's gunicorn configuration, as a module gunicorn imports::

    gunicorn -c python:wsgi_echo.servers.gunicorn.conf wsgi_echo:app

It works from any folder with an installed wheel (the project's top-level
``gunicorn.conf.py`` is a one-line import of it).  The settings are found as
the app finds them (``$WSGI_ECHO_SETTINGS``, else ``./settings.ini``, else
the built-in defaults) and checked here, in gunicorn's master process, before
gunicorn starts anything: a bad file is one line and exit status 2.

The listening socket is bound here too and handed to gunicorn as ``fd://N``,
so a busy port is one line naming the setting to change, rather than
gunicorn's five one-second retries; unless gunicorn's own command line (or
``GUNICORN_CMD_ARGS``) names a ``--bind``, which then wins as usual.
"""

import os
import shlex
import sys

from ... import configure
from ...settings import SettingsError, load
from .. import USAGE_ERROR, listen, runner
from .. import chosen as chosen_runner

COMMAND = "gunicorn -c python:%s wsgi_echo:app" % __name__


def _bind_on_command_line():
    """Whether gunicorn's command line or ``GUNICORN_CMD_ARGS`` names a bind
    (gunicorn applies those over this file's values)."""
    from gunicorn.config import Config

    parser = Config().parser()
    for argv in (sys.argv[1:], shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))):
        known, _ = parser.parse_known_args(argv)
        if known.bind:
            return True
    return False


def _configuration():
    """gunicorn's settings for ours, and the bound socket (kept open here)."""
    try:
        # gunicorn's own command: whatever [server] server says, the gunicorn
        # runner for [server] worker_class, and the settings are checked as
        # that runner's (a memory record under several workers is refused).
        settings = load(overrides={("server", "server"): "gunicorn"})
        chosen = runner(chosen_runner(settings))
        chosen.refuse_unsupported(settings)
        sock = None
        if not _bind_on_command_line():
            sock = listen.bind(
                settings.server.host,
                settings.server.port,
                advice=listen.port_advice(settings, after=", or gunicorn's --bind"),
            )
    except (SettingsError, listen.StartupError) as error:
        sys.stderr.write("wsgi-echo: %s\n" % error)
        sys.exit(USAGE_ERROR)
    configure(settings, chosen.wrap)
    return chosen.options(settings, bind="fd://%d" % sock.fileno() if sock else None), sock


_options, _listening = _configuration()
globals().update(_options)
__all__ = sorted(_options)
