"""The record's JSON text, written by hand for speed (``record.entry``), is
what ``json.dumps`` writes for the same record: for hostile header values,
paths and bodies (quotes, backslashes, controls, line separators, UTF-8,
bytes that are not UTF-8, a body cut inside a character), with TLS and
over HTTP/2."""

import base64
import json
import time

import pytest

from wsgi_echo.middleware.body import BUFFERED_BODY
from wsgi_echo.protocol import TLS
from wsgi_echo.record import entry


def wsgi(text):
    """``text`` as a PEP 3333 string: its UTF-8 bytes read as latin-1."""
    return text.encode("utf-8").decode("latin-1")


HOSTILE = 'a "quoted" \\ back\tslash \x01\x1f \u2028 é 中 😀 </script>'
ENVIRON = {
    "REQUEST_METHOD": "POST",
    "SCRIPT_NAME": "",
    "PATH_INFO": wsgi('/echo/"é"\\'),
    "QUERY_STRING": "q=%22",
    "RAW_URI": wsgi('/echo/"é"\\?q=%22'),
    "SERVER_PROTOCOL": "HTTP/1.1",
    "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "8080",
    "REMOTE_ADDR": "127.0.0.1",
    "wsgi.url_scheme": "http",
    "HTTP_HOST": "localhost:8080",
    "HTTP_X_HOSTILE": wsgi(HOSTILE),
    "HTTP_X_NOT_UTF8": "\xff\xfe",
    "CONTENT_TYPE": "text/plain",
    "CONTENT_LENGTH": "3",
    "wsgi.input": None,
}
EXPECTED_HEADERS = [
    ["Host", "localhost:8080"],
    ["X-Hostile", HOSTILE],
    ["X-Not-Utf8", "\ufffd\ufffd"],
    ["Content-Type", "text/plain"],
    ["Content-Length", "3"],
]


def recorded(environ, body, max_body=65536, status="201 Created", seconds=0.0123456):
    environ = dict(environ, **{BUFFERED_BODY: body})
    method, path, captured = entry.capture(environ, 'in"stance')
    text = entry.finish(captured, environ, status, seconds, max_body)
    return method, path, text


def expected(body, body_encoding, size, truncated, tls=None, version="1.1", status=201):
    return {
        "time": None,
        "instance": 'in"stance',
        "client": "127.0.0.1",
        "method": "POST",
        "target": '/echo/"é"\\?q=%22',
        "path": '/echo/"é"\\',
        "http_version": version,
        "scheme": "http",
        "host": "localhost:8080",
        "tls": tls,
        "headers": EXPECTED_HEADERS,
        "body": body,
        "body_encoding": body_encoding,
        "body_size": size,
        "body_truncated": truncated,
        "status": status,
        "duration_ms": 12.346,
    }


def same_as_json_dumps(text, wanted):
    """``text`` is ``json.dumps(wanted)``, compact and not ASCII-escaped,
    byte for byte (the time aside: it is now's)."""
    parsed = json.loads(text)
    wanted = dict(wanted, time=parsed["time"])
    assert parsed == wanted
    assert text == json.dumps(wanted, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize(
    "body, wanted",
    [
        (b"", ("", "utf-8", 0, False)),
        (wsgi(HOSTILE).encode("latin-1"), (HOSTILE, "utf-8", len(HOSTILE.encode()), False)),
        (b"\x00\xff\xfe", (base64.b64encode(b"\x00\xff\xfe").decode(), "base64", 3, False)),
    ],
)
def test_the_text_is_what_json_dumps_writes(body, wanted):
    method, path, text = recorded(ENVIRON, body)
    assert (method, path) == ("POST", '/echo/"é"\\')
    same_as_json_dumps(text, expected(*wanted))


def test_a_body_cut_inside_a_character_keeps_the_whole_ones():
    body = "aé中".encode()  # 1 + 2 + 3 bytes; the cap at 4 cuts 中
    _, _, text = recorded(ENVIRON, body, max_body=4)
    same_as_json_dumps(text, expected("aé", "utf-8", 6, True))


def test_tls_http2_and_a_status_without_digits():
    environ = dict(
        ENVIRON,
        SERVER_PROTOCOL="HTTP/2.0",
        **{
            TLS: {
                "version": "TLSv1.3",
                "cipher": "TLS_AES_128_GCM_SHA256",
                "alpn": "h2",
                "sni": "localhost",
                "client_cert": {"subject": ((("commonName", 'c"n'),),)},
            }
        },
    )
    _, _, text = recorded(environ, b"", status="bad status")
    tls = {
        "version": "TLSv1.3",
        "cipher": "TLS_AES_128_GCM_SHA256",
        "alpn": "h2",
        "sni": "localhost",
        "client_cert": 'commonName=c"n',
    }
    same_as_json_dumps(text, expected("", "utf-8", 0, False, tls, "2", 0))


def test_the_time_is_iso_utc_with_milliseconds_across_seconds():
    # The text up to the second is remembered for a second: a new second,
    # or an older one, gets its own.
    for seconds in (1700000000.5, 1700000000.999, 1700000001.0, 1699999999.25):
        assert entry.iso_time(seconds) == time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)
        ) + ".%03dZ" % (seconds % 1 * 1000)
