"""deploy/nginx/ end to end: a real nginx, run from the shipped configuration,
in front of two real wsgi-echo instances run with the shipped instance.ini,
once with gunicorn instances and once with waitress ones.

The shipped files are rendered into a temporary nginx prefix by filling in
their ``${NAME}`` placeholders (what ``envsubst`` does in deploy/README.md),
and nothing else: no directive is added or changed by the test.  nginx runs
in the foreground, started and stopped by PID like every server in the suite.

What it proves, each within a bounded count or time: requests are spread over
both instances, which see the real client address and scheme; clients
trickling requests to nginx do not slow anyone else; an instance restarted
gracefully under load costs no request, and one killed outright no request
whose answer had not begun (one already being passed on is cut short: see
the kill test); and requests framed to be read two ways are refused by nginx
before any instance sees them.

Skipped with a reason when nginx is not installed, except with
REQUIRE_NGINX=1, as CI sets: there a missing nginx is a failure.
"""

import collections
import contextlib
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import threading
import time

import pytest

from conftest import PROJECT, SERVERS
from wsgi_echo import settings as settings_module
from wsgi_echo.testing import certs
from wsgi_echo.testing.clients import at_once, raw, status_lines
from wsgi_echo.testing.process import ServerProcess, free_port
from wsgi_echo.testing.server import Server
from wsgi_echo.testing.trickle import Trickler
from wsgi_echo.testing.waiting import wait_for

pytestmark = pytest.mark.server

DEPLOY = os.path.join(PROJECT, "deploy", "nginx")
INSTANCE_INI = os.path.join(DEPLOY, "instance.ini")
# Shipped file -> where it goes in the nginx prefix, as deploy/README.md says:
# the TLS server is the optional file copied into conf.d/ beside the other.
NGINX_FILES = {
    "nginx.conf": "nginx.conf",
    "wsgi-echo-proxy.conf": "wsgi-echo-proxy.conf",
    "conf.d/wsgi-echo.conf": "conf.d/wsgi-echo.conf",
    "wsgi-echo-tls.conf": "conf.d/wsgi-echo-tls.conf",
}
# envsubst's ${NAME}; nginx's own variables ($host, $scheme) are lower case.
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")

# The client connects from a loopback address of its own, so that nginx
# (which connects to the instances from 127.0.0.1, the trusted address) and
# the client are told apart.  Linux routes all of 127.0.0.0/8 to lo.
CLIENT_ADDRESS = "127.0.0.2"
SPOOFED = "198.51.100.7"


def require_nginx():
    # /usr/sbin is where Debian puts nginx, and not on an ordinary user's PATH.
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if path is None:
        reason = "nginx is not installed: not on PATH nor in /usr/sbin (apt-get install nginx)"
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("REQUIRE_NGINX=1 but " + reason)
        pytest.skip(reason)
    return path


def render(text, values):
    """``text`` with each ``${NAME}`` replaced by ``values[NAME]``; a
    placeholder without a value is an error, not an empty string."""

    def value(match):
        name = match.group(1)
        if name not in values:
            raise KeyError("no value for ${%s}" % name)
        return str(values[name])

    return PLACEHOLDER.sub(value, text)


def distinct_free_ports(count):
    ports = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


