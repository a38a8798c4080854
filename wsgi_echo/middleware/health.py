"""The health path: a small, fixed answer for load balancers and probes.

Answered before any app, body reading or routing, so it costs a dictionary
lookup and one write; ``GET`` and ``HEAD`` get ``200`` with
``{"status": "ok", "instance": "..."}``, other methods ``405``.  It says the
process is up and serving; it is left out of the access log by
``[log] access_log_skip`` (which names it by default).
"""

import json

from .. import errors


class Health:
    def __init__(self, app, path, instance):
        self.app = app
        self.path = path
        self.body = (json.dumps({"status": "ok", "instance": instance}) + "\n").encode("utf-8")
        self.headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(self.body))),
            ("Cache-Control", "no-store"),
        ]

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != self.path:
            return self.app(environ, start_response)
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            return errors.json_error(
                environ,
                start_response,
                405,
                "the health path answers GET and HEAD",
                headers=[("Allow", "GET, HEAD")],
            )
        start_response("200 OK", list(self.headers))
        return [] if method == "HEAD" else [self.body]
