"""The app kinds a route can mount, and how each is built from its settings.

An app receives its own section of the settings (``[echo]`` for the echo),
never the whole file, and by name any single value it needs from another,
so what it depends on is visible in its constructor.
"""

import importlib

# kind -> (module under wsgi_echo.apps, class, its section,
#          {keyword: (section, key)} for values from other sections)
_BUILDERS = {
    "echo": (
        "echo",
        "EchoApp",
        "echo",
        {"max_body": ("server", "max_request_bytes"), "instance": ("server", "instance")},
    ),
    "static": ("static", "StaticApp", "static", {}),
    "httpbin": ("httpbin", "HttpbinApp", "httpbin", {}),
}
KINDS = tuple(_BUILDERS)


def build(kind, settings):
    """A new WSGI app of ``kind`` configured by its section of ``settings``."""
    module_name, class_name, section, borrowed = _BUILDERS[kind]
    module = importlib.import_module("%s.%s" % (__name__, module_name))
    values = {
        keyword: getattr(getattr(settings, other), key)
        for keyword, (other, key) in borrowed.items()
    }
    return getattr(module, class_name)(getattr(settings, section), **values)
