"""The package's shape: only the server runners know which server runs the
app, every runner implements the whole runner interface, apps and
middleware stay plain WSGI, no app imports another (what they share lives
outside ``apps``, in ``wsgi_echo.request`` and beside it), and modules stay
small.  Each rule's detector is shown to catch a planted violation, so a
rule that stopped seeing anything would fail here."""

import ast
import inspect
import os
import types
import typing

import pytest

import wsgi_echo
from wsgi_echo import servers
from wsgi_echo.servers import contract

PACKAGE = os.path.dirname(wsgi_echo.__file__)
SERVER_PACKAGES = ("gunicorn", "waitress", "gevent")
RUNNER_NAMES = tuple(servers.NAMES)
APPS = os.path.join(PACKAGE, "apps")
APP_PACKAGES = tuple(
    sorted(
        name for name in os.listdir(APPS) if os.path.isfile(os.path.join(APPS, name, "__init__.py"))
    )
)


def modules():
    for folder, _, names in os.walk(PACKAGE):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, PACKAGE), path


def parsed(path):
    with open(path, encoding="utf-8") as handle:
        return ast.parse(handle.read())


def docstrings(tree):
    """The string constants that are docstrings (prose, which may name a server)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def server_references(path):
    """Imports of a server package, environ keys a server defines, and code
    that names a runner (a string that is exactly a runner's name)."""
    tree = parsed(path)
    prose = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                alias.name for alias in node.names if alias.name.split(".")[0] in SERVER_PACKAGES
            ]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] in SERVER_PACKAGES
        ):
            found.append(node.module)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in prose
            and (
                node.value.startswith(tuple(name + "." for name in SERVER_PACKAGES))
                or node.value in RUNNER_NAMES
                or node.value in SERVER_PACKAGES
            )
        ):
            found.append(node.value)
    return found


def offenders(found):
    """The modules of ``{module: what a check found in it}`` where it found something."""
    return {name: items for name, items in found.items() if items}


def planted_module(tmp_path, source):
    """A module holding ``source``, to show a check catching it: its path."""
    path = tmp_path / "planted.py"
    path.write_text(source)
    return str(path)


def test_only_the_server_runners_import_reach_into_or_name_a_server():
    found = {
        relative: server_references(path)
        for relative, path in modules()
        if not relative.startswith("servers" + os.sep)
    }
    assert offenders(found) == {}


def test_the_server_check_sees_an_import_a_key_and_a_name(tmp_path):
    path = planted_module(
        tmp_path,
        '"""Served by gunicorn or waitress: prose is fine."""\n'
        "import os\nfrom gunicorn.http import wsgi\nkey = 'gunicorn.socket'\n"
        "if os.name == 'nt':\n    kind = 'waitress'\n",
    )
    assert server_references(path) == ["gunicorn.http", "gunicorn.socket", "waitress"]


# -- no app imports another ----------------------------------------------------------


def imported_names(tree, package):
    """The absolute dotted name each import in ``tree`` reaches, relative
    imports resolved against ``package`` (the importing module's own).
    ``from a import b`` reaches ``a.b``: a module ``b``, or a name in ``a``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            yield from (base + "." + alias.name for alias in node.names)


def other_apps_imported(path, package):
    """What the module at ``path``, in the app package ``package``
    (``wsgi_echo.apps.<kind>``...), imports from another app kind's package."""
    own = package.split(".")[2]
    found = []
    for name in imported_names(parsed(path), package):
        parts = name.split(".")
        if (
            parts[:2] == ["wsgi_echo", "apps"]
            and len(parts) > 2
            and parts[2] in APP_PACKAGES
            and parts[2] != own
        ):
            found.append(name)
    return found


def app_modules():
    """(relative path, path, package) for every module inside an app kind's package."""
    for relative, path in modules():
        parts = relative.split(os.sep)
        if len(parts) > 2 and parts[0] == "apps" and parts[1] in APP_PACKAGES:
            yield relative, path, ".".join(["wsgi_echo", *parts[:-1]])


def test_no_app_imports_another_app():
    assert len(APP_PACKAGES) > 1
    found = {
        relative: other_apps_imported(path, package) for relative, path, package in app_modules()
    }
    assert offenders(found) == {}


