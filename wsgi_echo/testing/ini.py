"""Settings text from keyword arguments: one way to write a settings file.

``settings_text(server={"threads": 2}, routes={"/": "echo"})`` gives::

    [server]
    threads = 2
    [routes]
    / = echo

Values are written as given (``str()``); a list or tuple is written space
separated.  Sections and keys keep the order they are given in.
"""


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
