"""The wheel itself: the sdist builds the same wheel, it carries the demo site,
the gunicorn conf, the httpbin samples and the plugin, and the venv imports
it (not the checkout).
"""

import configparser
import os
import zipfile

from wheel_checks import DEMO_SITE, GUNICORN_CONF, SAMPLES

SETUP_CFG = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "setup.cfg")


def python_requires():
    """The one declaration of the Pythons we support: setup.cfg's."""
    parser = configparser.ConfigParser()
    parser.read(SETUP_CFG)
    return parser["options"]["python_requires"]


# -- the wheel ----------------------------------------------------------------------------


def test_the_sdist_builds_the_same_wheel(dist):
    from_sdist, from_tree, _ = dist
    with zipfile.ZipFile(from_sdist) as one, zipfile.ZipFile(from_tree) as other:
        assert sorted(one.namelist()) == sorted(other.namelist())
        for name in one.namelist():
            assert one.read(name) == other.read(name), name


def test_the_wheel_carries_the_demo_site_the_gunicorn_conf_the_samples_and_the_plugin(dist):
    with zipfile.ZipFile(dist[0]) as wheel:
        names = wheel.namelist()
        entry_points = next(
            wheel.read(name).decode()
            for name in names
            if name.endswith(".dist-info/entry_points.txt")
        )
        metadata = next(
            wheel.read(name).decode() for name in names if name.endswith(".dist-info/METADATA")
        )
    assert DEMO_SITE + "index.html" in names and DEMO_SITE + "about/index.html" in names
    assert GUNICORN_CONF in names
    assert SAMPLES + "image.png" in names
    assert "wsgi_echo/testing/plugin.py" in names
    assert "wsgi-echo = wsgi_echo.servers.cli:main" in entry_points
    assert "wsgi_echo = wsgi_echo.testing.plugin" in entry_points
    for field in (
        "Requires-Python: " + python_requires(),
        "License: MIT",
        "Project-URL: Documentation",
        "Classifier: Framework :: Pytest",
        "Provides-Extra: pytest",
        "Description-Content-Type: text/markdown",
    ):
        assert field in metadata


def test_the_venv_imports_the_wheel_not_the_checkout(launch):
    code, out, _ = launch.finish(["python", "-c", "import wsgi_echo; print(wsgi_echo.__file__)"])
    assert code == 0 and str(launch.bin.parent) in out