class Stack:
    """nginx from deploy/nginx/ in front of two instances of one server kind,
    all in ``folder``.  ``instances[i]`` is replaced when it is restarted."""

    def __init__(self, kind, folder):
        self.kind, self.folder = kind, folder
        self.http_port, self.tls_port, *self.ports = distinct_free_ports(4)
        self.names = ["%s-%d" % (kind, number) for number in (1, 2)]
        self.instances = [None, None]
        self.nginx = None
        self.prefix = folder / "nginx"
        try:
            at_once(self.start_instance, {"instance %d" % index: index for index in (0, 1)})
            self.start_nginx()
        except BaseException:
            self.stop()
            raise

    # -- processes ------------------------------------------------------------------------

    def start_instance(self, index):
        self.instances[index] = Server(
            INSTANCE_INI,
            server=self.kind,
            port=self.ports[index],
            workdir=self.folder,
            name=self.names[index],
            args=["--instance", self.names[index]],
        )
        return self.instances[index]

    def start_nginx(self):
        cert, key = certs.server_files()
        values = {
            "WSGI_ECHO_LISTEN": "127.0.0.1:%d" % self.http_port,
            "WSGI_ECHO_TLS_LISTEN": "127.0.0.1:%d" % self.tls_port,
            "WSGI_ECHO_UPSTREAM_1": "127.0.0.1:%d" % self.ports[0],
            "WSGI_ECHO_UPSTREAM_2": "127.0.0.1:%d" % self.ports[1],
            "WSGI_ECHO_TLS_CERT": cert,
            "WSGI_ECHO_TLS_KEY": key,
        }
        for folder in ("conf.d", "logs", "temp"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        for source, target in NGINX_FILES.items():
            (self.prefix / target).write_text(render(read(os.path.join(DEPLOY, source)), values))
        argv = [
            require_nginx(),
            "-p",
            str(self.prefix),
            "-c",
            str(self.prefix / "nginx.conf"),
            "-e",
            "stderr",
        ]
        if os.geteuid() == 0:
            # As root nginx would run its workers as nobody, who cannot enter
            # pytest's temporary folders; a command-line directive, so the
            # shipped file stays as it is.
            argv += ["-g", "user root;"]
        self.nginx = ServerProcess(argv, self.http_port, log_path=str(self.folder / "nginx.log"))

    def stop(self):
        for process in [self.nginx, *self.instances]:
            if process is not None:
                process.stop()

    def logs(self):
        parts = []
        for name, process in zip([*self.names, "nginx"], [*self.instances, self.nginx]):
            if process is not None:
                parts.append("--- %s ---\n%s" % (name, process.log()[-3000:]))
        return "\n".join(parts)

    def access_log(self):
        """nginx's access log: one line per request, with the instances it tried."""
        path = self.prefix / "logs" / "access.log"
        return path.read_text() if path.exists() else ""

    # -- clients ---------------------------------------------------------------------------

    def connection(self, source=CLIENT_ADDRESS, timeout=10):
        return http.client.HTTPConnection(
            "127.0.0.1", self.http_port, timeout=timeout, source_address=(source, 0)
        )

    def get(self, path, headers=None, source=CLIENT_ADDRESS):
        connection = self.connection(source)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def wait_until_both_serve(self, within=10.0):
        """Both instances answer through nginx again (after a restart nginx
        waits out fail_timeout before it sends one a request); returns the
        seconds it took."""
        started = time.monotonic()
        seen = set()

        def both():
            status, headers, _ = self.get("/echo/rejoin")
            if status == 200:
                seen.add(headers["X-Served-By"])
            return seen == set(self.names)

        wait_for(
            both,
            within,
            what=lambda: (
                "both instances to answer through nginx; only %s "
                "did:\n%s" % (sorted(seen), self.logs())
            ),
        )
        return time.monotonic() - started


@pytest.fixture(scope="module")
def stacks(tmp_path_factory):
    """``{kind: Stack}``, every server kind, started at once, shared by the module."""
    require_nginx()
    # Made here, one at a time, before the stacks start at once: the
    # certificates, and the folders (tmp_path_factory is not thread-safe).
    certs.server_files()
    folders = {kind: tmp_path_factory.mktemp("nginx-" + kind) for kind in SERVERS}
    made = {}

    def start(kind):
        made[kind] = Stack(kind, folders[kind])
        return made[kind]

    try:
        yield at_once(start, {kind: kind for kind in SERVERS})
    finally:
        for stack in made.values():
            stack.stop()


@pytest.fixture(params=SERVERS)
def stack(request, stacks):
    return stacks[request.param]


# -- load ----------------------------------------------------------------------------------


class Tally:
    """What a load run saw: every answer's status and instance, and every failure."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers = []  # (sent, seconds since the start; took, seconds; status; instance)
        self.failures = []  # (sent, seconds since the start; what went wrong)
        self.clients = set()  # the clients that have had an answer

    def served_by(self, sent_after=0.0):
        """Answers per instance, of the requests sent ``sent_after`` seconds in or later."""
        return collections.Counter(
            instance for sent, took, status, instance in self.answers if sent >= sent_after
        )

    def slowest(self):
        return max(took for sent, took, status, instance in self.answers)

    def total(self):
        """Requests made: those answered, and those that got no whole answer."""
        return len(self.answers) + sum(
            not what.startswith("status ") for sent, what in self.failures
        )


def run_load(stack, seconds, clients=4, path="/echo/load", delayed=0, action=None):
    """GETs from ``clients`` keep-alive connections to nginx for ``seconds``
    (the load's length, a bound, not a wait), the first ``delayed`` of them
    asking for 200 ms answers (X-Echo-Delay); ``action()`` runs once every
    client has had an answer, when each sends request after request and the
    delayed ones have one in flight.  A failure is any answer but 200, or no
    answer.  Returns (tally, what ``action`` returned)."""
    tally = Tally()
    started = time.monotonic()
    end = started + seconds

    def client(number):
        headers = {"X-Echo-Delay": "200"} if number < delayed else {}
        connection = None
        while time.monotonic() < end:
            try:
                sent = time.monotonic() - started
                if connection is None:
                    connection = stack.connection()
                connection.request("GET", "%s?client=%d" % (path, number), headers=headers)
                response = connection.getresponse()
                response.read()
                took = time.monotonic() - started - sent
                with tally.lock:
                    tally.answers.append(
                        (sent, took, response.status, response.headers.get("X-Served-By"))
                    )
                    tally.clients.add(number)
                    if response.status != 200:
                        tally.failures.append((sent, "status %d" % response.status))
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                with tally.lock:
                    tally.failures.append((sent, repr(exc)))
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    result = None
    if action is not None:
        wait_for(
            lambda: len(tally.clients) == clients,
            seconds,
            what="every load client to have an answer",
        )
        result = action()
    for thread in threads:
        thread.join()
    return tally, result


def retried(access_log, marker):
    """nginx access-log lines for ``marker`` requests that went to more than one instance."""
    return [
        line
        for line in access_log.splitlines()
        if marker in line
        and "upstream=" in line
        and "," in line.split("upstream=", 1)[1].split()[0]
    ]


# -- the shipped files -----------------------------------------------------------------------


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def test_the_shipped_nginx_files_have_only_documented_placeholders():
    readme = read(os.path.join(PROJECT, "deploy", "README.md"))
    for source in NGINX_FILES:
        for name in set(PLACEHOLDER.findall(read(os.path.join(DEPLOY, source)))):
            assert "${%s}" % name in readme, "%s: ${%s} is not in deploy/README.md" % (source, name)
    assert set(NGINX_FILES) | {"instance.ini"} == {
        os.path.relpath(os.path.join(folder, name), DEPLOY)
        for folder, _, names in os.walk(DEPLOY)
        for name in names
    }


def directives(source):
    """``{name: [values]}`` of the simple ``name value;`` directives in a shipped file."""
    found = collections.defaultdict(list)
    for name, value in re.findall(r"(?m)^\s*([a-z_]+)\s+([^;{#]+?)\s*;", read(source)):
        found[name].append(value)
    return found


def size_bytes(value):
    """nginx's size syntax: ``1m``, ``512k``, ``1048576``."""
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * 1024 ** " kmg".index(unit.lower() or " ")


def seconds(value):
    """nginx's time syntax as these files use it: ``35s`` or ``35``."""
    return int(re.fullmatch(r"(\d+)s?", value).group(1))


def test_the_values_nginx_and_the_instances_share_are_in_step():
    """Limits stated in both the nginx files and instance.ini, as
    deploy/README.md says they relate, so editing one alone fails here."""
    instance = settings_module.load(INSTANCE_INI)
    plain = directives(os.path.join(DEPLOY, "conf.d", "wsgi-echo.conf"))
    tls = directives(os.path.join(DEPLOY, "wsgi-echo-tls.conf"))
    proxy = directives(os.path.join(DEPLOY, "wsgi-echo-proxy.conf"))
    # The same body limit at both layers, so nginx's 413 and ours agree.
    assert [size_bytes(value) for value in plain["client_max_body_size"]] == [
        instance.server.max_request_bytes
    ]
    # The TLS server takes clients exactly as the plain one does.
    for name in ("client_header_timeout", "client_body_timeout", "client_max_body_size"):
        assert tls[name] == plain[name], name
    # nginx closes idle upstream connections before an instance would.
    assert [seconds(value) < instance.server.keepalive for value in plain["keepalive_timeout"]] == [
        True
    ]
    # nginx waits longer than the slowest answer an instance gives on purpose.
    slowest = max(
        instance.server.timeout, instance.echo.max_delay_ms / 1000, instance.httpbin.max_delay
    )
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert [seconds(value) > slowest for value in proxy[name]] == [True], name


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
    with (
        Trickler(
            stack.nginx,
            b"GET /echo/slow-head HTTP/1.1\r\nHost: x\r\nX-Slow: ",
            b"a" * 1000,
            count=32,
            interval=0.3,
            cap=30,
        ) as heads,
        Trickler(
            stack.nginx,
            b"POST /echo/slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n",
            b"a" * 1000,
            count=32,
            interval=0.3,
            cap=30,
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
    assert len(latencies) >= 100
    assert p99 < 0.100


# -- an instance restarted, an instance lost ------------------------------------------------


def test_an_instance_restarted_gracefully_under_load_costs_no_request(stacks):
    """SIGTERM to one instance during 3.5 seconds of GETs from four clients,
    two of them asking for 200 ms answers, once all four have had an answer,
    so that requests are in flight at the signal; it drains, exits and starts
    again on the same port, and nginx takes it back."""

    def check(stack):
        stack.wait_until_both_serve()
        index = 1
        timings = {}

        def restart():
            old = stack.instances[index]
            timings["term"] = time.time()
            old.signal(signal.SIGTERM)
            old.wait(timeout=15)
            timings["exited"] = time.time()
            old.stop()
            stack.start_instance(index)
            timings["started"] = time.time()

        tally, _ = run_load(stack, 3.5, path="/echo/restart", delayed=2, action=restart)
        # Back in the rotation: the next test needs both, and it is a figure.
        rejoined = stack.wait_until_both_serve()
        # Requests the stopping instance answered after the signal: drained, not dropped.
        records = [
            json.loads(line)
            for line in stack.instances[index].log().splitlines()
            if line.startswith("{")
        ]
        drained = [
            record
            for record in records
            if record["target"].startswith("/echo/restart")
            and timings["term"] <= _epoch(record["time"]) <= timings["exited"]
        ]
        moved = retried(stack.access_log(), "/echo/restart")
        print(
            "%s: %d GETs, %d failed, %d retried on the other instance by nginx, slowest "
            "%.0f ms, %d answered by the stopping instance after SIGTERM; down %.2f s "
            "(drain %.2f s), back in nginx's rotation %.2f s after its restart"
            % (
                stack.kind,
                tally.total(),
                len(tally.failures),
                len(moved),
                tally.slowest() * 1000,
                len(drained),
                timings["started"] - timings["term"],
                timings["exited"] - timings["term"],
                rejoined,
            )
        )
        assert tally.failures == [], tally.failures[:5]
        assert tally.total() >= 100
        return tally

    at_once(check, stacks)


def _epoch(iso):
    """The access log's "2026-11-30T02:35:00.123Z" as seconds since the epoch."""
    moment = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


def test_an_instance_killed_under_load_costs_no_idempotent_request(stacks):
    """SIGKILL to the whole of one instance (gunicorn's master and workers)
    during three seconds of GETs from four clients, two of them asking for
    200 ms answers, once all four have had an answer, so that requests are
    inside the instance when it dies.

    Every request that had no answer yet is retried by nginx.  What nginx
    cannot retry is an answer it has begun to pass on: both servers write a
    response's head and body in two writes, and a kill between the two cuts
    that answer short (IncompleteRead here).  Those are counted, bounded by
    the fast requests in flight, and reported (deploy/README.md)."""

    def check(stack):
        stack.wait_until_both_serve()
        victim = stack.instances[0]

        def kill():
            os.killpg(victim.pid, signal.SIGKILL)  # the instance's own process group
            victim.wait(timeout=5)
            return time.monotonic()

        began = time.monotonic()
        try:
            tally, killed_at = run_load(stack, 3.0, path="/echo/kill", delayed=2, action=kill)
        finally:
            victim.stop()  # reaps what is left of it
            stack.start_instance(0)  # on the same port, for the next tests
        # Requests sent once the instance was gone (with a margin for the
        # load's own clock, started a moment after ``began``).
        after = tally.served_by(sent_after=killed_at - began + 0.05)
        moved = retried(stack.access_log(), "/echo/kill")
        # An answer cut short: its head reached the client, then the body
        # never came (or nginx had to close before it could pass the head
        # on).  nginx logs each as the instance failing "while reading
        # upstream", after the head; a failure before the head is retried.
        cut = [
            failure
            for failure in tally.failures
            if "IncompleteRead" in failure[1] or "RemoteDisconnected" in failure[1]
        ]
        lost = [failure for failure in tally.failures if failure not in cut]
        mid_body = [
            line
            for line in stack.nginx.log().splitlines()
            if "while reading upstream," in line and "/echo/kill" in line
        ]
        print(
            "%s: %d GETs, %d failed (%d cut short mid-answer), %d retried on the other "
            "instance by nginx (%d of them 200 ms ones), slowest %.0f ms; answers after "
            "the kill: %s"
            % (
                stack.kind,
                tally.total(),
                len(tally.failures),
                len(cut),
                len(moved),
                sum("client=0" in line or "client=1" in line for line in moved),
                tally.slowest() * 1000,
                dict(after),
            )
        )
        assert lost == [], lost[:5]
        assert len(cut) <= min(2, len(mid_body)), (cut, mid_body)  # the fast clients' at most
        assert tally.total() >= 100
        assert set(after) == {stack.names[1]}, after  # the survivor answered everything
        return tally

    at_once(check, stacks)


# -- request smuggling -----------------------------------------------------------------------

# Each: a request whose body length could be read two ways, and a second
# request pipelined behind it in the same write, which an instance reading
# the other way would take for a request of its own.
SMUGGLING = {
    "content-length and chunked": b"POST /echo/a HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    b"GET /smuggled-1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "chunked and content-length": b"POST /echo/a HTTP/1.1\r\nHost: x\r\n"
    b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n"
    b"GET /smuggled-2 HTTP/1.1\r\nHost: x\r\n\r\n0\r\n\r\n",
    "two content-lengths": b"POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
    b"Content-Length: 38\r\n\r\nGET /smuggled-3 HTTP/1.1\r\nHost: x\r\n\r\n",
    "an unknown coding with content-length": b"POST /echo/a HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 4\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
    b"GET /smuggled-4 HTTP/1.1\r\nHost: x\r\n\r\n",
    "a space before the colon": b"POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
    b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /smuggled-5 HTTP/1.1\r\nHost: x\r\n\r\n",
    "chunked in HTTP/1.0": b"POST /echo/a HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Length: 4\r\n\r\n0\r\n\r\nGET /smuggled-6 HTTP/1.1\r\nHost: x\r\n\r\n",
}


def exchange(stack, data):
    """Send ``data`` to nginx in one write; the status codes of what comes back
    before the connection closes or goes quiet for half a second."""
    return status_lines(raw(stack.nginx, data, timeout=0.5))


def test_requests_framed_two_ways_are_refused_by_nginx_and_never_reach_an_instance(stack):
    answers = at_once(lambda data: exchange(stack, data), SMUGGLING)
    # The control: the same kind of pipelined pair, framed one way, is two requests.
    control = exchange(
        stack,
        b"POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
        b"GET /pipelined-control HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert control == [200, 200]
    for case, statuses in answers.items():
        assert len(statuses) == 1 and statuses[0] in (400, 501), (case, statuses)

    def control_logged():
        """the control request in an instance's access log"""
        logs = [process.log() for process in stack.instances]
        return logs if any("/pipelined-control" in log for log in logs) else None

    # The control, sent after the attempts, is logged: so is what reached an instance before.
    logs = wait_for(control_logged, timeout=5)
    for log in [*logs, stack.access_log()]:
        assert "/smuggled-" not in log
