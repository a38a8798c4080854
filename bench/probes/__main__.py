"""Run the probes against this tree: ``python -m bench.probes [--only slow,churn]``.

Servers are this tree's ``python -m wsgi_echo`` with the default settings
(``[server] workers = 2, threads = 8`` written out), a scratch site and no
access log, on free 127.0.0.1 ports, started and stopped by PID through
the project's one harness.  Everything stops by itself, in about two
minutes; the table goes to stdout.
"""

import argparse
import importlib.metadata
import platform
import shutil
import sys
import tempfile
import time

from . import churn, multipart, slow
from .common import Table

PROBES = {"slow": slow, "multipart": multipart, "churn": churn}


def versions():
    names = ("gunicorn", "waitress")
    return "python %s, %s" % (
        platform.python_version(),
        ", ".join("%s %s" % (name, importlib.metadata.version(name)) for name in names),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.probes", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--only", default=",".join(PROBES), help="probes to run, of %s" % ", ".join(PROBES)
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(PROBES))
    if unknown:
        parser.error("unknown probes: %s" % ", ".join(unknown))
    if not sys.platform.startswith("linux"):
        sys.exit("the probes read /proc: Linux only")
    table = Table()
    began = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="wsgi-echo-probes-")
    print("probes of this tree: %s; %s" % (", ".join(only), versions()), flush=True)
    try:
        for name in only:
            print("\n%s: %s" % (name, PROBES[name].__doc__.split("\n\n")[0]), flush=True)
            step = time.monotonic()
            PROBES[name].run(table, workdir)
            print("  (%s: %.0f s)" % (name, time.monotonic() - step), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n## Probes, %s: %.0f s\n" % (versions(), time.monotonic() - began))
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
