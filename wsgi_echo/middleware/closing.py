"""A response iterable with something to do once the server has closed it.

PEP 3333: a server calls the iterable's ``close()`` when it is done with it,
after the last byte or an error, exactly when the answer is over.  A
middleware that must act then (give a slot back, write a log line, record
the request) wraps the app's iterable here, and the app's own ``close()``
still runs first.
"""


def close_then(first, then):
    """A ``close()`` that calls ``first()`` (the app iterable's own close, or
    None), then ``then()``, even when ``first()`` raises."""

    def close():
        try:
            if first is not None:
                first()
        finally:
            then()

    return close


class ClosedThen:
    """The app's iterable, calling ``done()`` once the server has closed it."""

    def __init__(self, iterable, done):
        self.iterable = iterable
        self.close = close_then(getattr(iterable, "close", None), done)

    def __iter__(self):
        return iter(self.iterable)
