"""Request header names from WSGI environ keys, in the two styles the apps show.

PEP 3333 hands headers over as ``HTTP_X_API_KEY``; the name the client sent
is lost, so each app rebuilds one.  The echo (and go-httpbin's
``/dump/request``) Title-Cases each dash-separated word, as Go canonicalises
names (``X-Api-Key``, ``X-B3traceid``); httpbin shows werkzeug's
``str.title()`` (``X-B3Traceid``), and werkzeug does not count
``HTTP_CONTENT_TYPE`` / ``HTTP_CONTENT_LENGTH`` as headers.

Rebuilding a name costs more than the rest of reading a header, and the
same few names arrive on every request, so each style remembers its names
in a ``HeaderNames`` cache.  Clients choose header names, so the cache is
bounded: past ``LIMIT`` keys a new name is computed each time, not stored.
"""

LIMIT = 4096
_BODY_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")


class HeaderNames:
    """environ key -> header name ("" for a key that is no header), remembered.

    ``headers`` walks an environ with one dict lookup per key (``learn``
    only on a miss), the cost of the caches this replaces.
    """

    __slots__ = ("_name_of", "known")

    def __init__(self, name_of):
        self.known = {}
        self._name_of = name_of

    def __call__(self, key):
        name = self.known.get(key)
        return self.learn(key) if name is None else name

    def headers(self, environ):
        """(name, value) for each header in ``environ``, in its order: the
        one loop the echo, httpbin and the record share."""
        known = self.known
        for key, value in environ.items():
            name = known.get(key)
            if name is None:
                name = self.learn(key)
            if name:
                yield name, value

    def learn(self, key):
        name = self._name_of(key)
        if len(self.known) < LIMIT:
            self.known[key] = name
        return name


def _capitalized(key):
    """``HTTP_X_API_KEY`` -> ``X-Api-Key``: each dash-separated word capitalized."""
    if key.startswith("HTTP_"):
        key = key[5:]
    elif key not in _BODY_KEYS:
        return ""
    return "-".join(word.capitalize() for word in key.split("_"))


def _titled(key):
    """``HTTP_X_B3TRACEID`` -> ``X-B3Traceid``: werkzeug's ``EnvironHeaders`` names."""
    if key.startswith("HTTP_"):
        if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            return ""
        return key[5:].replace("_", "-").title()
    if key in _BODY_KEYS:
        return key.replace("_", "-").title()
    return ""


# The echo's and Go's style, and werkzeug's (httpbin's).
capitalized = HeaderNames(_capitalized)
titled = HeaderNames(_titled)
