"""``/dump/request``: the request as HTTP/1.x text, from go-httpbin.

What Go's ``httputil.DumpRequest`` writes for a request a server received:
the request line with the target as the client sent it, ``Host`` first,
then the other headers sorted by name (each name Title-Cased per
dash-separated word, as Go canonicalises them), a blank line, and the
body.  ``Transfer-Encoding`` is left out, as Go leaves it out: the body
arrives here already de-chunked, with its ``Content-Length``.
"""

from ...middleware.body import read_body
from ...request.header_names import capitalized
from ...request.host import host_of
from ...wsgi_text import request_target
from . import results

TEXT = "text/plain; charset=utf-8"


def dump_request(environ, params, config):
    lines = [
        "%s %s %s"
        % (
            environ["REQUEST_METHOD"],
            request_target(environ),
            environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        ),
        "Host: %s" % host_of(environ),
    ]
    fields = []
    for key, value in environ.items():
        if (
            key.startswith("HTTP_")
            and key
            not in (
                "HTTP_HOST",
                "HTTP_TRANSFER_ENCODING",
                "HTTP_TRAILER",
            )
        ) or (key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value):
            fields.append((capitalized(key), value))
    lines.extend("%s: %s" % field for field in sorted(fields))
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return results.data(head + read_body(environ), TEXT, headers=results.UNTRUSTED)
