"""A record in the shapes besides JSON: the raw HTTP message, a curl
command that sends it again, and a list of records as HAR 1.2
(http://www.softwareishard.com/blog/har-12-spec/), for browsers' and
proxies' tools.  Pure functions of decoded records."""

import base64
import shlex
from urllib.parse import parse_qsl

from ... import __version__

# Framing and connection headers: curl writes its own.
CURL_SKIPS = frozenset(("host", "content-length", "transfer-encoding", "connection"))


def body_bytes(record):
    if record.get("body_encoding") == "base64":
        return base64.b64decode(record["body"])
    return record.get("body", "").encode("utf-8")


def url_of(record):
    return "%s://%s%s" % (record["scheme"], record["host"], record["target"])


def raw_http(record):
    """The request as an HTTP/1.1 message: request line, headers, blank line, body."""
    version = "HTTP/%s" % record["http_version"]
    lines = ["%s %s %s" % (record["method"], record["target"], version)]
    lines += ["%s: %s" % (name, value) for name, value in record["headers"]]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head + body_bytes(record)


# Bytes a printf format may carry as they are: printable ASCII but for the
# format's own escapes (backslash, percent) and the quote that encloses it.
_PRINTF_PLAIN = frozenset(range(0x20, 0x7F)) - frozenset(b"\\%'")


def printf_format(data):
    """``data`` as a printf format that writes it back byte for byte.

    Written by hand because no library does it for POSIX ``sh``: every other
    byte as a three-digit octal escape, the one escape POSIX printf defines
    for any byte (dash's printf, /bin/sh on Debian, knows no ``\\x``)."""
    return "".join(chr(byte) if byte in _PRINTF_PLAIN else "\\%03o" % byte for byte in data)


def _needs_stdin(record, body):
    """Whether the body goes through printf and curl's standard input: bytes
    that are not text, text holding a NUL (no shell word can carry one), or
    text starting with ``@``, which curl reads as a file name to send."""
    if record.get("body_encoding") == "base64":
        return True
    return body.startswith(b"@") or b"\0" in body


def curl_command(record):
    """A shell command that sends the request again with curl.

    Every word is quoted for POSIX ``sh`` (``shlex.quote``): the method, the
    URL and the headers are the sender's to choose, and the command is run by
    whoever pastes it.  A body curl cannot take as a word goes through
    ``printf``; a cut body is said so in a comment."""
    words = ["curl"]
    method = record["method"]
    body = body_bytes(record)
    if method == "HEAD" and not body:
        words.append("--head")
    elif (method != "GET" or body) and not (method == "POST" and body):
        # With a body curl sends POST unless told otherwise.
        words += ["-X", method]
    if record["http_version"] == "2":
        words.append("--http2")
    url = url_of(record)
    if any(glob in url for glob in "[]{}"):
        words.append("--globoff")  # curl reads [1-3] and {a,b} in a URL as patterns
    words.append(url)
    for name, value in record["headers"]:
        if name.lower() not in CURL_SKIPS:
            words += ["-H", "%s: %s" % (name, value)]
    prefix = ""
    if body:
        if _needs_stdin(record, body):
            prefix = "printf '%s' | " % printf_format(body)
            words += ["--data-binary", "@-"]
        else:
            words += ["--data-binary", record["body"]]
    command = prefix + " ".join(map(shlex.quote, words))
    if record.get("body_truncated"):
        command = "# the body was cut at %d of %d bytes\n%s" % (
            len(body),
            record["body_size"],
            command,
        )
    return command + "\n"


def _pairs(items):
    return [{"name": name, "value": value} for name, value in items]


def har_entry(record):
    headers = record["headers"]
    content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
    query = record["target"].partition("?")[2]
    request = {
        "method": record["method"],
        "url": url_of(record),
        "httpVersion": "HTTP/%s" % record["http_version"],
        "cookies": [],
        "headers": _pairs(headers),
        "queryString": _pairs(parse_qsl(query, keep_blank_values=True)),
        "headersSize": -1,
        "bodySize": record["body_size"],
    }
    if record["body_size"]:
        request["postData"] = {"mimeType": content_type, "text": record["body"]}
        if record["body_encoding"] == "base64":
            request["postData"]["_encoding"] = "base64"
    return {
        "startedDateTime": record["time"],
        "time": record["duration_ms"],
        "request": request,
        "response": {
            "status": record["status"],
            "statusText": "",
            "httpVersion": "HTTP/%s" % record["http_version"],
            "cookies": [],
            "headers": [],
            "content": {"size": -1, "mimeType": ""},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": record["duration_ms"], "receive": 0},
        "_id": record["id"],
        "_instance": record["instance"],
        "_client": record["client"],
    }


def har(records):
    """HAR 1.2 of ``records`` (newest first, as the list gives them; HAR
    tools sort by ``startedDateTime``)."""
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "wsgi-echo", "version": __version__},
            "entries": [har_entry(record) for record in records],
        }
    }
