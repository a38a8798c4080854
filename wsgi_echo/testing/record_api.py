"""Reading a live server's record through its API (docs/recording.md).

``RecordApi.for_settings(path, url)`` learns from the server's own settings
file where the API is mounted, whether recording is on and the token to
present, so that a server that cannot answer says why in words (recording
off, no ``requests`` route) before anything is asked of it; then
``last_id()`` is a marker, ``since(marker)`` the records after it, oldest
first, and ``clear()`` empties the record.

The API answers loopback clients (``127.0.0.1`` is what the test process
connects from) and, over HTTPS, is verified with the test CA
(``certs.where()``).  It speaks ``http.client`` directly: ``urllib`` would
send a loopback request through a proxy named in ``HTTP_PROXY``.
"""

import http.client
import json
import ssl
from urllib.parse import urlencode, urlsplit

from .. import settings as settings_module
from . import certs

TIMEOUT = 10.0  # seconds for one API call; the API reads a local store


class RecordUnavailable(RuntimeError):
    """This server's record cannot be read, and the message says why."""


class RecordApi:
    def __init__(self, url, mount, token="", page_size=1000, refusal=None):
        """``url``: the server's (``https://127.0.0.1:8443``); ``mount``: the
        API's path; ``page_size``: the most records one page holds (the
        server's ``[record] max_requests``); ``refusal``: why the record
        cannot be read, when the settings already say so."""
        parts = urlsplit(url)
        self.url = url
        self.secure = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.mount = mount
        self.headers = {"Authorization": "Bearer " + token} if token else {}
        self.page_size = page_size
        self.refusal = refusal
        self.dropped = 0

    @classmethod
    def for_settings(cls, path, url):
        """The API of the server at ``url`` running with the settings file ``path``."""
        loaded = settings_module.load(path)
        record = loaded.record
        mounts = [prefix for prefix, kind in loaded.routes if kind == "requests"]
        refusal = None
        if not record.enabled:
            refusal = "recording is off on this server ([record] enabled = false)"
        elif not mounts:
            refusal = (
                "this server does not serve the record's API: no route in its [routes] "
                "mounts the `requests` app (add `/_requests = requests`)"
            )
        mount = mounts[0].rstrip("/") if mounts else ""
        return cls(url, mount, record.token, record.max_requests, refusal)

    # -- the calls --------------------------------------------------------------------

    def last_id(self):
        """The marker after which every record is new."""
        return self._get(limit=0)["last_id"]

    def since(self, marker):
        """The records with ids above ``marker``, oldest first (paged back from
        the newest with ``before``: the list answers newest first)."""
        records, before = [], None
        while True:
            query = {"after": marker, "limit": self.page_size}
            if before is not None:
                query["before"] = before
            page = self._get(**query)["requests"]
            records += page
            if len(page) < self.page_size:
                return records[::-1]
            before = page[-1]["id"]

    def clear(self):
        self._call("DELETE", self.mount, expect=204)

    # -- HTTP ---------------------------------------------------------------------------

    def _get(self, **query):
        answer = self._call("GET", self.mount + "?" + urlencode(query), expect=200)
        try:
            found = json.loads(answer)
        except ValueError:
            found = None
        if not isinstance(found, dict) or not {"requests", "last_id"} <= found.keys():
            raise RecordUnavailable(
                "%s%s answered with something that is not the record's API: %r"
                % (self.url, self.mount, answer[:200])
            )
        self.dropped = found.get("dropped", 0)
        return found

    def _call(self, method, target, expect):
        if self.refusal:
            raise RecordUnavailable("cannot read the requests of %s: %s" % (self.url, self.refusal))
        connection = self._connection()
        try:
            connection.request(method, target, headers=self.headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise RecordUnavailable(
                "cannot reach the record at %s%s: %s" % (self.url, self.mount, error)
            ) from None
        finally:
            connection.close()
        if response.status != expect:
            raise RecordUnavailable(
                "the record at %s%s answered %d: %s"
                % (self.url, self.mount, response.status, _detail(data))
            )
        return data

    def _connection(self):
        if self.secure:
            context = ssl.create_default_context(cafile=certs.where())
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=TIMEOUT, context=context
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)


def _detail(data):
    """The ``detail`` of the API's JSON error, else the start of the body."""
    try:
        return json.loads(data)["detail"]
    except (ValueError, KeyError, TypeError):
        return repr(data[:200])
