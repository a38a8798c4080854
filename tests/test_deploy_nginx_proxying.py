"""deploy/nginx/ end to end (tests/nginx_stack.py), under gunicorn and
waitress instances: requests are spread over both instances, which see the
real client address and scheme (HTTP/2 over the TLS option); clients
trickling requests to nginx do not slow anyone else; and requests framed to
be read two ways are refused by nginx before any instance sees them.
"""

import collections
import contextlib
import json
import time

import pytest
from nginx_stack import (
    CLIENT_ADDRESS,
    SPOOFED,
)

from wsgi_echo.testing import certs
from wsgi_echo.testing.clients import at_once, raw, status_lines
from wsgi_echo.testing.trickle import Trickler
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

# -- spread, client address, scheme ---------------------------------------------------------


def test_requests_are_spread_over_both_instances(stack):
    served = collections.Counter()
    with contextlib.closing(stack.connection()) as connection:
        for number in range(40):
            connection.request("GET", "/echo/spread?n=%d" % number)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            served[response.headers["X-Served-By"]] += 1
    print("%s: 40 requests through nginx, per instance: %s" % (stack.kind, dict(served)))
    assert set(served) == set(stack.names)
    assert min(served.values()) >= 15, served  # round robin: 20 each, give or take


def test_the_instances_see_the_client_not_nginx_nor_what_the_client_claims(stack):
    status, headers, body = stack.get(
        "/echo/who?x=1",
        headers={
            "X-Forwarded-For": SPOOFED,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
    )
    echo = json.loads(body)
    assert status == 200
    # nginx appends the address it saw; wsgi-echo, trusting only nginx's
    # 127.0.0.1, takes the right-most untrusted one: the client's.
    assert echo["headers"]["X-Forwarded-For"] == "%s, %s" % (SPOOFED, CLIENT_ADDRESS)
    assert echo["remote_addr"] == CLIENT_ADDRESS
    # nginx replaced the client's -Proto and -Host with what it saw.
    assert echo["headers"]["X-Forwarded-Proto"] == "http"
    assert echo["scheme"] == "http" and echo["secure"] is False
    assert echo["host"] == "127.0.0.1:%d" % stack.http_port
    assert echo["url"] == "http://127.0.0.1:%d/echo/who?x=1" % stack.http_port
    assert echo["instance"] == headers["X-Served-By"] in stack.names
    # A client on nginx's own address, sending nothing: itself.
    status, _, body = stack.get("/echo/who", source="127.0.0.1")
    assert json.loads(body)["remote_addr"] == "127.0.0.1"


def test_over_the_tls_option_clients_get_http2_and_the_instances_see_https(stack):
    import ssl

    import httpx

    transport = httpx.HTTPTransport(
        http2=True,
        local_address=CLIENT_ADDRESS,
        verify=ssl.create_default_context(cafile=certs.where()),
    )
    with httpx.Client(transport=transport, timeout=10) as client:
        base = "https://127.0.0.1:%d" % stack.tls_port
        answers = [client.get(base + "/echo/secure?n=%d" % n) for n in range(4)]
    for answer in answers:
        assert answer.status_code == 200 and answer.http_version == "HTTP/2"
        echo = answer.json()
        assert echo["scheme"] == "https" and echo["secure"] is True
        assert echo["url"].startswith(base + "/echo/secure?n=")
        assert echo["remote_addr"] == CLIENT_ADDRESS
        assert echo["http_version"] == "1.1"  # nginx to the instance
        assert echo["tls"] is None  # TLS ended at nginx
    assert {answer.headers["X-Served-By"] for answer in answers} == set(stack.names)


# -- slow clients ----------------------------------------------------------------------------


def test_clients_trickling_requests_to_nginx_do_not_delay_anyone(stack):
    """32 clients trickle request heads and 32 request bodies, a byte every
    0.3 s, for the 3 s of normal requests; those are answered as fast as ever."""
    latencies = []

    def trickling(head):
        """32 clients sending ``head``, then 1000 bytes a byte every 0.3 s."""
        return Trickler(stack.nginx, head, b"a" * 1000, count=32, interval=0.3, cap=30)

    with (
        trickling(b"GET /echo/slow-head HTTP/1.1\r\nHost: x\r\nX-Slow: ") as heads,
        trickling(
            b"POST /echo/slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
        ) as bodies,
    ):
        assert heads.sending.wait(10) and bodies.sending.wait(10)
        with contextlib.closing(stack.connection()) as connection:
            end = time.monotonic() + 3.0
            while time.monotonic() < end:
                began = time.perf_counter()
                connection.request("GET", "/echo/normal")
                response = connection.getresponse()
                response.read()
                latencies.append(time.perf_counter() - began)
                assert response.status == 200
        # Every slow client is still connected, still sending: nginx holds
        # them, and no instance has seen a byte of their requests.
        assert (heads.open(), bodies.open()) == (32, 32)
        for process in stack.instances:
            assert "/echo/slow-" not in process.log()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        "%s: %d normal requests while 64 clients trickled: p50 %.1f ms, p99 %.1f ms, "
        "max %.1f ms"
        % (
            stack.kind,
            len(latencies),
            latencies[len(latencies) // 2] * 1000,
            p99 * 1000,
            latencies[-1] * 1000,
        )
    )
    # Answered, one after another, all along: how fast is make bench's to say.
    assert len(latencies) >= 10


# -- request smuggling -----------------------------------------------------------------------

# Each: a request whose body length could be read two ways, and a second
# request pipelined behind it in the same write, which an instance reading
# the other way would take for a request of its own; and nginx's one answer.
SMUGGLING = {
    "content-length and chunked": (
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        b"GET /smuggled-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
    ),
    "chunked and content-length": (
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n"
        b"GET /smuggled-2 HTTP/1.1\r\nHost: x\r\n\r\n0\r\n\r\n",
        400,
    ),
    "two content-lengths": (
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
        b"Content-Length: 38\r\n\r\nGET /smuggled-3 HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
    ),
    "an unknown coding with content-length": (
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 4\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
        b"GET /smuggled-4 HTTP/1.1\r\nHost: x\r\n\r\n",
        501,
    ),
    "a space before the colon": (
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /smuggled-5 HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
    ),
    "chunked in HTTP/1.0": (
        b"POST /echo/a HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Length: 4\r\n\r\n0\r\n\r\nGET /smuggled-6 HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
    ),
}


def exchange(stack, data):
    """Send ``data`` to nginx in one write; the status codes of what comes back
    before nginx closes the connection (it closes after refusing a request,
    and after the control's ``Connection: close``)."""
    return status_lines(raw(stack.nginx, data, timeout=10))


def test_requests_framed_two_ways_are_refused_by_nginx_and_never_reach_an_instance(stack):
    answers = at_once(lambda case: exchange(stack, case[0]), SMUGGLING)
    # The control: the same kind of pipelined pair, framed one way, is two requests.
    control = exchange(
        stack,
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        b"GET /pipelined-control HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert control == [200, 200]
    for case, statuses in answers.items():
        assert statuses == [SMUGGLING[case][1]], case

    def control_logged():
        """the control request in an instance's access log"""
        logs = [process.log() for process in stack.instances]
        return logs if any("/pipelined-control" in log for log in logs) else None

    # The control, sent after the attempts, is logged: so is what reached an instance before.
    logs = wait_for(control_logged, timeout=5)
    for log in [*logs, stack.access_log()]:
        assert "/smuggled-" not in log
