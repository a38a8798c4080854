"""docs/httpbin.md's list of differences from httpbin is the differential
harness's table (tests/differential/differences.py), rendered: a test fails
when either is edited without the other."""

import os

from differential import doc

from conftest import PROJECT


def read_page():
    with open(os.path.join(PROJECT, doc.PAGE), encoding="utf-8") as handle:
        return handle.read()


def test_the_docs_list_of_differences_is_the_rendered_table():
    page = read_page()
    assert doc.page_with_list(page) == page, (
        "docs/httpbin.md's differences differ from tests/differential/differences.py: run "
        "python -m tests.differential.doc"
    )


def test_a_hand_edit_of_the_list_is_caught():
    page = read_page().replace("Status codes are 200 to 599", "Status codes are 100 to 999")
    assert doc.page_with_list(page) != page


def test_every_entry_of_the_table_is_on_the_page():
    page = read_page()
    for entry in doc.DOCUMENTED:
        assert "**%s**" % entry.title in page
