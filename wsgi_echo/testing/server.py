"""``Server``: a live wsgi-echo for a test suite, in a process of its own.

It has pytest-httpbin's server API (``url``, ``host``, ``port``,
``protocol``, ``join()``, ``server + "/path"`` and ``str(server)`` giving the
URL), so suites written for pytest-httpbin use it unchanged, and it adds
what a separate process needs: ``log()``, ``alive()``, ``stop()``.

HTTPS comes from the certificates in ``certs``.  A runner that can serve
TLS serves it itself (with HTTP/2 for clients that offer it, where the
settings turn it on); one that cannot (waitress) runs behind the
``tls_relay`` process, and tells the app the scheme with
``[proxy] assume_scheme = https``.
"""

import os
import shutil
import sys
import tempfile
from urllib.parse import urljoin

from ..servers import READY, platform_default, supports
from ..servers.contract import TLS
from ..settings import ini_parser
from . import certs
from .ini import settings_text
from .process import ServerProcess, StartError, free_port, server_environment, wsgi_echo_argv

HOST = "127.0.0.1"
# What Server() serves with no settings: the httpbin API alone, at /.
PURE_HTTPBIN = settings_text(server={"workers": 1, "threads": 8}, log={"access_log": "-"},
                             routes={"/": "httpbin"})
PORT_ATTEMPTS = 3  # a free port can be taken by another process before we bind it


def _settings_with(text, extra):
    """``text`` with the keys of ``extra`` ({section: {key: value}}) set, in the
    sections the text may already have (a test's own ``[tls]`` keys stay)."""
    if not extra:
        return text
    import io
    parser = ini_parser()
    parser.read_string(text)
    for section, keys in extra.items():
        if not parser.has_section(section):
            parser.add_section(section)
        for key, value in keys.items():
            parser.set(section, key, str(value))
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


class Server:
    """A running ``python -m wsgi_echo`` (and its TLS relay, if it needs one)."""

    def __init__(self, settings=None, server=None, secure=False, port=0, workdir=None,
                 python=sys.executable):
        """``settings``: settings text, or the path of a settings file; by
        default a pure httpbin at ``/``, as ``pytest_httpbin.serve.Server()``."""
        if settings is None:
            settings = PURE_HTTPBIN
        self.kind = server or platform_default()
        self.protocol = "https" if secure else "http"
        self.host = HOST
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="wsgi-echo-server-")
        if os.path.isfile(str(settings)):
            with open(settings, encoding="utf-8") as handle:
                settings = handle.read()
        self.settings = settings
        self.processes = []
        self._final_log = None
        try:
            self._start(python, port)
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

    def __str__(self):
        return self.url

    def __repr__(self):
        return "<wsgi-echo %s server at %s>" % (self.kind, self.url)

    # -- the process ---------------------------------------------------------------

    def _start(self, python, port):
        relay = self.protocol == "https" and not supports(self.kind, TLS)
        extra = {}
        if self.protocol == "https" and not relay:
            cert, key = certs.server_files()
            extra["tls"] = {"certfile": cert, "keyfile": key}
        if relay:
            extra["proxy"] = {"assume_scheme": "https"}
        config = os.path.join(self.workdir, "settings-%d.ini" % len(os.listdir(self.workdir)))
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(_settings_with(self.settings, extra))
        app_port = self._launch_app(python, config, 0 if relay else port)
        if relay:
            self.port = self._launch_relay(python, port, app_port)
        else:
            self.port = app_port

    def _launch(self, argv_for_port, port, name):
        for attempt in range(PORT_ATTEMPTS):
            chosen = port or free_port(HOST)
            log = os.path.join(self.workdir, "%s-%d.log" % (name, chosen))
            try:
                process = ServerProcess(argv_for_port(chosen), chosen, cwd=self.workdir,
                                        env=server_environment(), log_path=log, ready=READY)
            except StartError as error:
                if port or "already in use" not in str(error) or attempt == PORT_ATTEMPTS - 1:
                    raise
                continue
            self.processes.append(process)
            return chosen

    def _launch_app(self, python, config, port):
        return self._launch(lambda chosen: wsgi_echo_argv(config, self.kind, HOST, chosen, python),
                            port, self.kind)

    def _launch_relay(self, python, port, app_port):
        cert, key = certs.server_files()
        return self._launch(lambda chosen: [
            python, "-m", "wsgi_echo.testing.tls_relay", "--listen", str(chosen),
            "--to", str(app_port), "--cert", cert, "--key", key], port, "tls-relay")

    @property
    def pid(self):
        return self.processes[0].pid if self.processes else None

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