def test_the_app_import_check_sees_relative_and_absolute_imports(tmp_path):
    path = planted_module(
        tmp_path,
        '"""Reads forms as the echo\'s forms do: prose is fine."""\n'
        "from . import reply\n"
        "from ...request.multi import multi\n"
        "from .. import KINDS\n"
        "from ..echo.forms import form_and_files\n"
        "from .. import static\n"
        "import wsgi_echo.apps.echo.describe\n"
        "from wsgi_echo.apps.static import files\n"
        "def later():\n    from ...apps.echo import tls\n",
    )
    assert other_apps_imported(path, "wsgi_echo.apps.httpbin") == [
        "wsgi_echo.apps.echo.forms.form_and_files",
        "wsgi_echo.apps.static",
        "wsgi_echo.apps.echo.describe",
        "wsgi_echo.apps.static.files",
        "wsgi_echo.apps.echo.tls",
    ]


# -- every runner implements the runner interface ----------------------------------


def interface():
    """{name: expected} from ``contract.Runner``: a type for attributes, the
    parameter names for functions."""
    expected = {}
    for name, hint in typing.get_type_hints(contract.Runner).items():
        expected[name] = hint
    for name, member in vars(contract.Runner).items():
        if isinstance(member, types.FunctionType) and not name.startswith("_"):
            expected[name] = [p for p in inspect.signature(member).parameters if p != "self"]
    return expected


def interface_gaps(module):
    """What ``module`` lacks of the runner interface, or has in another shape."""
    gaps = []
    for name, expected in interface().items():
        if not hasattr(module, name):
            gaps.append("%s is missing" % name)
            continue
        value = getattr(module, name)
        if isinstance(expected, list):
            if not callable(value):
                gaps.append("%s is not a function" % name)
            elif list(inspect.signature(value).parameters) != expected:
                gaps.append(
                    "%s%s should take (%s)" % (name, inspect.signature(value), ", ".join(expected))
                )
        else:
            origin = typing.get_origin(expected) or expected
            if not isinstance(value, origin):
                gaps.append("%s is a %s, not a %s" % (name, type(value).__name__, origin.__name__))
    if not gaps:
        if module.NAME not in servers.RUNNERS:
            gaps.append("NAME %r is not its line in servers.RUNNERS" % module.NAME)
        unknown = set(module.CAPABILITIES) - contract.CAPABILITIES
        if unknown:
            gaps.append("CAPABILITIES names unknown capabilities %s" % sorted(unknown))
    return gaps


def test_the_interface_is_what_the_contract_states():
    assert set(interface()) == {
        "NAME",
        "CAPABILITIES",
        "version",
        "refuse_unsupported",
        "wrap",
        "run",
        "loaded_without_runner",
    }


@pytest.mark.parametrize("name", servers.NAMES)
def test_every_runner_implements_the_whole_interface(name):
    module = servers.runner(name)
    assert interface_gaps(module) == []
    assert name == module.NAME


def test_the_interface_check_sees_a_runner_with_a_gap():
    planted = types.ModuleType("planted_runner")
    planted.NAME = "gunicorn"
    planted.CAPABILITIES = {"tls"}  # a set, not a frozenset
    planted.version = lambda: "x"
    planted.wrap = lambda app: app  # settings missing
    planted.run = lambda app, settings, sock: None
    planted.loaded_without_runner = lambda: None
    assert interface_gaps(planted) == [
        "CAPABILITIES is a set, not a frozenset",
        "refuse_unsupported is missing",
        "wrap(app) should take (app, settings)",
    ]


# -- small modules: one job each ----------------------------------------------------

# Data tables may pass 300 lines (every setting's line; the differential corpus); no
# other long module is a table.
TABLES = {"wsgi_echo/settings/declarations.py", "tests/differential/corpus_tables.py"}


def long_modules(root, folders, most=300):
    """{path under ``root``: its lines} for the .py files in ``folders`` over ``most`` lines."""
    found = {}
    for top in folders:
        for folder, _, names in os.walk(os.path.join(root, top)):
            for path in (os.path.join(folder, name) for name in names if name.endswith(".py")):
                with open(path, encoding="utf-8") as handle:
                    count = sum(1 for _ in handle)
                if count > most:
                    found[os.path.relpath(path, root).replace(os.sep, "/")] = count
    return found


def test_no_module_is_over_300_lines_but_the_data_tables():
    found = long_modules(os.path.dirname(PACKAGE), ("wsgi_echo", "tests", "bench"))
    assert set(found) - TABLES == set(), found


def test_the_size_check_sees_a_long_module(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "long.py").write_text("x = 1\n" * 301)
    (tmp_path / "pkg" / "short.py").write_text("x = 1\n" * 300)
    assert long_modules(str(tmp_path), ["pkg"]) == {"pkg/sub/long.py": 301}
