"""What the server says about itself, from go-httpbin: ``/hostname``,
``/env`` and ``/version``.

``/hostname`` and ``/env`` tell a client about the host it reached, so
each is served only when its setting turns it on (``[httpbin]
hostname_route``, ``env_route``); off, as by default, the path is no route
(404) and the index does not list it.

``/env`` shows only what an operator published for it: the environment
variables whose names start with ``HTTPBIN_ENV_`` (go-httpbin's prefix),
and of those none whose name says it holds a secret (``SECRETISH``), so a
``HTTPBIN_ENV_API_KEY`` set by mistake stays hidden.  It reads the
environment of the process answering, at each request.
"""

import os
import re
import socket

from ... import __version__
from . import results

ENV_PREFIX = "HTTPBIN_ENV_"
# Words in a variable's name that mark what it holds as a secret.
SECRETISH = re.compile(
    r"KEY|SECRET|TOKEN|PASS|CREDENTIAL|PRIVATE|AUTH|SESSION|COOKIE|SIGNATURE|SALT|CERT",
    re.IGNORECASE,
)
# Route -> the [httpbin] setting that must be on for it to exist.
OPT_IN = {"/hostname": "hostname_route", "/env": "env_route"}


def shown_environment(environ_vars):
    """The variables ``/env`` shows, from a mapping like ``os.environ``."""
    return {
        name: value
        for name, value in sorted(environ_vars.items())
        if name.startswith(ENV_PREFIX) and not SECRETISH.search(name[len(ENV_PREFIX) :])
    }


def hostname(environ, params, config):
    return results.json_reply({"hostname": socket.gethostname()})


def env(environ, params, config):
    return results.json_reply({"env": shown_environment(os.environ)})


def version(environ, params, config):
    """go-httpbin's keys that apply (``service``, ``version``); no build data."""
    return results.json_reply({"service": "wsgi-echo", "version": __version__})
