"""Record the requests that reach the recorded mounts (``[record]``).

Inside the trusted-proxy middleware, so the client address is the one its
rules believe, and outside everything else, so the record's duration runs
as the access log's does: from the request's arrival until the answer
ends.  A request belongs to a mount by the router's rule (the longest
matching prefix); it is recorded when that mount's app kind is in
``[record] mounts``, never when it is the health path.

The record is finished when the app returns an answer whole, before the
server sends it, and queued for the process's flusher, which writes it
within a few milliseconds; any read of the record through this process
writes what is queued first (``record.recording``), so a client holding
its answer finds its request in the record.  A streamed answer is
recorded when the server closes it (its status and duration are only
known then).  No request waits for the store: one that fails or is slow
costs records, never answers.
"""

import time

from ..record import entry
from ..router import prefix_table
from .closing import ClosedThen


class Recorder:
    def __init__(self, app, recording, routes, mounts, health_path):
        """``routes``: the settings' (prefix, app kind) pairs; ``mounts``: the
        app kinds to record; ``health_path``: never recorded."""
        self.app = app
        self.recording = recording
        self.table = prefix_table((prefix, kind in mounts) for prefix, kind in routes)
        self.health_path = health_path

    def recorded(self, path):
        if path == self.health_path:
            return False
        for prefix, prefix_slash, recorded in self.table:
            if path.startswith(prefix_slash) or path == prefix:
                return recorded
        return False

    def __call__(self, environ, start_response):
        if not self.recorded(environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        started = time.monotonic()
        method, path, captured = entry.capture(environ, self.recording.instance)
        status = []

        def capture_status(line, headers, exc_info=None):
            status[:] = [line]
            return start_response(line, headers, exc_info)

        def done():
            line = status[0] if status else "500 Internal Server Error"
            text = entry.finish(
                captured, environ, line, time.monotonic() - started, self.recording.max_body
            )
            self.recording.write(method, path, text)

        try:
            result = self.app(environ, capture_status)
        except BaseException:
            done()
            raise
        if isinstance(result, list):
            done()
            return result
        return ClosedThen(result, done)
