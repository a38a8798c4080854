"""The package list in setup.cfg is written out (the demo site is a mapped
package folder that ``find:`` cannot see), so a test keeps it complete: a
package folder missing from it would be missing from the wheel.  And the
ruff version pinned in setup.cfg's test extra is the one pre-commit runs."""

import configparser
import os
import re

from conftest import PROJECT

PACKAGE = os.path.join(PROJECT, "wsgi_echo")


def setup_cfg():
    config = configparser.ConfigParser()
    config.read(os.path.join(PROJECT, "setup.cfg"))
    return config


def listed_packages():
    return set(setup_cfg()["options"]["packages"].split())


def package_folders():
    found = set()
    for folder, _, names in os.walk(PACKAGE):
        if "__init__.py" in names:
            found.add(os.path.relpath(folder, PROJECT).replace(os.sep, "."))
    return found


def test_every_package_folder_is_listed_in_setup_cfg():
    assert package_folders() - listed_packages() == set()


def test_the_list_names_only_package_folders_and_the_demo_site():
    assert listed_packages() - package_folders() == {"wsgi_echo.htdocs"}


# -- one ruff version ------------------------------------------------------------------


def ruff_versions(test_extra, pre_commit):
    """(the ruff version the test extra pins, the rev of the ruff hook in
    ``pre_commit``'s text); None for one that is not there."""
    pinned = re.search(r"^ruff==(\S+)$", test_extra, re.M)
    hook = re.search(r"repo: \S*/ruff-pre-commit\s*\n\s*rev: v?(\S+)", pre_commit)
    return (pinned and pinned.group(1), hook and hook.group(1))


def test_pre_commit_runs_the_ruff_that_setup_cfg_pins():
    with open(os.path.join(PROJECT, ".pre-commit-config.yaml"), encoding="utf-8") as handle:
        pre_commit = handle.read()
    pinned, hook = ruff_versions(setup_cfg()["options.extras_require"]["test"], pre_commit)
    assert pinned is not None and pinned == hook


def test_the_ruff_check_sees_a_version_that_differs():
    pre_commit = "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.9.1\n"
    assert ruff_versions("\npytest>=7\nruff==0.17.6\n", pre_commit) == ("0.17.6", "0.9.1")
