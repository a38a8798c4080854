"""Request path to file: the security rules of the static site, with no I/O
beyond ``realpath`` and ``stat``.

Rules, in order (the order is part of the contract):

1. a path that is not valid UTF-8, is too long, or holds a segment that some
   file system treats specially is 404 (see ``refused_segment``);
2. a path that leaves the root once fully resolved (``..``, symlinks), or
   passes through a dotfile or dot-directory: 404;
3. an existing directory: 301 to the slashed URL, or its index file;
4. an extension not in ``allowed_extensions`` (or none): 403, existing or not;
5. a missing file, or anything that is not a regular file: 404.

Containment is checked on the fully resolved path *before* anything is asked
of the file system about the target, unlike WebOb's ``DirectoryApp``, which
looks for a directory first.

The Windows rules apply on every operating system, so that they are tested
wherever the tests run and a site behaves the same wherever it is served.
They follow the path-joining fixes in werkzeug's ``safe_join`` for reserved
device names (CVE-2025-66221) and drive and UNC paths (CVE-2024-49766).
"""

import os
import re
import stat as stat_module
from typing import NamedTuple

MAX_PATH_BYTES = 4096

# Device names Windows resolves in any folder, with or without an extension
# ("NUL.html" is the NUL device), in any case; COM and LPT also take the
# superscript digits 1-3.
DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"]
    + [
        "%s%s" % (port, digit)
        for port in ("COM", "LPT")
        for digit in "0123456789\u00b9\u00b2\u00b3"
    ]
)
# Characters Windows forbids in file names or reads as wildcards ("<", ">",
# '"' are DOS wildcards to some APIs), ":" (drive letters, alternate data
# streams such as "index.html::$DATA"), backslash (a second separator, and
# UNC "\\host\share" prefixes), and control characters.
_SPECIAL_CHARACTER = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')


class Refusal(Exception):
    """A request the rules refuse: carries the status (403 or 404)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Redirect(Exception):
    """An existing directory asked for without its trailing slash."""


class Found(NamedTuple):
    path: str  # fully resolved, inside the root
    stat: os.stat_result


def refused_segment(segment):
    """Why a path segment is refused on every OS, or "" if it is not.

    Windows ignores trailing dots and spaces ("index.html." opens
    "index.html", skipping the extension rule), opens devices by name, and
    gives ":" and backslash meanings of their own.
    """
    if _SPECIAL_CHARACTER.search(segment):
        return "a character Windows treats specially"
    if segment.endswith((".", " ")):
        return "a trailing dot or space"
    stem = segment.split(".", 1)[0].rstrip(" ").upper()
    if stem in DEVICE_NAMES:
        return "a Windows device name"
    return ""


def stat_or_none(path):
    """os.stat, or None for anything that is not there to serve."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


class Resolver:
    def __init__(self, root, index, allowed_extensions):
        self.root = os.path.realpath(root)
        self.root_prefix = os.path.join(self.root, "")
        self.index = index
        self.allowed = allowed_extensions

    def allowed_name(self, name):
        return os.path.splitext(name)[1].lower() in self.allowed

    def contained(self, candidate):
        """``candidate`` fully resolved, if it stays inside the root and out
        of dotfiles; else Refusal(404)."""
        try:
            real = os.path.realpath(candidate)
        except (OSError, ValueError):
            raise Refusal(404) from None
        if real != self.root and not real.startswith(self.root_prefix):
            raise Refusal(404)  # a symlink led out of the root
        if "%s." % os.sep in real[len(self.root) :]:
            raise Refusal(404)  # ... or into a dotfile
        return real

    def inside(self, candidate):
        """Whether ``candidate`` resolves to a place the rules allow serving
        (inside the root, out of dotfiles): for files found beside the one
        asked for, such as its precompressed siblings."""
        try:
            self.contained(candidate)
        except Refusal:
            return False
        return True

    def segments(self, path_info):
        """The path's segments, or Refusal(404) by rule 1 and the dot rule."""
        raw = path_info.encode("latin-1")
        if len(raw) > MAX_PATH_BYTES:
            raise Refusal(404)
        try:
            relative = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(404) from None
        segments = [segment for segment in relative.split("/") if segment]
        for segment in segments:
            if segment.startswith(".") or refused_segment(segment):
                raise Refusal(404)
        return relative, segments

    def resolve(self, path_info):
        """The file to serve for ``path_info``: Found, or raise Refusal / Redirect."""
        relative, segments = self.segments(path_info)
        real = self.contained(os.path.join(self.root, *segments))
        st = stat_or_none(real)
        if st is not None and stat_module.S_ISDIR(st.st_mode):
            if not relative.endswith("/"):
                raise Redirect()
            if not self.allowed_name(self.index):
                raise Refusal(403)
            # The index may itself be a symlink: resolved and checked like any path.
            real = self.contained(os.path.join(real, self.index))
            if not self.allowed_name(real):
                raise Refusal(403)
            st = stat_or_none(real)
        elif not self.allowed_name(segments[-1] if segments else "") or not self.allowed_name(real):
            raise Refusal(403)
        elif relative.endswith("/"):
            raise Refusal(404)  # a file asked for as if it were a directory
        if st is None or not stat_module.S_ISREG(st.st_mode):
            raise Refusal(404)
        return Found(real, st)
