"""One documented difference: the probes it covers (name patterns), the
aspects of their answers that differ (``status line``, ``header <name>``,
``body``, ...; patterns too), under which of our servers, what differs and
why."""

from fnmatch import fnmatchcase

BOTH = ("gunicorn", "waitress")


class Difference:
    def __init__(self, title, requests, aspects, what, why, servers=BOTH):
        self.title, self.requests, self.aspects = title, tuple(requests), tuple(aspects)
        self.what, self.why, self.servers = what, why, tuple(servers)

    def covers(self, server, probe, aspect):
        return (
            server in self.servers
            and probe.matches(self.requests)
            and any(fnmatchcase(aspect, pattern) for pattern in self.aspects)
        )
