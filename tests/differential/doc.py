"""docs/httpbin.md's list of differences from httpbin, written from the
harness's table (``differences.DOCUMENTED``), so the page says exactly what
the comparison allows.

``python -m tests.differential.doc`` (from the project folder) rewrites the
list in place; tests/test_httpbin_differences_doc.py fails when the page
and the table disagree.
"""

import os
import sys

from wsgi_echo.settings_doc import between_markers, rewrite

from .differences import DOCUMENTED

BEGIN = "<!-- differences: written by `python -m tests.differential.doc` -->"
END = "<!-- end of differences -->"
PAGE = os.path.join("docs", "httpbin.md")
SHOWN_REQUESTS = 4


def _requests(entry):
    shown = ", ".join("`%s`" % pattern for pattern in entry.requests[:SHOWN_REQUESTS])
    more = len(entry.requests) - SHOWN_REQUESTS
    return shown + (" and %d more" % more if more > 0 else "")


def render():
    lines = [BEGIN]
    for entry in DOCUMENTED:
        where = "" if len(entry.servers) > 1 else " (under %s)" % entry.servers[0]
        lines.append(
            "- **%s**%s. %s *Why:* %s Compared: %s."
            % (entry.title, where, entry.what, entry.why, _requests(entry))
        )
    lines.append(END)
    return "\n".join(lines) + "\n"


def page_with_list(page):
    """``page`` with the text between the markers replaced."""
    return between_markers(page, BEGIN, END, render())


def write(project):
    rewrite(os.path.join(project, PAGE), page_with_list)


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.getcwd())
