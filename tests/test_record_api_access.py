"""The record's API in-process (WebTest): who may read (loopback clients,
a local Host, a token and the page's cookie, a trusted proxy's word), and a
store that is down or hangs, which costs records, never answers."""

import socket
import threading
import time

import pytest
from record_support import app_with

from wsgi_echo.testing.process import free_port


@pytest.fixture
def app(tmp_path):
    return app_with(tmp_path)


# -- who may read -------------------------------------------------------------------------


def test_only_loopback_clients_read_without_a_token(app):
    app.get("/_requests", extra_environ={"REMOTE_ADDR": "192.0.2.4"}, status=403)
    app.get("/_requests/", extra_environ={"REMOTE_ADDR": "192.0.2.4"}, status=403)
    app.get("/_requests", extra_environ={"REMOTE_ADDR": "::1"})
    app.get("/_requests", extra_environ={"REMOTE_ADDR": "127.0.0.5"})


def test_a_loopback_peer_forwarding_for_someone_else_is_refused(app):
    """Without [proxy] trusted, a proxy on this machine looks like loopback:
    the address it forwards for decides."""
    app.get("/_requests", headers={"X-Forwarded-For": "203.0.113.9"}, status=403)
    app.get("/_requests", headers={"Forwarded": "for=203.0.113.9"}, status=403)
    app.get("/_requests", headers={"X-Forwarded-For": "127.0.0.2"})


def test_behind_a_trusted_proxy_the_forwarded_client_decides(tmp_path):
    app = app_with(tmp_path, proxy={"trusted": "127.0.0.1"})
    app.get("/_requests", headers={"X-Forwarded-For": "198.51.100.7"}, status=403)
    app.get("/_requests", headers={"X-Forwarded-For": "127.0.0.2"})


def test_without_a_token_the_host_must_be_local(app):
    """A page on another site whose name resolves to 127.0.0.1 (DNS rebinding)."""
    app.get("/_requests", headers={"Host": "attacker.example"}, status=403)
    app.get("/_requests", headers={"Host": "localhost:8080"})
    app.get("/_requests", headers={"Host": "[::1]:8080"})
    app.get("/_requests", headers={"Host": "app.localhost:8080"})  # RFC 6761: loopback only
    app.get("/_requests", headers={"Host": "localhost.attacker.example"}, status=403)


TOKEN = "tok-0123456789abcdef"


@pytest.fixture
def guarded(tmp_path):
    return app_with(tmp_path, record={"token": TOKEN}, extra_environ={"REMOTE_ADDR": "192.0.2.4"})


def test_with_a_token_everyone_presents_it(guarded):
    answer = guarded.get("/_requests", status=401)
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    guarded.get("/_requests", extra_environ={"REMOTE_ADDR": "127.0.0.1"}, status=401)
    guarded.get("/_requests", headers={"Authorization": "Bearer " + TOKEN})
    guarded.get("/_requests", headers={"Authorization": "Bearer " + TOKEN[:-1] + "x"}, status=401)
    guarded.get("/_requests", headers={"Authorization": "Basic " + TOKEN}, status=401)


def test_the_page_signs_in_once_with_the_token_and_reads_with_a_cookie(guarded):
    guarded.get("/_requests/?token=wrong-token-0123456789", status=401)
    answer = guarded.get("/_requests/?token=" + TOKEN, status=303)
    assert answer.headers["Location"] == "/_requests/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_requests" in cookie
    assert TOKEN not in cookie
    # WebTest's cookie jar now holds it, as a browser's would.
    guarded.get("/_requests/")
    guarded.get("/_requests")
    guarded.reset()
    guarded.get("/_requests", status=401)
    guarded.set_cookie("wsgi_echo_record", TOKEN)  # the token itself is no cookie
    guarded.get("/_requests", status=401)


def test_the_token_never_reaches_the_access_log(tmp_path):
    log = tmp_path / "access.log"
    app = app_with(tmp_path, record={"token": TOKEN}, log={"access_log": str(log)})
    app.get("/_requests/?token=" + TOKEN + "&x=1", status=303)
    app.get("/_requests/?token=" + TOKEN, headers={"Authorization": "Bearer " + TOKEN}, status=303)
    text = log.read_text()
    assert "/_requests/" in text
    assert TOKEN not in text


# -- a store that fails costs the record, not the answer ------------------------------------


class Silent:
    """A listening socket that accepts connections and never answers: a store
    that has hung."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


def test_a_store_that_is_down_drops_records_and_answers_every_request(tmp_path):
    url = "redis://127.0.0.1:%d/0" % free_port()
    app = app_with(tmp_path, record={"store": url})
    for _ in range(5):
        assert app.get("/echo/x").json["path"] == "/echo/x"
    answer = app.get("/_requests", status=503)
    assert answer.json["dropped"] == 5


def test_a_store_that_hangs_costs_no_request_a_wait(tmp_path):
    silent = Silent()
    try:
        app = app_with(
            tmp_path,
            record={"store": "redis://127.0.0.1:%d/0" % silent.port, "store_timeout_ms": 1000},
        )
        started = time.monotonic()
        for _ in range(11):
            app.get("/echo/x")
        answered = time.monotonic() - started
        # The flusher waits out the 1 s timeout on its first write, once (no
        # retries); the requests wait for nothing: eleven of them take less
        # than half of one timeout, where one waiting request would take it all.
        assert answered < 0.5, answered
        # The read writes what is queued first: within the pause that
        # follows the failure, dropped at once; then its own read times out.
        answer = app.get("/_requests", status=503)
    finally:
        silent.close()
    assert answer.json["dropped"] == 11
