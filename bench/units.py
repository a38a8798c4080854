"""How the report writes a latency: the one place its format is chosen."""


def ms(value, places=1, width=0):
    """Milliseconds for a report's table: ``value`` to ``places`` decimals,
    right-aligned in ``width`` characters; ``-`` where there is no value."""
    if value is None:
        return "-".rjust(width)
    return "%*.*f" % (width, places, value)
