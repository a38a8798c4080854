"""The installed wheel, as a user gets it: built from an sdist, installed into
a fresh venv, and every entry point started from an empty folder.

Nothing the servers run reads the repository: they are the venv's own
commands, started with the venv's interpreter, in a temporary folder, with
``PYTHONPATH`` and ``WSGI_ECHO_SETTINGS`` removed.  Only this harness (which
starts them and sends requests) runs from the checkout.
"""

import os
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

from wsgi_echo.testing.process import ServerProcess, StartError, free_port

# The checks the test_wheel_* modules share assert: rewritten as theirs are,
# a failure there shows its values.
pytest.register_assert_rewrite("wheel_checks")

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
READY = "wsgi-echo: serving on "


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


def clean_copy(folder):
    """The project's files (tracked, or new and not ignored) copied to
    ``folder``: a build there cannot pick up a stale ``build/`` folder."""
    listed = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = os.path.join(PROJECT, name)
        if os.path.isfile(source):
            os.makedirs(os.path.join(folder, os.path.dirname(name)), exist_ok=True)
            shutil.copy2(source, os.path.join(folder, name))
    return folder


@pytest.fixture(scope="session")
def dist(tmp_path_factory):
    """(wheel built from the sdist, wheel built from the tree, sdist)."""
    out = tmp_path_factory.mktemp("dist")
    from_sdist, from_tree = out / "from-sdist", out / "from-tree"
    tree = clean_copy(str(out / "tree"))
    run([sys.executable, "-m", "build", "--outdir", str(from_sdist), tree])
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(from_tree), tree])
    (wheel,) = from_sdist.glob("*.whl")
    (sdist,) = from_sdist.glob("*.tar.gz")
    (tree_wheel,) = from_tree.glob("*.whl")
    return wheel, tree_wheel, sdist


def make_venv(folder, wheel, extras=""):
    """A fresh venv with ``wheel`` (and ``extras``) installed, and nothing else:
    what ``pip install`` gives a user (pytest would bring ``packaging``, which
    gunicorn's gevent worker imports); its bin folder."""
    venv.EnvBuilder(with_pip=True).create(str(folder))
    bin_dir = folder / ("Scripts" if os.name == "nt" else "bin")
    run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "%s%s" % (wheel, extras),
        ]
    )
    return bin_dir


@pytest.fixture(scope="session")
def installed(dist, tmp_path_factory):
    """The bin folder of a fresh venv holding the wheel built from the sdist,
    with no extra: ``pip install wsgi-echo``."""
    return make_venv(tmp_path_factory.mktemp("venv"), dist[0])


@pytest.fixture(scope="session")
def installed_for_pytest(dist, tmp_path_factory):
    """The same with the ``pytest`` extra: ``pip install wsgi-echo[pytest]``."""
    return make_venv(tmp_path_factory.mktemp("venv-pytest"), dist[0], extras="[pytest]")


def without_parts(wheel, prefixes, out):
    """A copy of ``wheel`` without the files under ``prefixes``: what the
    checks must catch (a wheel that lost its demo site, say)."""
    target = out / os.path.basename(str(wheel))
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            if item.filename.startswith(prefixes):
                continue
            data = source.read(item)
            if item.filename.endswith(".dist-info/RECORD"):
                lost = tuple(prefix.encode() for prefix in prefixes)
                data = b"".join(
                    line + b"\n" for line in data.splitlines() if not line.startswith(lost)
                )
            copy.writestr(item, data)
    return target


def user_environment(**extra):
    environment = dict(os.environ, **extra)
    for name in (
        "PYTHONPATH",
        "WSGI_ECHO_SETTINGS",
        "MAKEFLAGS",
        "MAKELEVEL",
        "VIRTUAL_ENV",
        "GUNICORN_CMD_ARGS",
    ):
        if name not in extra:
            environment.pop(name, None)
    return environment


@pytest.fixture
def empty(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


class Launcher:
    """Starts the venv's commands in an empty folder; stops them at the end."""

    def __init__(self, bin_dir, folder, logs):
        self.bin, self.folder, self.logs = bin_dir, folder, logs
        self.started = []

    def command(self, name):
        return str(self.bin / name)

    def __call__(self, argv, ready=READY, env=None, port=None):
        port = port or free_port()
        argv = [self.command(argv[0])] + [arg.replace("{port}", str(port)) for arg in argv[1:]]
        log = str(self.logs / ("%s-%d.log" % (os.path.basename(argv[0]), port)))
        server = ServerProcess(
            argv,
            port,
            cwd=str(self.folder),
            log_path=log,
            ready=ready,
            env=user_environment(**(env or {})),
            timeout=60,
        )
        self.started.append(server)
        return server

    def finish(self, argv, env=None, timeout=60):
        """Run a command to its end in the empty folder: (status, stdout, stderr)."""
        argv = [self.command(argv[0]), *list(argv[1:])]
        done = subprocess.run(
            argv,
            cwd=str(self.folder),
            env=user_environment(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done.returncode, done.stdout, done.stderr

    def stop_all(self):
        for server in self.started:
            server.stop()


@pytest.fixture
def launch(installed, empty, tmp_path):
    launcher = Launcher(installed, empty, tmp_path)
    yield launcher
    launcher.stop_all()


@pytest.fixture
def launch_for_pytest(installed_for_pytest, empty, tmp_path):
    launcher = Launcher(installed_for_pytest, empty, tmp_path)
    yield launcher
    launcher.stop_all()


__all__ = ["Launcher", "StartError", "make_venv", "shutil", "without_parts"]
