"""Recorded requests: what reached the echo and httpbin mounts, kept in a
store the ``requests`` app reads (the API, the live feed, the inspector page).

``entry`` builds one record from the environ; ``recording`` writes it to the
store and keeps a request's answer safe from a failing store; ``stores``
holds the store interface and its three stores.  The middleware that calls
them is ``middleware.record``.
"""

from .recording import Recording, open_recording

__all__ = ["Recording", "open_recording"]
