"""docs/faults.md's table of what each client raises is the fault tests'
table (tests/fault_clients.py), rendered: a test fails when either is edited
without the other."""

import os

import fault_clients

from conftest import PROJECT


def read_page():
    with open(os.path.join(PROJECT, fault_clients.PAGE), encoding="utf-8") as handle:
        return handle.read()


def test_the_docs_table_of_client_errors_is_the_rendered_table():
    page = read_page()
    assert fault_clients.page_with_table(page, PROJECT) == page, (
        "docs/faults.md's client errors differ from tests/fault_clients.py: run "
        "python -m tests.fault_clients"
    )


def test_a_hand_edit_of_the_table_is_caught():
    page = read_page().replace("Empty reply from server", "Empty reply")
    assert page != read_page()
    assert fault_clients.page_with_table(page, PROJECT) != page


def test_every_fault_the_tests_check_is_a_row():
    routes = [route.split("`")[1] for route, _ in fault_clients.ROWS]
    assert sorted(routes) == sorted([*fault_clients.SEEN, "stall", "slow"])


def test_the_placeholder_reads_numbers_only():
    template = fault_clients.STALLED["curl"][1]
    said = "curl: (28) Operation timed out after 503 milliseconds with 0 bytes received"
    assert fault_clients.fits(template, said)
    assert not fault_clients.fits(template, said.replace("503", "a few"))
    assert not fault_clients.fits(template, said.replace("0 bytes", "10 bytes"))
