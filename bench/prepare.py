"""What a benchmark run needs before it starts: its tools (installed with
apt-get when it runs as root), a document root of known files, and the
targets' settings."""

import os
import shutil
import struct
import subprocess
import sys
import zlib

from wsgi_echo.testing.ini import write_settings as write_settings_file


def ensure_tools():
    tools = ("wrk", "nginx", "taskset", "h2load", "redis-server")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    packages = {
        "wrk": "wrk",
        "nginx": "nginx",
        "taskset": "util-linux",
        "h2load": "nghttp2-client",
        "redis-server": "redis-server",
    }
    names = sorted({packages[tool] for tool in missing})
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing %s with apt-get ..." % " ".join(names), flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *names],
            check=True,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        return
    sys.exit(
        "make bench needs %s; install them first, e.g.: sudo apt-get install %s"
        % (", ".join(missing), " ".join(names))
    )


def png_bytes(width, height, seed=7):
    """A valid PNG of noisy pixels (so it does not compress away)."""
    state = seed
    rows = []
    for _ in range(height):
        row = bytearray([0])
        for _ in range(width * 3):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            row.append((state >> 16) & 0xFF)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def make_docroot(folder):
    os.makedirs(folder)
    page = "<!doctype html><title>bench</title><p>%s</p>\n"
    filler = "x" * (1024 - len(page % ""))
    with open(os.path.join(folder, "index.html"), "w") as handle:
        handle.write(page % filler)
    with open(os.path.join(folder, "image.png"), "wb") as handle:
        handle.write(png_bytes(128, 130))
    with open(os.path.join(folder, "large.txt"), "wb") as handle:
        line = b"wsgi-echo benchmark large file line\n"
        handle.write((line * (10 * 1024 * 1024 // len(line) + 1))[: 10 * 1024 * 1024])
    return folder


def write_settings(workdir, docroot):
    """The targets' settings, with recording off: the speed rows measure what
    they measured before there was a record, so their ratios compare with
    earlier runs; the recording group (``recording``) measures the record."""
    return write_settings_file(
        os.path.join(workdir, "bench-settings.ini"),
        server={"workers": 1, "threads": 4, "keepalive": 5},
        static={"root": docroot},
        log={"access_log": ""},
        record={"enabled": False},
    )
