"""``Server``: a live wsgi-echo, in a process of its own, for a test suite or
the benchmark.

It has pytest-httpbin's server API (``url``, ``host``, ``port``,
``protocol``, ``start()``, ``stop()``, ``join()``, ``server + "/path"``
and ``str(server)`` giving the URL), so suites written for pytest-httpbin
use it unchanged, and it adds what a separate process needs: ``log()``,
``alive()``, ``signal()``, ``wait()``, ``pids()``; and what a test asks of
the requests it received (``request_log``): ``requests``, ``last_request``,
``assert_request_made()``, ``wait_for_request()``, ``mark()``, ``clear()``.

HTTPS comes from the certificates in ``certs``.  A runner that can serve
TLS serves it itself (with HTTP/2 for clients that offer it, where the
settings turn it on); one that cannot (waitress) runs behind the
``tls_relay`` process, and tells the app the scheme with
``[proxy] assume_scheme = https``.

Settings given as text that name no ``[record] store`` get one in the
server's own folder (a SQLite file removed with it), so a test's servers
never share a record with each other or with an earlier run, and its
``requests`` are all the record holds; a settings file given by its path is
used as it is, and ``requests`` start at a marker taken at the start.
"""

import atexit
import os
import shutil
import sys
import tempfile
from urllib.parse import urljoin

from ..servers import READY, platform_default, supports
from ..servers.contract import TLS
from . import certs
from .ini import names_record_store, settings_text, with_keys
from .process import ServerProcess, StartError, free_port, server_environment, wsgi_echo_argv
from .request_log import RequestLog

HOST = "127.0.0.1"
# What Server() serves with no settings: the httpbin API at /, with nothing
# httpbin does not answer (no instance header, no health path), and the record
# of the requests it answered at /_requests.
PURE_HTTPBIN = settings_text(
    server={"workers": 1, "threads": 8, "instance_header": "", "health_path": ""},
    log={"access_log": "-"},
    record={"enabled": True},
    routes={"/": "httpbin", "/_requests": "requests"},
)
PORT_ATTEMPTS = 3  # a free port can be taken by another process before we bind it


