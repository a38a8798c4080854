"""The request's host, as the client named it.

``Host`` when the client sent one (HTTP/1.1 requires it), else the
server's own name and port, which is what PEP 3333 says to rebuild a URL
from.  Both apps' documents and httpbin's ``/dump/request`` show it.
"""


def host_of(environ):
    host = environ.get("HTTP_HOST")
    if host:
        return host
    return "%s:%s" % (environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", ""))
