"""gunicorn configuration for ``gunicorn wsgi_echo:app`` started in this folder
(gunicorn reads ./gunicorn.conf.py by default).  The configuration itself is
part of the package, for any folder: ``gunicorn -c
python:wsgi_echo.servers.gunicorn.conf wsgi_echo:app``."""

from wsgi_echo.servers.gunicorn.conf import *  # noqa: F403  (gunicorn's settings)
