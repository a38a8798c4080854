"""One documented difference: the probes it covers (name patterns), the
aspects of their answers that differ (``status line``, ``header <name>``,
``body``, ...; patterns too), under which of our servers, what differs and
why."""

from fnmatch import fnmatchcase

from wsgi_echo.servers import NAMES

# Every runner the harness compares (conftest.py's ``ours``): gevent's too.
EVERY_SERVER = tuple(NAMES)


class Difference:
    def __init__(self, title, requests, aspects, what, why, servers=EVERY_SERVER):
        self.title, self.requests, self.aspects = title, tuple(requests), tuple(aspects)
        self.what, self.why, self.servers = what, why, tuple(servers)

    def covers(self, server, probe, aspect):
        return (
            server in self.servers
            and probe.matches(self.requests)
            and any(fnmatchcase(aspect, pattern) for pattern in self.aspects)
        )
