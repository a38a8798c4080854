"""waitress's request parser, made to refuse what gunicorn refuses.

``Parser.parse_header`` joins repeated header lines with "," as gunicorn
does (waitress joins them with ", "), so an app sees the same value under
both servers, and httpbin's value (it runs under gunicorn), and refuses,
with gunicorn's status: a request line over
``limit_request_line`` (414), too many or too long header fields (431,
counted as gunicorn counts them), a second Host line or obsolete line
folding (400), and request framing that RFC 9112 section 6.1 says must not
be trusted: Transfer-Encoding with Content-Length, chunked twice, chunked in
HTTP/1.0, or codings that do not end in chunked (400); codings other than
chunked (501).  It also drops ``Expect: 100-continue`` from a request
without a body, which waitress would otherwise leave waiting for one.

``Parser.received`` turns waitress's own error for such a request into a
JSON one with that status (through waitress's documented
``Error.to_response``), and enforces ``header_timeout`` and
``body_timeout`` as deadlines that trickling bytes cannot reset (waitress's
``channel_timeout`` restarts with every byte).

waitress receives a whole body before the app runs, up to one limit for
every request (``max_request_body_size``, which must let the largest
route's body through); the parser holds each request to its own route's
limit instead (the app's ``body_limit``), so a body too large for its
route is refused (413) as soon as that is known, not received first.
"""

import time

from waitress.parser import HTTPRequestParser, ParsingError
from waitress.utilities import Error

from ... import errors
from ...middleware.body import too_large

# Transfer codings gunicorn hands on (before chunked) and we then refuse.
KNOWN_CODINGS = ("compress", "deflate", "gzip")
# Room above a body limit for chunked framing, which waitress counts with
# the body; the exact limits are the app's (middleware.body).
BODY_SLACK = 64 * 1024


class JSONError(Error):
    """waitress's error response, in the app's JSON error shape."""

    def __init__(self, code, detail, **fields):
        super().__init__(detail)
        self.code, self.reason, self.fields = code, errors.reason(code), fields

    def to_response(self, ident=None):
        body = errors.json_error_body(self.code, self.body, **self.fields)
        return errors.status_line(self.code), [("Content-Type", "application/json")], body


def framing_refusal(version, headers):
    """(status, reason) for request framing gunicorn refuses, or None.

    ``headers`` maps waitress's header keys (``TRANSFER_ENCODING``) to values.
    The rules and their order follow gunicorn's ``set_body_reader``.
    """
    coding_header = headers.get("TRANSFER_ENCODING")
    if coding_header is None:
        return None
    chunked = False
    not_implemented = None
    for coding in (item.strip(" \t").lower() for item in coding_header.split(",")):
        if coding == "chunked":
            if chunked:
                return 400, "Transfer-Encoding applies chunked twice"
            chunked = True
        elif coding == "identity" or coding in KNOWN_CODINGS:
            if chunked:
                return 400, "Transfer-Encoding must end with chunked"
            if coding != "identity":
                not_implemented = coding
        elif coding:
            return 501, "Transfer-Encoding %s is not implemented" % coding
    if not chunked:
        return 400, "Transfer-Encoding must end with chunked"
    if version != "1.1":
        return 400, "Transfer-Encoding in an HTTP/1.0 request"
    if "CONTENT_LENGTH" in headers:
        return 400, "Transfer-Encoding together with Content-Length"
    if not_implemented:
        return 501, "Transfer-Encoding %s is not implemented" % not_implemented
    return None


def header_values(lines, wanted):
    """``{NAME: "joined,values"}`` for the header names in ``wanted``
    (waitress's keys: upper case, "_" for "-"), read from raw header lines,
    repeated lines joined with ",", as gunicorn joins them.

    A name with "_" in it is skipped, as waitress and gunicorn drop it: in
    waitress's keys ``X_Forwarded_For`` would be ``X-Forwarded-For``, and a
    client could add its own address to the one a trusted proxy appended,
    or a length to the request's ``Content-Length``."""
    found = {}
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon or b"_" in name:
            continue
        key = name.strip().decode("latin-1").upper().replace("-", "_")
        if key in wanted:
            value = value.strip(b" \t").decode("latin-1")
            found[key] = found[key] + "," + value if key in found else value
    return found


