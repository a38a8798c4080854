"""gunicorn configuration read from settings.ini.

Used by ``gunicorn -c gunicorn.conf.py wsgi_echo:app``, and by a plain
``gunicorn wsgi_echo:app`` started in this folder (gunicorn reads
./gunicorn.conf.py by default).  The settings are found the way the app
finds them ($WSGI_ECHO_SETTINGS, else ./settings.ini, else built-ins), and
every value comes from the one mapping in wsgi_echo.servers.gunicorn.
"""

import sys

import wsgi_echo
from wsgi_echo.servers import gunicorn as runner
from wsgi_echo.settings import SettingsError, load

try:
    _settings = load()
    runner.refuse_unsupported(_settings)
except SettingsError as _error:
    sys.stderr.write("wsgi-echo: %s\n" % _error)
    sys.exit(2)

wsgi_echo.configure(_settings, runner.wrap)
globals().update(runner.options(_settings))
