"""The shipped ``settings.ini`` and the settings table of ``docs/settings.md``,
written from the declarations in ``settings``, so the three cannot say
different things.

``python -m wsgi_echo.settings_doc`` rewrites both files in place in the
project folder; a test fails when either differs from what this renders.
"""

import os
import sys

from . import settings as declared

BEGIN_TABLE = "<!-- settings table: written by `python -m wsgi_echo.settings_doc` -->"
END_TABLE = "<!-- end of settings table -->"

INI_HEADER = """\
; wsgi-echo settings. Every key is optional: a missing key takes the default
; shown here. Relative paths resolve against this file's folder. An unknown
; section or key, or a bad value, stops start-up with one line naming the
; file, section, key and value. The comments are written from the
; declarations in wsgi_echo/settings/declarations.py (python -m wsgi_echo.settings_doc).
"""


def render_ini():
    lines = [INI_HEADER]
    for section, doc in declared.SECTIONS.items():
        lines.append("; %s" % doc.replace("`", ""))
        lines.append("[%s]" % section)
        for setting in declared.BY_SECTION[section].values():
            lines.append("; %s" % setting.doc.replace("`", ""))
            lines.append(("%s = %s" % (setting.key, setting.default)).rstrip())
        lines.append("")
    lines.append("; %s" % declared.ROUTES_DOC)
    lines.append("[routes]")
    for prefix, kind in declared.DEFAULT_ROUTES:
        lines.append("%s = %s" % (prefix, kind))
    return "\n".join(lines) + "\n"


def _cell(text):
    return text.replace("|", "\\|")


def render_table():
    rows = [BEGIN_TABLE, "| section | key | default | flag | meaning |", "|---|---|---|---|---|"]
    for setting in declared.DECLARATIONS:
        rows.append(
            "| `[%s]` | `%s` | %s | %s | %s |"
            % (
                setting.section,
                setting.key,
                "`%s`" % setting.default if setting.default else "(empty)",
                "`%s`" % setting.flag if setting.flag else "",
                _cell(setting.doc),
            )
        )
    routes = ", ".join("`%s = %s`" % pair for pair in declared.DEFAULT_ROUTES)
    rows.append("| `[routes]` | a path prefix | %s | | %s |" % (routes, _cell(declared.ROUTES_DOC)))
    rows.append(END_TABLE)
    return "\n".join(rows) + "\n"


# The page that holds the table, relative to the project folder.
TABLE_PAGE = os.path.join("docs", "settings.md")


def page_with_table(page):
    """``page`` with the text between the table markers replaced."""
    start = page.index(BEGIN_TABLE)
    end = page.index(END_TABLE) + len(END_TABLE) + 1
    return page[:start] + render_table() + page[end:]


def write(project):
    with open(os.path.join(project, "settings.ini"), "w", encoding="utf-8") as handle:
        handle.write(render_ini())
    page_path = os.path.join(project, TABLE_PAGE)
    with open(page_path, encoding="utf-8") as handle:
        page = handle.read()
    with open(page_path, "w", encoding="utf-8") as handle:
        handle.write(page_with_table(page))


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.getcwd())
