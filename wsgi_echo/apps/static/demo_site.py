"""Where the demo site is: the site the default static mount serves when no
root is configured and there is no ``htdocs`` folder where wsgi-echo runs.

The project's top-level ``htdocs/`` is the site's one source.  A wheel carries
it as the package folder ``wsgi_echo/htdocs`` (``package_dir`` in setup.cfg);
a source checkout (an editable install, ``make run``) has only the original,
one folder above the package.
"""

import os

PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGED = os.path.join(PACKAGE, "htdocs")
CHECKOUT = os.path.join(os.path.dirname(PACKAGE), "htdocs")


def demo_site():
    """The demo site's folder: the wheel's copy, else the checkout's."""
    return PACKAGED if os.path.isdir(PACKAGED) else CHECKOUT
