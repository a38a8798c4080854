"""The readers of client-written text stay linear on the shapes that made
them quadratic: a part's header line with a long run of spaces inside, a
quoted parameter full of ``;``, an ``X-Echo-Header`` value with spaces
inside, a digest ``Authorization`` with no ``=`` in it.  Each was seconds
of one thread's time for one request; each must now take far less than
``BOUND``, and read what clients really send as it was read before.

The sizes are within what a server lets through when its
``[server] limit_request_field_size`` (at most 65,536) or
``max_request_bytes`` is raised; the time each took before is stated
beside it (one thread on the development machine, idle and under a test
run)."""

import time

import pytest

from wsgi_echo.apps.echo.shaping import ShapingError, parse_headers
from wsgi_echo.apps.httpbin.auth import digest_credentials
from wsgi_echo.request.forms import boundary_of
from wsgi_echo.request.multipart import Part, parts
from wsgi_echo.request.parameters import parameters

# Seconds: each shape took 1.8 s or more before (stated beside each) and
# takes 10 ms or less now; the bound leaves room for a loaded machine and
# still fails the old code nine times over.
BOUND = 0.2


def timed(call, *args):
    started = time.perf_counter()
    result = call(*args)
    return result, time.perf_counter() - started


def multipart(head, content=b"x"):
    return b"--B\r\n" + head + b"\r\n\r\n" + content + b"\r\n--B--\r\n"


def test_a_part_header_line_with_a_long_run_of_spaces_inside_its_value():
    # Before: 5.5 to 6.8 s.
    line = b"Content-Disposition: form-data; name=x" + b" " * 48000 + b"x"
    found, seconds = timed(parts, multipart(line), "B")
    assert found == [Part("x" + " " * 48000 + "x", None, None, b"x")]
    assert seconds < BOUND


def test_a_quoted_name_full_of_semicolons():
    # Before: 1.8 to 2.2 s.
    line = b'Content-Disposition: form-data; name="' + b";" * 40000 + b'"'
    found, seconds = timed(parts, multipart(line), "B")
    assert found == [Part(";" * 40000, None, None, b"x")]
    assert seconds < BOUND


def test_a_quoted_boundary_full_of_semicolons():
    # Before: 2.7 s.
    boundary, seconds = timed(boundary_of, 'multipart/form-data; boundary="%s"' % (";" * 60000))
    assert boundary == ";" * 60000
    assert seconds < BOUND


def test_an_echo_header_value_with_a_long_run_of_spaces_inside():
    # Before: 3.7 s (0.17 s at the default field size, 8 KB).
    value = "X-A: a" + " " * 32000 + "b"
    found, seconds = timed(parse_headers, value)
    assert found == (("X-A", "a" + " " * 32000 + "b"),)
    assert seconds < BOUND


def test_a_digest_authorization_that_never_reaches_an_equals_sign():
    # Before: 6.1 s (0.5 s at 8,000 characters).
    found, seconds = timed(digest_credentials, "Digest " + "a" * 24000)
    assert found == {}
    assert seconds < BOUND


# -- what clients send is read as before ------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [('form-data; name="f"', {"form-data": "", "name": "f"}),
     ('form-data; name="f"; filename="a b.txt"', {"form-data": "", "name": "f",
                                                  "filename": "a b.txt"}),
     ("form-data; NAME=f ; Filename=a.txt", {"form-data": "", "name": "f",
                                             "filename": "a.txt"}),
     ('form-data; name="a;b"; filename="c\\"d.txt"', {"form-data": "", "name": "a;b",
                                                       "filename": 'c"d.txt'}),
     ('form-data; name="f"; filename="C:\\Users\\a.txt"', {"form-data": "", "name": "f",
                                                           "filename": "C:\\Users\\a.txt"}),
     ('form-data; name="f"; name="g"', {"form-data": "", "name": "f"}),
     ("form-data; name", {"form-data": "", "name": ""}),
     ('form-data; name=""', {"form-data": "", "name": ""}),
     ("form-data; filename*=UTF-8''%e2%82%ac", {"form-data": ""}),
     ("multipart/form-data; boundary=----x", {"multipart/form-data": "", "boundary": "----x"}),
     ('multipart/form-data; boundary="a b"', {"multipart/form-data": "", "boundary": "a b"})],
)  # fmt: skip
def test_parameters_are_read_as_email_get_param_read_them(value, expected):
    assert parameters(value) == expected


@pytest.mark.parametrize(
    "text, pairs",
    [("X-A: 1", (("X-A", "1"),)), ("  X-A :  1 2  ", (("X-A", "1 2"),)),
     ("X-A: 1, X-B: 2", (("X-A", "1"), ("X-B", "2"))),
     ("Cache-Control: max-age=5, public", (("Cache-Control", "max-age=5, public"),)),
     ("X-A:", (("X-A", ""),)), ("X-A:\t v \t", (("X-A", "v"),))],
)  # fmt: skip
def test_echo_header_pairs_are_read_as_before(text, pairs):
    assert parse_headers(text) == pairs


@pytest.mark.parametrize("text", ["X-A", ": v", "Bad Name: v", "X-Ctl: a\x01b"])
def test_echo_header_pairs_that_are_no_pairs_are_refused_as_before(text):
    with pytest.raises(ShapingError):
        parse_headers(text)


def test_digest_credentials_are_read_as_before():
    header = (
        'Digest username="u", realm="wsgi-echo httpbin", nonce="n1", '
        'uri="/digest-auth/auth/u/p?a=1,b", response="r", opaque="o", qop=auth, '
        'nc=00000001, cnonce="c\\"d", algorithm=MD5'
    )
    assert digest_credentials(header) == {
        "username": "u",
        "realm": "wsgi-echo httpbin",
        "nonce": "n1",
        "uri": "/digest-auth/auth/u/p?a=1,b",
        "response": "r",
        "opaque": "o",
        "qop": "auth",
        "nc": "00000001",
        "cnonce": 'c"d',
        "algorithm": "MD5",
    }
    assert digest_credentials("Basic dTpw") is None
