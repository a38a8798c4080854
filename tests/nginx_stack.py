"""deploy/nginx/ as the ``test_deploy_nginx_*`` modules run it: a real nginx,
run from the shipped configuration, in front of two real wsgi-echo instances
run with the shipped instance.ini (``Stack``), once with gunicorn instances and
once with waitress ones (the module-scoped ``stacks`` fixture, and ``stack``,
one of them per test); the fixtures reach those modules through
``pytest_plugins`` in conftest.py.

The shipped files are rendered into a temporary nginx prefix by filling in
their ``${NAME}`` placeholders (what ``envsubst`` does in deploy/README.md),
and nothing else: no directive is added or changed by the test.  nginx runs
in the foreground, started and stopped by PID like every server in the suite.

Skipped with a reason when nginx is not installed, except with
REQUIRE_NGINX=1, as CI sets: there a missing nginx is a failure.
"""

import http.client
import os
import re
import shutil
import time

import pytest

from conftest import PROJECT, SERVERS, required
from wsgi_echo.testing import certs
from wsgi_echo.testing.clients import at_once
from wsgi_echo.testing.process import ServerProcess, free_port
from wsgi_echo.testing.server import Server
from wsgi_echo.testing.waiting import wait_for

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


def find_nginx():
    """nginx's path, or None; /usr/sbin is where Debian puts it, and not on
    an ordinary user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def require_nginx():
    return required(
        find_nginx(),
        "REQUIRE_NGINX",
        "nginx is not installed: not on PATH nor in /usr/sbin (apt-get install nginx)",
    )


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
        for name, process in zip(
            [*self.names, "nginx"], [*self.instances, self.nginx], strict=True
        ):
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


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()