class Parser(HTTPRequestParser):
    # Set per server by ``channel_class``: (request line, fields, field size).
    limits = (0, 0, 0)
    header_timeout = body_timeout = 0
    # The app's body_limit(method, path), or None: set by ``channel_class``.
    body_limit = None
    # What an error task may read of a request refused before parsing.
    path = request_uri = command = ""

    def __init__(self, adj):
        super().__init__(adj)
        self.refusal = None
        self.own_limit = None  # this request's body limit, once its head is read
        # The parser is made when a request's first bytes arrive.
        self.deadline = time.monotonic() + self.header_timeout

    def parse_header(self, header_plus):
        # Whole-buffer operations (split, max, count) rather than a Python
        # loop per line: this runs on every request waitress reads.
        line_limit, fields_limit, size_limit = self.limits
        first_line, _, rest = header_plus.partition(b"\r\n")
        if line_limit and len(first_line) > line_limit:
            self.refuse(414, "the request line is longer than %d bytes" % line_limit)
        rest = rest.rstrip(b"\r\n")  # the header block ends with its blank line
        lines = rest.split(b"\r\n") if rest else []
        if len(lines) > fields_limit:
            self.refuse(431, "more than %d header fields" % fields_limit)
        if lines and max(map(len, lines)) + 2 > size_limit:
            self.refuse(431, "a header field is longer than %d bytes" % size_limit)
        if b"\r\n " in header_plus or b"\r\n\t" in header_plus:
            self.refuse(400, "obsolete line folding in a header field")
        lowered = header_plus.lower()
        if lowered.count(b"\r\nhost:") > 1:
            self.refuse(400, "more than one Host header field")
        if b"transfer-encoding" in lowered:
            version = first_line.rstrip().rpartition(b"/")[2].decode("latin-1")
            refusal = framing_refusal(
                version, header_values(lines, ("TRANSFER_ENCODING", "CONTENT_LENGTH"))
            )
            if refusal is not None:
                self.refuse(*refusal)
        super().parse_header(header_plus)
        if len(lines) > len(self.headers):  # a name came twice (or was dropped)
            self.headers.update(header_values(lines, self.headers.keys()))
        if self.body_rcv is not None:
            self.deadline = time.monotonic() + self.body_timeout
            if self.body_limit is not None:
                path = "/" + self.path.lstrip("/") if self.path.startswith("/") else self.path
                self.own_limit = self.body_limit(self.command, path)
                if self.content_length > self.own_limit:
                    refused = too_large(self.own_limit)
                    self.refuse(refused.status, refused.detail, **refused.fields)
        else:
            # Nothing to continue with: waitress would send "100 Continue"
            # and then wait for a body that is not coming (RFC 9110 section
            # 10.1.1 lets a server skip the 100 when there is no content).
            self.expect_continue = False

    def refuse(self, code, detail, **fields):
        self.refusal = (code, detail, fields)
        raise ParsingError(detail)  # waitress answers it as a 400; received() corrects it

    def overdue(self, now):
        return not self.completed and now > self.deadline

    def received(self, data):
        if self.overdue(time.monotonic()):
            what = "request body" if self.headers_finished else "request headers"
            timeout = self.body_timeout if self.headers_finished else self.header_timeout
            self.error = JSONError(
                408, "the %s did not arrive within %d seconds" % (what, timeout), limit=timeout
            )
            self.completed = True
            return len(data)
        consumed = super().received(data)
        error = self.error
        if error is not None and not isinstance(error, JSONError):
            if self.refusal is not None:
                code, detail, fields = self.refusal
                self.error = JSONError(code, detail, **fields)
            else:
                self.error = JSONError(error.code, error.body)
        elif (
            self.own_limit is not None
            and not self.completed
            and self.body_bytes_received > self.own_limit + BODY_SLACK
        ):  # a chunked body past its route's limit
            refused = too_large(self.own_limit)
            self.error = JSONError(refused.status, refused.detail, **refused.fields)
            self.completed = True
        return consumed
