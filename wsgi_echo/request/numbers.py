"""Whole numbers as clients write them in a header, a path or a query: one
reading for every app.

ASCII decimal digits (and a leading minus where a sign is allowed), around
them nothing but whitespace, and at most ``digits`` of them.  ``int()``
alone takes more: ``+5``, ``1_000``, other scripts' digits (``"٣"``), and
it refuses past 4,300 digits with a ``ValueError`` (Python 3.11's guard
against its quadratic conversion), which a caller that expects only "not a
number" would answer with a 500.  The cap on digits keeps every number a
client can send cheap to read and within what an app can hold.
"""


def whole_number(text, digits, signed=False):
    """The int ``text`` writes, or None when it is no whole number of at
    most ``digits`` digits."""
    text = text.strip()
    negative = signed and text.startswith("-")
    figures = text[1:] if negative else text
    if not (0 < len(figures) <= digits and figures.isascii() and figures.isdigit()):
        return None
    return -int(figures) if negative else int(figures)
