"""Settings text from keyword arguments: one way to write a settings file.

``settings_text(server={"threads": 2}, routes={"/": "echo"})`` gives::

    [server]
    threads = 2
    [routes]
    / = echo

Values are written as given (``str()``); a list or tuple is written space
separated.  Sections and keys keep the order they are given in.

``with_keys`` and ``names_record_store`` read and amend settings text that
is given whole (``testing.Server``'s).
"""

import io

from ..settings import ini_parser


def _value(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def settings_text(**sections):
    lines = []
    for section, keys in sections.items():
        lines.append("[%s]" % section)
        for key, value in keys.items():
            lines.append(("%s = %s" % (key, _value(value))).rstrip())
    return "\n".join(lines) + "\n"


def write_settings(path, text=None, **sections):
    """Write ``text`` (or ``settings_text(**sections)``) to ``path``; returns the path."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text if text is not None else settings_text(**sections))
    return str(path)


def with_keys(text, extra):
    """``text`` with the keys of ``extra`` ({section: {key: value}}) set, in the
    sections the text may already have (a test's own ``[tls]`` keys stay)."""
    parser = ini_parser()
    parser.read_string(text)
    for section, keys in extra.items():
        if not parser.has_section(section):
            parser.add_section(section)
        for key, value in keys.items():
            parser.set(section, key, str(value))
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def names_record_store(text):
    """Whether settings ``text`` names a ``[record] store``."""
    parser = ini_parser()
    try:
        parser.read_string(text)
    except Exception:  # not ini text: the server will say what is wrong with it
        return True
    return parser.has_option("record", "store")
