"""The docs' test examples, run as a user runs them: README.md's and
docs/testing.md's pytest examples as a suite (``plugin_suites``), and
docs/testing.md's example without pytest as a script.
"""

import os
import subprocess
import sys

import pytest
from plugin_suites import run_suite

from conftest import PROJECT

pytestmark = pytest.mark.server


def python_example(page, after):
    """The first Python example of ``page`` (from the project's root) after
    the line ``after``."""
    with open(os.path.join(PROJECT, page), encoding="utf-8") as handle:
        text = handle.read()
    start = text.index("```python\n", text.index(after)) + len("```python\n")
    return text[start : text.index("```", start)]


@pytest.mark.parametrize(
    "page, after, tests",
    [
        ("docs/testing.md", "## What your code sent", 2),
        ("README.md", "In a test suite", 2),
    ],
)
def test_the_documented_test_examples_pass(pytester, page, after, tests):
    result = run_suite(pytester, python_example(page, after))
    result.assert_outcomes(passed=tests)


def test_the_documented_server_example_runs(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(python_example("docs/testing.md", "## Without pytest"))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:")
