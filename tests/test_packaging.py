"""The package list in setup.cfg is written out (the demo site is a mapped
package folder that ``find:`` cannot see), so a test keeps it complete: a
package folder missing from it would be missing from the wheel."""

import configparser
import os

from conftest import PROJECT

PACKAGE = os.path.join(PROJECT, "wsgi_echo")


def listed_packages():
    config = configparser.ConfigParser()
    config.read(os.path.join(PROJECT, "setup.cfg"))
    return set(config["options"]["packages"].split())


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
