"""The static site as a WSGI app: a thin layer over the resolver, the file
cache and the conditional-request rules.

Plain GET and HEAD are answered here directly: a small file's bytes from
memory, a large one through ``wsgi.file_wrapper`` so the server can use
``sendfile``.  Conditional and range requests go to ``conditional``.
"""

from ... import errors
from . import conditional, pages
from .cache import FileCache
from .files import StaticFile
from .resolve import Redirect, Refusal, Resolver
from .sending import ServedFile, open_variant

BLOCK_SIZE = 1 << 16
ALLOW = "GET, HEAD"


class StaticApp:
    """WSGI app serving ``[static] root`` by the rules in ``resolve``."""

    def __init__(self, config):
        """``config``: the ``[static]`` settings."""
        self.resolver = Resolver(config.root, config.index, config.allowed_extensions)
        self.max_age = config.cache_max_age
        self.cache = FileCache()
        self.error_page = pages.ErrorPages(self.resolver.root)

    def lookup(self, path_info):
        """The fresh StaticFile for ``path_info``, or raise Refusal / Redirect."""
        entry = self.cache.get(path_info)
        if entry is not None and entry.fresh():
            return entry
        found = self.resolver.resolve(path_info)
        fresh = StaticFile.load(
            found.path, self.max_age, self.cache.memory_left(), self.resolver.inside
        )
        if fresh is None:
            raise Refusal(404)  # gone between the stat and the open
        self.cache.put(path_info, fresh)
        return fresh

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method != "GET" and method != "HEAD":
            return errors.json_error(
                environ,
                start_response,
                405,
                "a static file can only be read (GET or HEAD)",
                headers=[("Allow", ALLOW)],
            )
        path_info = environ.get("PATH_INFO", "")
        try:
            entry = self.lookup(path_info)
        except Refusal as refusal:
            return self.error_page(environ, start_response, refusal.status)
        except Redirect:
            return pages.redirect_to_directory(environ, start_response)
        variant = entry.choose(environ.get("HTTP_ACCEPT_ENCODING"))
        handle = None
        if variant.body is None and method == "GET":
            opened = open_variant(variant)
            if opened is None:
                # Deleted since the lookup: a 404 now is the truth.
                self.cache.discard(path_info, entry)
                return self.error_page(environ, start_response, 404)
            variant, handle = opened
        if conditional.is_conditional(environ):
            return conditional.respond(environ, start_response, variant, handle)
        start_response("200 OK", list(variant.headers))
        if handle is None:
            return [] if method == "HEAD" else [variant.body]
        served = ServedFile(handle, variant.size, environ)
        wrapper = environ.get("wsgi.file_wrapper")
        return wrapper(served, BLOCK_SIZE) if wrapper else conditional.FileIter(served)