class Server(RequestLog):
    """A running ``python -m wsgi_echo`` (and its TLS relay, if it needs one)."""

    def __init__(
        self,
        settings=None,
        server=None,
        secure=False,
        port=0,
        workdir=None,
        python=sys.executable,
        env=None,
        log_path=None,
        cpu=None,
        name=None,
        args=(),
        probe=None,
        timeout=30.0,
    ):
        """``settings``: settings text, or the path of a settings file (used as
        it is unless keys must be added for ``secure``); by default a pure
        httpbin at ``/``, as ``pytest_httpbin.serve.Server()``.  ``server``:
        the runner (the platform's default when None).  ``port``: 0 for a free
        one.  ``workdir``: the folder it runs in and writes its files to (a
        temporary one, removed at the stop, when None).  ``env``: variables
        added to its environment.  ``log_path``: where its output goes (in
        ``workdir`` when None).  ``cpu``: a CPU list to pin it to.
        ``name``: for its log file and messages (the runner's name when None).
        ``args``: more ``python -m wsgi_echo`` options (``--instance x``).
        ``probe``: a path the start waits to see answered (``ServerProcess``)."""
        if settings is None:
            settings = PURE_HTTPBIN
        self.kind = server or platform_default()
        self.name = name or self.kind
        self.protocol = "https" if secure else "http"
        self.host = HOST
        self._own_workdir = workdir is None
        self.workdir = str(workdir or tempfile.mkdtemp(prefix="wsgi-echo-server-"))
        self.settings = settings
        self.processes = []
        self._final_log = None
        self._own_record = False
        self._options = dict(
            python=python,
            env=server_environment(**(env or {})),
            log_path=log_path,
            cpu=cpu,
            args=list(args),
            probe=probe,
            timeout=timeout,
        )
        # A script that ends (or fails) before its ``stop()`` must not leave
        # the server running after it, as pytest-httpbin's thread would not.
        atexit.register(self.stop)
        try:
            self._start(port)
            self._open_window(self._own_record)
        except Exception:
            self.stop()
            raise

    # -- pytest-httpbin's API ------------------------------------------------------

    @property
    def url(self):
        return "%s://%s:%d" % (self.protocol, self.host, self.port)

    def join(self, url, allow_fragments=True):
        return urljoin(self.url, url, allow_fragments=allow_fragments)

    def __add__(self, other):
        return self.url + other

    def start(self):
        """pytest-httpbin's ``Server`` is a thread that serves once
        ``start()`` is called, as its users write: ``Server().start()``, then
        ``stop()``.  This one serves from the moment it is made, so ``start()``
        has nothing left to do; it is here so that code runs unchanged."""
        return self

    def __str__(self):
        return self.url

    def __repr__(self):
        return "<wsgi-echo %s server at %s>" % (self.kind, self.url)

    # -- the process ---------------------------------------------------------------

    def _start(self, port):
        relay = self.protocol == "https" and not supports(self.kind, TLS)
        extra = {}
        if self.protocol == "https" and not relay:
            cert, key = certs.server_files()
            extra["tls"] = {"certfile": cert, "keyfile": key}
        if relay:
            extra["proxy"] = {"assume_scheme": "https"}
        self._config_path = config = self._config(extra)
        scheme = "https" if extra.get("tls") else "http"
        app_port = self._launch(
            self._app_argv(config), 0 if relay else port, self.name, scheme, app=True
        )
        self.port = (
            self._launch(self._relay_argv(app_port), port, "tls-relay", "https")
            if relay
            else app_port
        )

    def _config(self, extra):
        """The settings file to run with: the one given, or one written here."""
        path = str(self.settings)
        given_file = "\n" not in path and os.path.isfile(path)
        if not extra and given_file:
            return path
        text = self.settings
        if given_file:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        handle, config = tempfile.mkstemp(prefix="settings-", suffix=".ini", dir=self.workdir)
        if not given_file and not names_record_store(text):
            record = os.path.splitext(config)[0].replace("settings-", "record-") + ".sqlite3"
            extra = dict(extra, record=dict(extra.get("record", {}), store="sqlite:" + record))
            self._own_record = True
        if extra:
            text = with_keys(text, extra)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        return config

    def _app_argv(self, config):
        python = self._options["python"]
        return wsgi_echo_argv(config, self.kind, HOST, "{port}", python) + self._options["args"]

    def _relay_argv(self, app_port):
        cert, key = certs.server_files()
        return [
            self._options["python"],
            "-m",
            "wsgi_echo.testing.tls_relay",
            "--listen",
            "{port}",
            "--to",
            str(app_port),
            "--cert",
            cert,
            "--key",
            key,
        ]

    def _launch(self, argv, port, name, scheme, app=False):
        """``argv`` started on ``port`` (a free one when 0, tried again should
        another process take it first); returns the port.  ``app``: the
        wsgi-echo process, which the log path, the probe and the CPU pin are for."""
        options = self._options
        for attempt in range(PORT_ATTEMPTS):
            chosen = port or free_port(HOST)
            log = (app and options["log_path"]) or os.path.join(
                self.workdir, "%s-%d.log" % (name, chosen)
            )
            try:
                process = ServerProcess(
                    argv,
                    chosen,
                    cwd=self.workdir,
                    env=options["env"],
                    log_path=log,
                    ready=READY,
                    name=name,
                    scheme=scheme,
                    timeout=options["timeout"],
                    probe=options["probe"] if app else None,
                    cpu=options["cpu"] if app else None,
                )
            except StartError as error:
                if port or "already in use" not in str(error) or attempt == PORT_ATTEMPTS - 1:
                    raise
                continue
            self.processes.append(process)
            return chosen

    @property
    def app(self):
        """The wsgi-echo process (``ServerProcess``); its relay, if any, is not it."""
        return self.processes[0]

    @property
    def pid(self):
        return self.processes[0].pid if self.processes else None

    def pids(self):
        """The wsgi-echo process and its workers."""
        return self.app.pids()

    def children(self):
        """The wsgi-echo process's workers (under gunicorn)."""
        return self.app.children()

    def signal(self, signum):
        """Send ``signum`` to the wsgi-echo process (not its workers, nor a relay)."""
        self.app.signal(signum)

    def wait(self, timeout=None):
        """The wsgi-echo process's exit status, once it has exited."""
        return self.app.wait(timeout)

    def alive(self):
        return bool(self.processes) and all(process.alive() for process in self.processes)

    def exit_status(self):
        """The first stopped process's exit status, or None while all run."""
        for process in self.processes:
            if not process.alive():
                return process.process.returncode
        return None

    def log(self):
        """What the server (and its relay) wrote: start-up lines, access log, errors."""
        if self._final_log is not None:
            return self._final_log
        return "".join(process.log() for process in self.processes)

    def stop(self):
        atexit.unregister(self.stop)
        for process in reversed(self.processes):
            process.stop()
        if self._final_log is None:
            self._final_log = "".join(process.log() for process in self.processes)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
