"""The static app kind: ``StaticApp`` serves ``[static] root`` safely and correctly.

``resolve`` (path to file, the security rules), ``files`` (a file's
representations, built once), ``cache`` (the thread-safe table of them),
``conditional`` (RFC 9110 conditional and range requests), ``pages`` (error
pages and the directory redirect) and ``app`` (the WSGI layer).
"""

from .app import StaticApp

__all__ = ["StaticApp"]
