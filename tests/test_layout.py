"""The package's shape: only the server runners know which server runs the
app; apps and middleware stay plain WSGI."""

import ast
import os

import wsgi_echo

PACKAGE = os.path.dirname(wsgi_echo.__file__)
SERVER_PACKAGES = ("gunicorn", "waitress")


def modules():
    for folder, _, names in os.walk(PACKAGE):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, PACKAGE), path


def server_references(path):
    """Imports of a server package, and environ keys a server defines."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names
                      if alias.name.split(".")[0] in SERVER_PACKAGES]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in SERVER_PACKAGES:
                found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith(tuple(name + "." for name in SERVER_PACKAGES)):
                found.append(node.value)
    return found


def test_only_the_server_runners_import_or_reach_into_a_server():
    offenders = {relative: server_references(path) for relative, path in modules()
                 if not relative.startswith("servers" + os.sep)}
    assert {name: refs for name, refs in offenders.items() if refs} == {}


def test_the_check_would_see_an_import():
    # The detector itself: a module that imports a server is found.
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write("import os\nfrom gunicorn.http import wsgi\nkey = 'gunicorn.socket'\n")
    try:
        assert server_references(handle.name) == ["gunicorn.http", "gunicorn.socket"]
    finally:
        os.remove(handle.name)
