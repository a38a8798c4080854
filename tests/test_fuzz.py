"""The fuzz test: thousands of seeded hostile requests against real gunicorn
and waitress processes.  However malformed the request, the answer is never
a 5xx the client did not ask for, no traceback reaches a response or a log,
no worker dies, no file outside the root leaks, and the server goes on
serving.  A fault route (``/httpbin/fault/...``) reached by a request
sends what it sends on purpose (``hostile_parts.FAULTS``: nothing, a body
cut short, a malformed status line or chunk); any other reply to it is
judged as every other.

``FUZZ_REQUESTS`` (default 2,000 per server) and ``FUZZ_SEED`` (default
fixed) choose how many and which; a failure names the seed and the request.
"""

import concurrent.futures
import os
import shutil

import pytest
from hostile_parts import TRUNCATED
from hostile_requests import fault_seen, generate

from conftest import HTDOCS, settings_text
from wsgi_echo.testing.clients import at_once, raw, request, status_lines

pytestmark = pytest.mark.server

REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "2000"))
SEED = int(os.environ.get("FUZZ_SEED", "20261130"))
CLIENTS = 8
SECRET = b"SECRET-OUTSIDE-THE-ROOT"


@pytest.fixture(scope="module")
def servers(module_starter, tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "site"
    (root / "about").mkdir(parents=True)
    for name in ("index.html", "style.css", "favicon.ico", "about/index.html"):
        shutil.copyfile(os.path.join(HTDOCS, name), str(root / name))
    (base / "secret.txt").write_bytes(SECRET)
    (root / ".env").write_bytes(SECRET)
    return module_starter.both(
        settings_text(
            server={
                "workers": 2,
                "threads": 4,
                "keepalive": 1,
                "body_timeout": 1,
                "header_timeout": 1,
                "max_request_bytes": 65536,
            },
            static={"root": root},
            echo={"max_delay_ms": 20},
            httpbin={
                "max_delay": 0,
                "max_fault_seconds": 0,
                "max_stream_lines": 20,
                "hostname_route": True,
                "env_route": True,
            },
        )
    )


# What ``judge`` returns for a fault route's deliberate misbehaviour.
FAULT = "fault"


def judge(server, number, hostile):
    reply = raw(server, hostile.data, timeout=5)
    where = "request %d of seed %d: %r" % (number, SEED, hostile.data[:300])
    assert b"Traceback" not in reply, where
    assert SECRET not in reply, where
    if hostile.fault is not None and fault_seen(hostile.fault, reply):
        return FAULT
    statuses = status_lines(reply)
    for status in statuses:
        assert status < 500 or status in hostile.allowed_5xx, "%d for %s" % (status, where)
    finals = [status for status in statuses if status >= 200]  # after any 100 Continue
    return finals[0] if finals else None


def fuzz(server):
    workers_before = sorted(server.children())
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(
            pool.map(lambda item: judge(server, *item), enumerate(generate(SEED, REQUESTS)))
        )
    assert request(server, "GET", "/echo/still-serving")[0] == 200
    assert sorted(server.children()) == workers_before, "a worker died or was replaced"
    assert server.alive()
    log = server.log()
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]
    return statuses


def test_hostile_requests_never_break_either_server(servers):
    results = at_once(fuzz, servers)
    for kind, statuses in results.items():
        # The fault routes are reached, and misbehave as they should.
        assert statuses.count(FAULT) > REQUESTS * 0.02, kind
        answered = [status for status in statuses if status is not None]
        # The generator is meant to reach the apps, not only the parsers.
        assert len(answered) > REQUESTS * 0.8, (kind, len(answered))
        assert sum(1 for status in answered if status == 200) > REQUESTS * 0.1, kind


def test_only_a_fault_routes_own_misbehaviour_is_excused():
    """``fault_seen`` excuses what the fault routes send on purpose, and
    nothing else: a whole body, another status or an answer after nothing."""
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n"
    )
    assert fault_seen(TRUNCATED, head + b"*" * 50)
    assert not fault_seen(TRUNCATED, head + b"*" * 100)
    assert not fault_seen(
        TRUNCATED, head.replace(b"200 OK", b"500 INTERNAL SERVER ERROR") + b"*" * 50
    )
    assert fault_seen(b"", b"")
    assert not fault_seen(b"", b"HTTP/1.1 500 INTERNAL SERVER ERROR\r\n\r\n")
