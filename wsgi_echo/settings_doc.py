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


def between_markers(page, begin, end, text):
    """``page`` with the lines from marker ``begin`` to marker ``end`` replaced
    by ``text`` (which holds both): a generated part of a hand-written page."""
    start = page.index(begin)
    stop = page.index(end) + len(end) + 1
    return page[:start] + text + page[stop:]


def page_with_table(page):
    """``page`` with the text between the table markers replaced."""
    return between_markers(page, BEGIN_TABLE, END_TABLE, render_table())


def rewrite(path, transform):
    """The file at ``path`` rewritten as ``transform`` of its text."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(transform(text))


def write(project):
    with open(os.path.join(project, "settings.ini"), "w", encoding="utf-8") as handle:
        handle.write(render_ini())
    rewrite(os.path.join(project, TABLE_PAGE), page_with_table)


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.getcwd())
