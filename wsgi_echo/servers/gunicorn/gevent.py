"""The gunicorn-gevent runner (``contract.Runner``): gunicorn with its gevent
worker (``gevent_worker``), from the same settings as the gthread runner.

Each connection is a greenlet: a request that waits (``/delay``, ``/sse``,
a slow client) costs a greenlet and a socket, not one of a few threads, so
a worker holds ``max_connections`` of them and still answers everyone
else.  ``threads`` does not apply; the work of the requests a worker runs
shares one CPU, as under gthread.

Everything but the worker comes from the gthread runner (``options``,
``serve``, ``adapter``): the same option mapping, hooks and TLS.
"""

from .. import able, counted
from ..contract import HEADER_DEADLINE, refuse_missing_capabilities
from . import CAPABILITIES as THREAD_CAPABILITIES
from . import options as gunicorn_options
from . import serve, version
from .adapter import Adapter

NAME = "gunicorn-gevent"
# gthread's, and a deadline over a request's head (``gevent_worker``).
CAPABILITIES = THREAD_CAPABILITIES | {HEADER_DEADLINE}
# contract.Runner's names (``version`` and ``serve`` are the gthread runner's).
__all__ = [
    "CAPABILITIES",
    "NAME",
    "loaded_without_runner",
    "refuse_unsupported",
    "run",
    "version",
    "wrap",
]


def refuse_unsupported(settings):
    refuse_missing_capabilities(NAME, CAPABILITIES, settings, able)


def loaded_without_runner():
    """The gthread runner gives the one warning for ``gunicorn wsgi_echo:app``."""
    return None


def wrap(app, settings):
    """The app under the gevent worker: no bound on waiting requests, which
    cost no thread here."""
    return Adapter(app, settings.tls.enabled)


def worker(settings):
    """The gevent worker's part of gunicorn's options."""
    from .gevent_worker import worker_class

    server = settings.server
    # gunicorn reads a request with no deadline at all when its keepalive
    # is 0; it is kept above 0, and keepalive = 0 closes every connection
    # after its answer (the hooks' close_each) instead.
    idle = server.keepalive or server.header_timeout
    return {"worker_class": worker_class(idle, server.header_timeout), "keepalive": idle}


def detail(cfg):
    """The ready line's "(1 worker, gevent, 1000 connections each)"."""
    return " (%s, gevent, %s each)" % (
        counted(cfg.workers, "worker"),
        counted(cfg.worker_connections, "connection"),
    )


def options(settings, bind=None):
    return gunicorn_options(settings, bind, worker=worker, detail=detail)


def run(app, settings, sock):
    serve(wrap(app, settings), options(settings, bind="fd://%d" % sock.fileno()))
