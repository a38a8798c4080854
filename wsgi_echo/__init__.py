"""wsgi-echo: an HTTP echo and static file server, one WSGI app on WebOb.

``wsgi_echo:app`` is built on first access from the settings found by
``settings.load()`` (``$WSGI_ECHO_SETTINGS``, else ``./settings.ini``, else
the built-in defaults).  Building lazily lets a server's configuration file
and the command line import the package, check the settings and report a
bad file in one line before any server imports the app.
"""

__version__ = "0.1.0"
__all__ = ["__version__", "app", "make_app"]


_configured = None
_wrap = None


def configure(settings, wrap=None):
    """Use these already-loaded settings for ``wsgi_echo:app``.

    A server's configuration file loads and checks the settings in its main
    process and hands them over here, so the file is read once; ``wrap``
    (app, settings) -> app is the runner's, adding what that server needs.
    """
    global _configured, _wrap
    _configured, _wrap = settings, wrap


def make_app(settings=None):
    """A new WSGI app for ``settings`` (by default: configured, else found on disk)."""
    from . import application
    from . import settings as settings_module

    if settings is None:
        if _configured is not None:
            app = application.make_app(_configured)
            return _wrap(app, _configured) if _wrap is not None else app
        settings = settings_module.load()
    return application.make_app(settings)


def __getattr__(name):
    if name == "app":
        from .settings import SettingsError

        try:
            if _configured is None:
                from .servers import warn_if_loaded_without_runner

                warn_if_loaded_without_runner()
            wsgi_app = make_app()
        except SettingsError as exc:
            # Imported by a server command: one line, not a traceback.
            from .servers import refuse_to_load

            refuse_to_load(exc)
        globals()["app"] = wsgi_app
        return wsgi_app
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
