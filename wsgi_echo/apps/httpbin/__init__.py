"""The httpbin app kind: ``HttpbinApp`` answers httpbin 0.10's API (and
go-httpbin's newer routes) relative to its mount point.

Modules follow httpbin's own grouping of its routes: ``request_echo``
(HTTP methods, anything, request inspection), ``status`` (status codes,
``/unstable``, delays, drip), ``data`` (dynamic data), ``base64_routes``,
``caching``, ``response_headers`` (``/response-headers``) and
``compressed`` (``/gzip``, ``/deflate``, ``/brotli``), ``redirects``,
``cookies`` (with ``cookie_attributes``), ``auth``, ``samples`` (response
formats and images); then go-httpbin's: ``sse`` and ``jsonl`` (timed by
``pacing``), ``dump``, ``upload``, ``trailers`` and ``server_info``
(``/hostname``, ``/env``, ``/version``); then ``faults`` (``/fault/...``,
misbehaving on demand).  ``routes`` is the route table, ``app``
dispatches and adds what every answer shares; the routes share a small
vocabulary: ``results`` builds what a route returns (``(status, headers,
body)``), ``json_bytes`` writes httpbin's JSON byte for byte, ``params``
checks path and query parameters.  What any app reads from a request (header names,
query, forms, multipart) is ``wsgi_echo.request``'s, not this package's.
"""

from .app import HttpbinApp

__all__ = ["HttpbinApp"]
