"""``python -m wsgi_echo``: the same command line as ``wsgi-echo`` (``servers.cli``)."""

import sys

from .servers.cli import main

sys.exit(main())
