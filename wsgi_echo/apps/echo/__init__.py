"""The echo app kind: ``EchoApp`` answers every request with its JSON description.

``app`` answers (shaping, CORS, the multipart cap, framing); ``describe``
builds the document from the environ and the body, with ``forms`` (the
echo's rules for form bodies) and ``tls`` (the ``tls`` key); ``decoding``
undoes a request's Content-Encoding, ``shaping`` reads the ``X-Echo-*``
headers, ``cors`` answers browsers, ``render`` writes the JSON.  What any
app reads from a request (header names, host, query, cookies, JSON,
multipart parts) comes from ``wsgi_echo.request``, shared with the other
apps.
"""

from .app import EchoApp

__all__ = ["EchoApp"]
