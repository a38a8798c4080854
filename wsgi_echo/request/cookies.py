"""A ``Cookie`` request header to name -> value (RFC 6265 section 4.2.1).

Written here rather than taken from WebOb: its parser validates names
against the Set-Cookie grammar through a regex and three generator layers,
which cost a third of the whole echo; the request side of the grammar is
``name=value`` pairs split on ";".  httpbin's ``/cookies`` reads the header
as werkzeug does instead (first duplicate wins, backslash escapes), in its
own module.
"""

from ..wsgi_text import decoded


def cookies_of(header):
    """Cookie name to value: pairs without "=" are skipped, surrounding
    double quotes removed, the last duplicate wins; bytes read as UTF-8."""
    cookies = {}
    for pair in decoded(header).split(";"):
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies[name] = value
    return cookies
