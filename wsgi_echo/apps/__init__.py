"""The app kinds a route can mount, and how each is built from its settings.

An app receives its own section of the settings (``[echo]`` for the echo),
never the whole file, so what it depends on is visible in its constructor.
"""

import importlib

# kind -> (module under wsgi_echo.apps, class, settings section it receives)
_BUILDERS = {
    "echo": ("echo", "EchoApp", "echo"),
    "static": ("static", "StaticApp", "static"),
}
KINDS = tuple(_BUILDERS)


def build(kind, settings):
    """A new WSGI app of ``kind`` configured by its section of ``settings``."""
    module_name, class_name, section = _BUILDERS[kind]
    module = importlib.import_module("%s.%s" % (__name__, module_name))
    return getattr(module, class_name)(getattr(settings, section))
