"""What each client raises, or curl says, for each fault of ``/fault/...``
over HTTP/1.1, the same under every runner: one table, which
tests/test_httpbin_faults_servers.py asserts and docs/faults.md shows.

In a message, ``N`` stands for a number that changes from run to run (a
port, the milliseconds curl waited, the bytes it got); ``fits`` reads it so.

``python -m tests.fault_clients`` (from the project folder) rewrites the
table in docs/faults.md; tests/test_httpbin_faults_doc.py fails when the page
and the table disagree.  The client versions the page names are the minor
versions setup.cfg's test extra pins.
"""

import configparser
import os
import re
import sys

import httpx
import requests

from wsgi_echo.settings_doc import between_markers, rewrite

CLIENTS = ("requests", "httpx", "curl")

# The faults every client sees at once: (exception type, its message) and
# (curl's exit status, its message).
SEEN = {
    "reset": {
        "requests": (
            requests.exceptions.ConnectionError,
            "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
        ),
        "httpx": (httpx.ReadError, "[Errno 104] Connection reset by peer"),
        "curl": (56, "curl: (56) Recv failure: Connection reset by peer"),
    },
    "close": {
        "requests": (
            requests.exceptions.ConnectionError,
            "('Connection aborted.', "
            "RemoteDisconnected('Remote end closed connection without response'))",
        ),
        "httpx": (httpx.RemoteProtocolError, "Server disconnected without sending a response."),
        "curl": (52, "curl: (52) Empty reply from server"),
    },
    "truncate": {
        "requests": (
            requests.exceptions.ChunkedEncodingError,
            "('Connection broken: IncompleteRead(50 bytes read, 50 more expected)', "
            "IncompleteRead(50 bytes read, 50 more expected))",
        ),
        "httpx": (
            httpx.RemoteProtocolError,
            "peer closed connection without sending complete message body "
            "(received 50 bytes, expected 100)",
        ),
        "curl": (18, "curl: (18) transfer closed with 50 bytes remaining to read"),
    },
    "bad-status-line": {
        "requests": (
            requests.exceptions.ConnectionError,
            "('Connection aborted.', BadStatusLine('HTTP/1.1 2OO OK\\r\\n'))",
        ),
        "httpx": (httpx.RemoteProtocolError, "illegal status line: bytearray(b'HTTP/1.1 2OO OK')"),
        "curl": (1, "curl: (1) Unsupported response code in HTTP response"),
    },
    "bad-chunk": {
        "requests": (
            requests.exceptions.ChunkedEncodingError,
            "(\"Connection broken: InvalidChunkLength(got length b'not-hex\\\\r\\\\n', "
            "0 bytes read)\", InvalidChunkLength(got length b'not-hex\\r\\n', 0 bytes read))",
        ),
        "httpx": (httpx.RemoteProtocolError, "illegal chunk header: bytearray(b'not-hex\\r\\n')"),
        "curl": (56, "curl: (56) Illegal or missing hexadecimal sequence in chunked-encoding"),
    },
}
# A stall of 2 s, read with a timeout of half a second (curl: --max-time 0.5).
READ_TIMEOUT = 0.5
STALLED = {
    "requests": (
        requests.exceptions.ReadTimeout,
        "HTTPConnectionPool(host='127.0.0.1', port=N): Read timed out. (read timeout=0.5)",
    ),
    "httpx": (httpx.ReadTimeout, "timed out"),
    "curl": (28, "curl: (28) Operation timed out after N milliseconds with 0 bytes received"),
}
# 400 bytes at 400 a second, read as above: requests and httpx get them all
# (what they answer is the test's to check); curl gives up partway.
SLOW = {
    "requests": "the whole body, at its rate: a read timeout longer than one pause does not fire",
    "httpx": "the same",
    "curl": (
        28,
        "curl: (28) Operation timed out after N milliseconds with N out of 400 bytes received",
    ),
}
CURL_VERSION = "7.88"  # the curl these messages were taken from, on Linux

PAGE = os.path.join("docs", "faults.md")
BEGIN = "<!-- client errors: written by `python -m tests.fault_clients` -->"
END = "<!-- end of client errors -->"
ROWS = (
    ("`reset`", SEEN["reset"]),
    ("`close`", SEEN["close"]),
    ("`truncate`", SEEN["truncate"]),
    ("`stall` (a read timeout shorter than the stall)", STALLED),
    ("`slow` (curl's `--max-time` shorter than the body takes)", SLOW),
    ("`bad-status-line`", SEEN["bad-status-line"]),
    ("`bad-chunk`", SEEN["bad-chunk"]),
)
NUMBER = re.compile(r"\bN\b")


def fits(template, text):
    """The match of ``text`` against ``template``, each ``N`` a number (its
    group), or None."""
    parts = NUMBER.split(template)
    return re.fullmatch(r"(\d+)".join(re.escape(part) for part in parts), text)


def pinned_minor(project, name):
    """The minor version setup.cfg's test extra holds ``name`` to (``2.34``)."""
    config = configparser.ConfigParser()
    config.read(os.path.join(project, "setup.cfg"))
    extra = config["options.extras_require"]["test"]
    return re.search(r"^%s(?:\[[^]]*\])?>=(\d+\.\d+)" % re.escape(name), extra, re.M).group(1)


def cell(seen):
    if isinstance(seen, str):
        return seen
    what, message = seen
    if isinstance(what, int):  # curl: its exit status, and its message without the prefix
        return "`%d`: %s" % (what, message.removeprefix("curl: (%d) " % what))
    return "`%s: %s`" % (what.__name__, message)


def render(project):
    versions = "requests %s, httpx %s" % (
        pinned_minor(project, "requests"),
        pinned_minor(project, "httpx"),
    )
    lines = [
        BEGIN,
        "What each client raises, as the tests check it under every runner",
        "(`tests/fault_clients.py`; %s and curl %s on Linux: another" % (versions, CURL_VERSION),
        "version may word its message differently). `N` stands for a number that",
        "varies from run to run.",
        "",
        "| route | requests | httpx | curl (exit status: message) |",
        "|---|---|---|---|",
    ]
    for route, seen in ROWS:
        lines.append("| %s | %s |" % (route, " | ".join(cell(seen[client]) for client in CLIENTS)))
    lines.append(END)
    return "\n".join(lines) + "\n"


def page_with_table(page, project):
    """``page`` with the text between the markers replaced."""
    return between_markers(page, BEGIN, END, render(project))


def write(project):
    rewrite(os.path.join(project, PAGE), lambda page: page_with_table(page, project))


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.getcwd())
