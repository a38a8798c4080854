"""The pytest plugin's modules (``wsgi_echo.testing``) import one way: each
can be imported first, alone, in a fresh interpreter, so no import cycle
hides behind the order a long-lived process happens to import them in; the
check is shown catching a planted cycle.
"""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.server

# -- the plugin's modules import one way -------------------------------------------------


def modules_failing_alone(folder, package):
    """{module: error} for each module of ``package`` (in ``folder``'s parent)
    that cannot be imported first, alone, in a fresh interpreter: a cycle
    between two modules fails there, whichever is imported first, while in a
    long-lived process one module may happen to be imported before the other
    and hide it."""
    names = sorted(
        name[:-3] for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py"
    )
    root = folder
    for _ in package.split("."):
        root = os.path.dirname(root)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, *sys.path]))
    running = {
        name: subprocess.Popen(
            [sys.executable, "-c", "import %s.%s" % (package, name)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for name in names
    }
    failed = {}
    for name, process in running.items():
        _, error = process.communicate(timeout=60)
        if process.returncode != 0:
            failed[name] = error.strip().splitlines()[-1]
    return failed


def test_every_testing_module_imports_alone():
    import wsgi_echo.testing

    folder = os.path.dirname(wsgi_echo.testing.__file__)
    assert modules_failing_alone(folder, "wsgi_echo.testing") == {}


def test_the_import_check_sees_a_cycle(tmp_path):
    """The shape the plugin had: one module importing a second at the top,
    the second importing a name from the first."""
    package = tmp_path / "planted" / "cyclic"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from . import second\n\ndef start():\n    pass\n")
    (package / "second.py").write_text("from .first import start\n")
    (package / "alone.py").write_text("import os\n")
    failed = modules_failing_alone(str(package), "cyclic")
    assert sorted(failed) == ["first"] and "cannot import name 'start'" in failed["first"]
