"""What the ``test_server_seams_*`` modules share: a check whose failure
names the server attribute that is gone and the code of ours that needs it,
so an upgrade of gunicorn or waitress that moves one fails clearly there,
rather than as a wrong status somewhere in the server tests."""

import inspect


def has(owner, name, why):
    """``owner.name`` is there; ``why``: the module that uses it, and how."""
    assert hasattr(owner, name), "%s.%s is gone; %s" % (
        getattr(owner, "__name__", type(owner).__name__),
        name,
        why,
    )


def says(function, text, why):
    """``function``'s source still contains ``text`` (for what a server does
    inside a method, which no attribute shows)."""
    assert text in inspect.getsource(function), "%s no longer does %r; %s" % (
        function.__qualname__,
        text,
        why,
    )
