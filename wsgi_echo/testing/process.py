"""Start a real server process on a free loopback port, and stop it by PID.

The one launcher for the test suite, ``make bench`` and the pytest plugin:
wsgi-echo itself (through ``server.Server``), nginx, a bare WSGI app under
gunicorn, anything that listens.  The process gets its own session (process
group), so stopping it also stops what it started (gunicorn's workers, or
gunicorn under ``make run``), and nothing else is ever signalled.
"""

import http.client
import os
import signal
import socket
import ssl
import subprocess
import sys

from ..servers import address, selection
from ..settings import ENV_VAR
from .waiting import WaitTimeout, wait_for

POSIX = os.name == "posix"
PORT_PLACEHOLDER = "{port}"


def server_environment(**extra):
    """The environment for a server a harness starts: this process's, with
    unbuffered output (so its log shows each line as it happens), without
    ``WSGI_ECHO_SETTINGS`` (the settings file is given on the command line),
    plus ``extra``."""
    environment = dict(os.environ, PYTHONUNBUFFERED="1", **extra)
    environment.pop(ENV_VAR, None)
    return environment


def free_port(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class StartError(RuntimeError):
    """The server exited or did not listen; ``str()`` ends with its log."""


class ServerProcess:
    """``argv`` run in ``cwd`` until it accepts connections on ``port``.

    Its stdout and stderr go to ``log_path`` (one file, in order), which
    ``log()`` reads back, for a failing test's report.
    """

    def __init__(
        self,
        argv,
        port,
        cwd=None,
        env=None,
        log_path=None,
        host="127.0.0.1",
        timeout=30.0,
        ready=None,
        probe=None,
        name=None,
        cpu=None,
        scheme="http",
    ):
        """``port``: where it listens, written into ``argv`` wherever it says
        ``{port}``; None for a server on no TCP port (a unix socket), whose
        start is its ``ready`` line alone.  ``ready``: text the server writes
        to its log once it is ready.  ``probe``: a path that must be answered
        (any status) before the start is over: the sign that a worker runs,
        where the port accepts before one does (gunicorn's master binds it).
        ``cpu``: a CPU list to pin the process to (``taskset -c``).
        ``scheme``: ``https`` for a server that speaks TLS on ``port``."""
        if port is not None:
            argv = [str(arg).replace(PORT_PLACEHOLDER, str(port)) for arg in argv]
        self.argv = (["taskset", "-c", str(cpu)] if cpu is not None else []) + list(argv)
        self.name = name or os.path.basename(str(argv[0]))
        self.ready, self.scheme = ready, scheme
        self.host, self.port = host, port
        self.log_path = log_path or os.devnull
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (open while the process runs)
        kwargs = (
            {"start_new_session": True}
            if POSIX
            else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
        )
        self.process = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            **kwargs,
        )
        try:
            self.wait_until_listening(timeout)
            if probe is not None:
                self.wait_until_answering(probe, timeout)
        except StartError:
            self.stop()
            raise

    @property
    def pid(self):
        return self.process.pid

    @property
    def url(self):
        return "%s://%s" % (self.scheme, address(self.host, self.port))

    def _started(self, what, predicate, timeout):
        """``predicate`` awaited; the server's exit or the timeout is a StartError."""

        def alive_and():
            if self.process.poll() is not None:
                raise StartError(
                    "%s exited with status %s:\n%s"
                    % (self.name, self.process.returncode, self.log())
                )
            return predicate()

        try:
            return wait_for(alive_and, timeout, interval=0.02, what=what)
        except WaitTimeout as error:
            raise StartError("%s: %s:\n%s" % (self.name, error, self.log())) from None

    def wait_until_listening(self, timeout):
        """Until the ready line is in the log and the port accepts."""

        def listening():
            if self.ready is not None and self.ready not in self.log():
                return False
            if self.port is None:
                return True
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        self._started(
            "%s to listen on %s:%s" % (self.name, self.host, self.port), listening, timeout
        )

    def wait_until_answering(self, path, timeout):
        """Until a GET of ``path`` is answered, whatever the status."""
        self._started(
            "%s to answer GET %s" % (self.name, path),
            lambda: self.answers(path) is not None,
            timeout,
        )

    def answers(self, path, timeout=5.0):
        """The status of a GET of ``path``, or None when there is no answer."""
        if self.scheme == "https":
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=timeout, context=ssl._create_unverified_context()
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()

    def log(self):
        """Everything the server has written so far."""
        if self.log_path == os.devnull:
            return ""
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    def alive(self):
        return self.process.poll() is None

    def signal(self, signum):
        """Send ``signum`` to the server process alone (not its workers)."""
        if self.alive():
            self.process.send_signal(signum)

    def wait(self, timeout=None):
        """Its exit status, once it has exited (``subprocess.TimeoutExpired``
        after ``timeout`` seconds)."""
        return self.process.wait(timeout=timeout)

    def stop(self, timeout=15.0):
        """SIGTERM to the whole process group, then SIGKILL if it lingers;
        returns the exit status."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL if POSIX else signal.SIGTERM)
                self.process.wait()
        elif POSIX:
            self._signal_group(signal.SIGKILL)  # workers left behind by a crash
        self._log.close()
        return self.process.returncode

    def _signal_group(self, signum):
        try:
            if POSIX:
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)
        except (ProcessLookupError, PermissionError):
            pass

    def children(self):
        """PIDs of the server's descendants (gunicorn workers), where /proc has them."""
        found, queue = [], [self.process.pid]
        while queue:
            pid = queue.pop()
            try:
                for task in os.listdir("/proc/%d/task" % pid):
                    with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
                        kids = [int(child) for child in handle.read().split()]
                        found.extend(kids)
                        queue.extend(kids)
            except OSError:
                pass
        return found

    def pids(self):
        """The server's process and its descendants."""
        return [self.process.pid, *self.children()]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wsgi_echo_argv(config, server, host="127.0.0.1", port=None, python=sys.executable):
    """``python -m wsgi_echo`` with a settings file, a runner (a name of
    ``servers.NAMES``: its server and worker class) and an address."""
    name, worker = selection(server)
    argv = [python, "-m", "wsgi_echo", "--config", str(config), "--server", name]
    argv += ["--worker-class", worker, "--host", host]
    if port is not None:
        argv += ["--port", str(port)]
    return argv
