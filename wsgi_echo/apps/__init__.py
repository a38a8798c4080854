"""The app kinds a route can mount, and how each is built from its settings.

An app receives its own section of the settings (``[echo]`` for the echo),
never the whole file, and by name any single value it needs from another,
so what it depends on is visible in its constructor.  Objects that
``application.make_app`` builds once for the whole stack (the record, which
the recording middleware writes and the ``requests`` app reads) are handed
over by keyword too, named in ``_SHARED``.
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
    "requests": ("requests", "RequestsApp", "record", {}),
}
# kind -> the keywords of the stack-wide objects it takes from make_app.
_SHARED = {"requests": ("recording",)}
KINDS = tuple(_BUILDERS)
# The app kinds whose requests ``[record] mounts`` may name: the static
# site's files and the record's own API are never recorded.
RECORDABLE = ("echo", "httpbin")


def build(kind, settings, shared=None):
    """A new WSGI app of ``kind`` configured by its section of ``settings``;
    ``shared``: {keyword: object} built once by ``make_app``."""
    module_name, class_name, section, borrowed = _BUILDERS[kind]
    module = importlib.import_module("%s.%s" % (__name__, module_name))
    values = {
        keyword: getattr(getattr(settings, other), key)
        for keyword, (other, key) in borrowed.items()
    }
    values.update({keyword: (shared or {})[keyword] for keyword in _SHARED.get(kind, ())})
    return getattr(module, class_name)(getattr(settings, section), **values)
