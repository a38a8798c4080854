"""The ``requests`` app kind: the record read back, at ``/_requests`` by default.

``app`` dispatches the API (list, one record, clear, HAR, raw HTTP, curl)
after ``access`` has said the client may read; ``params`` checks the query,
``formats`` writes the other shapes, ``feed`` is the live feed, and
``page`` serves the inspector page from ``page/``.  The record itself (the
store, how a request becomes a record) is ``wsgi_echo.record``.
"""

from .app import RequestsApp

__all__ = ["RequestsApp"]
