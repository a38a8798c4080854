"""Start a real server process on a free loopback port, and stop it by PID.

One way to run a server for the test suite, ``make bench`` and the pytest
plugin: the process gets its own session (process group), so stopping it
also stops what it started (gunicorn's workers, or gunicorn under ``make
run``), and nothing else is ever signalled.
"""

import os
import signal
import socket
import subprocess
import sys
import time

from ..servers import address
from ..settings import ENV_VAR

POSIX = os.name == "posix"


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

    def __init__(self, argv, port, cwd=None, env=None, log_path=None, host="127.0.0.1",
                 timeout=30.0, ready=None):
        """``ready``: text the server writes to its log once it is ready; when
        given, the start waits for it as well as for the port."""
        self.argv = list(argv)
        self.ready = ready
        self.host, self.port = host, port
        self.log_path = log_path or os.devnull
        self._log = open(self.log_path, "ab")
        kwargs = {"start_new_session": True} if POSIX else {
            "creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
        self.process = subprocess.Popen(self.argv, cwd=cwd, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        **kwargs)
        try:
            self.wait_until_listening(timeout)
        except StartError:
            self.stop()
            raise

    @property
    def pid(self):
        return self.process.pid

    @property
    def url(self):
        return "http://" + address(self.host, self.port)

    def wait_until_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartError("%s exited with status %s:\n%s"
                                 % (self.argv[0], self.process.returncode, self.log()))
            if self.ready is not None and self.ready not in self.log():
                time.sleep(0.02)
                continue
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.02)
        raise StartError("%s did not listen on %s:%d within %ss:\n%s"
                         % (self.argv[0], self.host, self.port, timeout, self.log()))

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


def wsgi_echo_argv(config, server, host="127.0.0.1", port=None, python=sys.executable):
    """``python -m wsgi_echo`` with a settings file, a server and an address."""
    argv = [python, "-m", "wsgi_echo", "--config", str(config), "--server", server,
            "--host", host]
    if port is not None:
        argv += ["--port", str(port)]
    return argv
