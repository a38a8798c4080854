"""Each setting is declared once: the shipped settings.ini, docs/settings.md's table
and the command line's flags all come from the declarations, and a test
fails when any of them is edited by hand."""

import os

import pytest

from conftest import PROJECT, run_cli
from wsgi_echo import settings as declared
from wsgi_echo import settings_doc
from wsgi_echo.servers import cli


def read(name):
    with open(os.path.join(PROJECT, name), encoding="utf-8") as handle:
        return handle.read()


def test_shipped_settings_ini_is_the_rendered_declarations():
    assert read("settings.ini") == settings_doc.render_ini(), (
        "settings.ini differs from the declarations: edit wsgi_echo/settings/declarations.py, then "
        "run python -m wsgi_echo.settings_doc"
    )


def test_the_docs_settings_table_is_the_rendered_declarations():
    page = read(settings_doc.TABLE_PAGE)
    assert settings_doc.page_with_table(page) == page, (
        "docs/settings.md's table differs from the declarations: run "
        "python -m wsgi_echo.settings_doc"
    )


def test_a_hand_edit_of_either_file_is_caught():
    shipped = read("settings.ini").replace("port = 8080", "port = 8081")
    assert shipped != settings_doc.render_ini()
    page = read(settings_doc.TABLE_PAGE).replace("| `8080` |", "| `8081` |")
    assert settings_doc.page_with_table(page) != page


def test_shipped_file_loads_to_the_built_in_defaults():
    shipped = declared.load(os.path.join(PROJECT, "settings.ini"))
    builtin = declared.build(declared.BUILTIN, PROJECT, {})
    for section in declared.SECTIONS:
        assert getattr(shipped, section) == getattr(builtin, section), section
    assert (
        shipped.routes
        == builtin.routes
        == (("/_requests", "requests"), ("/httpbin", "httpbin"), ("/echo", "echo"), ("/", "static"))
    )


def test_every_declaration_is_in_its_section_object_and_nothing_else():
    settings = declared.build(declared.BUILTIN, PROJECT, {})
    for section, keys in declared.BY_SECTION.items():
        fields = [name for name in vars(getattr(settings, section))]
        assert fields == list(keys)


@pytest.mark.parametrize("flag", sorted(declared.FLAGS))
def test_every_flag_overrides_its_setting(flag):
    setting = declared.FLAGS[flag]
    args = cli.parse_args([flag, setting.default or "x"])
    assert getattr(args, "%s.%s" % (setting.section, setting.key)) == (setting.default or "x")


def test_help_lists_every_flag_with_its_doc():
    result = run_cli("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for flag, setting in declared.FLAGS.items():
        assert flag in text
        assert " ".join(setting.doc.split()) in text
