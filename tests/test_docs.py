"""The docs a newcomer reads: the README stays short, every relative link in
it and in docs/ resolves (the file, and the heading an anchor names), and
every example request's answer has the keys the docs show, in their order,
when the example is run against a real server."""

import json
import os
import re
import subprocess
from itertools import pairwise

import pytest

from conftest import PROJECT, settings_text

PAGES = [
    "README.md",
    "deploy/README.md",
    *sorted(
        os.path.join("docs", name)
        for name in os.listdir(os.path.join(PROJECT, "docs"))
        if name.endswith(".md")
    ),
]
README_LINES = 150
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
EXAMPLE_HOST = "http://localhost:8080"


def read(page):
    with open(os.path.join(PROJECT, page), encoding="utf-8") as handle:
        return handle.read()


def anchors(text):
    """GitHub's anchors for a page's headings."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def broken_links(page, text):
    broken = []
    for target in LINK.findall(FENCE.sub("", text)):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        resolved = (
            os.path.normpath(os.path.join(PROJECT, os.path.dirname(page), path))
            if path
            else os.path.join(PROJECT, page)
        )
        if not os.path.exists(resolved) or (
            anchor
            and resolved.endswith(".md")
            and anchor not in anchors(read(os.path.relpath(resolved, PROJECT)))
        ):
            broken.append(target)
    return broken


def test_the_readme_is_short():
    assert len(read("README.md").splitlines()) <= README_LINES


@pytest.mark.parametrize("page", PAGES)
def test_every_relative_link_resolves(page):
    assert broken_links(page, read(page)) == []


def test_the_link_check_sees_a_broken_file_and_a_broken_anchor():
    text = (
        "[a](docs/echo.md) [b](docs/missing.md) [c](docs/echo.md#the-keys-in-order) "
        "[d](docs/echo.md#no-such-heading) [e](https://example.com/x)"
    )
    assert broken_links("README.md", text) == ["docs/missing.md", "docs/echo.md#no-such-heading"]


def examples():
    """(page, command, shown JSON) for every sh block with a curl to the
    example host that a json block follows."""
    found = []
    for page in PAGES:
        blocks = FENCE.findall(read(page))
        for (kind, body), (next_kind, next_body) in pairwise(blocks):
            if kind == "sh" and "curl" in body and EXAMPLE_HOST in body and next_kind == "json":
                found.append((page, body.strip(), next_body))
    return found


def key_order(document):
    return list(document) if isinstance(document, dict) else type(document).__name__


def test_the_docs_have_examples_to_run():
    pages = {page for page, _, _ in examples()}
    assert {"README.md", "docs/echo.md", "docs/httpbin.md"} <= pages


@pytest.fixture(scope="module")
def default_server(module_starter):
    """The default mount table (demo site, echo, httpbin), as `wsgi-echo` serves it."""
    return module_starter("gunicorn", settings_text(server={"workers": 1, "threads": 4}))


@pytest.mark.server
@pytest.mark.usefixtures("curl_required")
@pytest.mark.parametrize(
    "page, command, shown",
    examples(),
    ids=["%s:%d" % (page, n) for n, (page, _, _) in enumerate(examples())],
)
def test_each_example_answers_with_the_keys_it_shows(default_server, page, command, shown):
    live = command.replace(EXAMPLE_HOST, "http://127.0.0.1:%d" % default_server.port)
    result = subprocess.run(["bash", "-c", live], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert key_order(json.loads(result.stdout)) == key_order(json.loads(shown))
