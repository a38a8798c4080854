"""The httpbin app kind: ``HttpbinApp`` answers httpbin 0.10's API (and
go-httpbin's ``/sse`` and ``/dump/request``) relative to its mount point.

Modules follow httpbin's own grouping of its routes: ``request_echo``
(HTTP methods, anything, request inspection), ``status`` (status codes,
delays, drip), ``data`` (dynamic data), ``caching``, ``responses``
(response headers and encodings), ``redirects``, ``cookies``, ``auth``,
``samples`` (response formats and images), ``sse`` and ``dump``; ``app``
dispatches and adds what every answer shares, ``render`` writes httpbin's
JSON, ``reply`` and ``params`` are the small vocabulary the routes share.
"""

from .app import HttpbinApp

__all__ = ["HttpbinApp"]
