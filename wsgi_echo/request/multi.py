"""Pairs (a query, a form, an X.509 name) to a JSON object.

Names may repeat in all of these, and a JSON object cannot hold a key
twice; both apps show the common single value as a plain string and only a
repeated name as a list, as httpbin does.
"""


def multi(pairs):
    """Pairs to an object: one value stays a string, repeats become a list."""
    result = {}
    for key, value in pairs:
        if key in result:
            previous = result[key]
            if isinstance(previous, list):
                previous.append(value)
            else:
                result[key] = [previous, value]
        else:
            result[key] = value
    return result
