"""The record under real gunicorn and waitress: a request is in the list
as soon as its client has the answer, the live feed sends new records in order
and resumes after Last-Event-ID, ends after feed_seconds, and refuses
listeners past feed_listeners; TLS and HTTP/2 facts are recorded."""

import json
import socket
import ssl
import time

import pytest

from conftest import SERVERS, settings_text
from wsgi_echo.testing import certs, clients
from wsgi_echo.testing.server import Server
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

ROUTES = {"/echo": "echo", "/httpbin": "httpbin", "/_requests": "requests"}


def record_settings(**record):
    return settings_text(
        server={"workers": 1, "threads": 4},
        log={"access_log": ""},
        record=record,
        routes=ROUTES,
    )


@pytest.fixture(scope="module")
def servers(module_starter):
    return {kind: module_starter(kind, record_settings(feed_listeners=2)) for kind in SERVERS}


def listed(server, query=""):
    status, _, body = clients.request(server, "GET", "/_requests" + query)
    assert status == 200, body
    return json.loads(body)


class Feed:
    """An open live feed, read event by event."""

    def __init__(self, server, query="", headers=(), timeout=10):
        self.sock = socket.create_connection((server.host, server.port), timeout=timeout)
        lines = ["GET /_requests/events%s HTTP/1.1" % query, "Host: 127.0.0.1"]
        lines += ["%s: %s" % pair for pair in headers]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1])
        self.head = head.decode("latin-1")
        self.chunked = "transfer-encoding: chunked" in self.head.lower()
        self.text = ""

    def _until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the feed ended")
            self.buffer += chunk
        item, self.buffer = self.buffer.split(marker, 1)
        return item

    def _more(self):
        """The next piece of the body as text (chunked framing removed)."""
        if not self.chunked:
            chunk = self.buffer or self.sock.recv(65536)
            self.buffer = b""
            if not chunk:
                raise ConnectionError("the feed ended")
            return chunk.decode("utf-8")
        size = int(self._until(b"\r\n").split(b";")[0], 16)
        if size == 0:
            raise ConnectionError("the feed ended")
        while len(self.buffer) < size + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the feed ended")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size + 2 :]
        return data.decode("utf-8")

    def event(self):
        """The next event as {"id", "event", "data"}; comments are skipped."""
        while True:
            while "\n\n" not in self.text:
                self.text += self._more()
            block, self.text = self.text.split("\n\n", 1)
            fields = {}
            for line in block.split("\n"):
                if line and not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    fields[name] = value
            if "event" in fields:
                return fields

    def close(self):
        self.sock.close()


@pytest.fixture
def server(servers, kind):
    return servers[kind]


def open_feed(server, query="", headers=()):
    """A feed, once a listener's slot is free: a feed an earlier test closed
    holds its slot until the server's next write to it fails (two heartbeats)."""

    def admitted():
        feed = Feed(server, query, headers)
        if feed.status == 200:
            return feed
        feed.close()
        return None

    return wait_for(admitted, timeout=10, interval=0.25, what="a free listener slot")


def test_a_request_is_in_the_list_as_soon_as_its_client_has_the_answer(server):
    """The read writes what its worker queued first (one worker here): no
    waiting needed, ever.  Without it, most of these reads come within the
    flush interval that follows the previous write, and miss their request."""
    for n in range(30):
        status, _, _ = clients.request(server, "GET", "/echo/sync/%d" % n)
        assert status == 200
        assert listed(server, "?limit=1")["requests"][0]["path"] == "/echo/sync/%d" % n


def test_the_feed_sends_new_records_in_order_and_resumes(server):
    marker = listed(server, "?limit=0")["last_id"]
    feed = open_feed(server, "?after=%d" % marker)
    try:
        assert "text/event-stream" in feed.head and "X-Accel-Buffering: no" in feed.head
        ready = feed.event()
        assert (ready["event"], json.loads(ready["data"])) == ("ready", {"after": marker})
        for n in range(3):
            clients.request(server, "POST", "/echo/feed/%d" % n, body=b"n=%d" % n)
        events = [feed.event() for _ in range(3)]
    finally:
        feed.close()
    records = [json.loads(event["data"]) for event in events]
    assert [record["path"] for record in records] == ["/echo/feed/%d" % n for n in range(3)]
    assert [int(event["id"]) for event in events] == [record["id"] for record in records]
    assert records[0]["body"] == "n=0"
    # A reconnecting EventSource sends the last id it saw: the rest follows.
    again = open_feed(server, "?after=%d" % marker, headers=[("Last-Event-ID", events[0]["id"])])
    try:
        again.event()
        resumed = [json.loads(again.event()["data"])["path"] for _ in range(2)]
    finally:
        again.close()
    assert resumed == ["/echo/feed/1", "/echo/feed/2"]


def test_the_feed_filters_by_method_and_path(server):
    marker = listed(server, "?limit=0")["last_id"]
    feed = open_feed(server, "?after=%d&method=PUT&path=/echo/only" % marker)
    try:
        feed.event()
        clients.request(server, "PUT", "/echo/other", body=b"x")
        clients.request(server, "GET", "/echo/only/get")
        clients.request(server, "PUT", "/echo/only/this", body=b"x")
        event = feed.event()
    finally:
        feed.close()
    assert json.loads(event["data"])["path"] == "/echo/only/this"


def test_listeners_past_the_limit_get_503_until_one_leaves(server):
    first, second = open_feed(server), open_feed(server)
    try:
        third = Feed(server)
        assert third.status == 503
        assert "Retry-After: 5" in third.head
        third.close()
    finally:
        first.close()

    # The slot comes back once the server notices the client left (its next
    # write fails: within two heartbeats, 4 s, plus the poll).
    def fourth_admitted():
        feed = Feed(server)
        feed.close()
        return feed.status == 200

    try:
        wait_for(fourth_admitted, timeout=10, interval=0.5, what="a freed listener slot")
    finally:
        second.close()


@pytest.mark.parametrize("kind", SERVERS)
def test_a_feed_ends_after_feed_seconds(start_server, kind):
    server = start_server(kind, record_settings(feed_seconds=1))
    feed = Feed(server)
    started = time.monotonic()
    try:
        feed.event()
        with pytest.raises(ConnectionError):
            while True:
                feed.event()
    finally:
        feed.close()
    # feed_seconds = 1: it ends after one second and a poll, not a heartbeat later.
    assert 0.9 <= time.monotonic() - started < 3.0


def test_tls_and_http2_are_recorded(start_server):
    httpx = pytest.importorskip("httpx")
    settings = settings_text(
        server={"workers": 1, "threads": 4},
        log={"access_log": ""},
        record={"store": "memory"},
        routes=ROUTES,
    )
    server = Server(settings, server="gunicorn", secure=True)
    try:
        context = ssl.create_default_context(cafile=certs.where())
        with httpx.Client(http2=True, verify=context) as client:
            assert client.get(server.url + "/echo/over-h2").http_version == "HTTP/2"
            record = client.get(server.url + "/_requests").json()["requests"][0]
    finally:
        server.stop()
    assert record["http_version"] == "2"
    assert record["scheme"] == "https"
    assert record["tls"]["version"].startswith("TLSv1.")
    assert record["tls"]["alpn"] == "h2"
    assert record["tls"]["client_cert"] is None
