"""The HTML pages the package serves itself (the httpbin mount's index, and
pages like it): one stylesheet, in the demo site's look, inlined so that a
page works wherever its app is mounted, with no static site beside it."""

import os
from functools import cache

FOLDER = os.path.dirname(os.path.abspath(__file__))


@cache
def stylesheet():
    """The pages' CSS, read once."""
    with open(os.path.join(FOLDER, "style.css"), encoding="utf-8") as handle:
        return handle.read()


def page(title, body):
    """A whole page: ``title`` (text, escaped by the caller) and ``body`` (HTML)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n%s\n</body>\n</html>\n"
        % (title, stylesheet(), body)
    )
