"""httpbin's status lines and its two pages for a request no route takes.

httpbin is a Flask app, so its status lines are Werkzeug's: the reason
phrase from Werkzeug's table in upper case (``418 I'M A TEAPOT``, ``302
FOUND``), ``UNKNOWN`` for a code the table lacks.  Clients' test suites
print and compare those lines, so this app writes them too (a data table:
Werkzeug 3.1's phrases).  A path that is no route and a method a route
does not take get Werkzeug's HTML pages, as in httpbin.
"""

PHRASES = {
    100: "CONTINUE",
    101: "SWITCHING PROTOCOLS",
    102: "PROCESSING",
    103: "EARLY HINTS",
    200: "OK",
    201: "CREATED",
    202: "ACCEPTED",
    203: "NON AUTHORITATIVE INFORMATION",
    204: "NO CONTENT",
    205: "RESET CONTENT",
    206: "PARTIAL CONTENT",
    207: "MULTI STATUS",
    208: "ALREADY REPORTED",
    226: "IM USED",
    300: "MULTIPLE CHOICES",
    301: "MOVED PERMANENTLY",
    302: "FOUND",
    303: "SEE OTHER",
    304: "NOT MODIFIED",
    305: "USE PROXY",
    306: "SWITCH PROXY",
    307: "TEMPORARY REDIRECT",
    308: "PERMANENT REDIRECT",
    400: "BAD REQUEST",
    401: "UNAUTHORIZED",
    402: "PAYMENT REQUIRED",
    403: "FORBIDDEN",
    404: "NOT FOUND",
    405: "METHOD NOT ALLOWED",
    406: "NOT ACCEPTABLE",
    407: "PROXY AUTHENTICATION REQUIRED",
    408: "REQUEST TIMEOUT",
    409: "CONFLICT",
    410: "GONE",
    411: "LENGTH REQUIRED",
    412: "PRECONDITION FAILED",
    413: "REQUEST ENTITY TOO LARGE",
    414: "REQUEST URI TOO LONG",
    415: "UNSUPPORTED MEDIA TYPE",
    416: "REQUESTED RANGE NOT SATISFIABLE",
    417: "EXPECTATION FAILED",
    418: "I'M A TEAPOT",
    421: "MISDIRECTED REQUEST",
    422: "UNPROCESSABLE ENTITY",
    423: "LOCKED",
    424: "FAILED DEPENDENCY",
    425: "TOO EARLY",
    426: "UPGRADE REQUIRED",
    428: "PRECONDITION REQUIRED",
    429: "TOO MANY REQUESTS",
    431: "REQUEST HEADER FIELDS TOO LARGE",
    449: "RETRY WITH",
    451: "UNAVAILABLE FOR LEGAL REASONS",
    500: "INTERNAL SERVER ERROR",
    501: "NOT IMPLEMENTED",
    502: "BAD GATEWAY",
    503: "SERVICE UNAVAILABLE",
    504: "GATEWAY TIMEOUT",
    505: "HTTP VERSION NOT SUPPORTED",
    506: "VARIANT ALSO NEGOTIATES",
    507: "INSUFFICIENT STORAGE",
    508: "LOOP DETECTED",
    510: "NOT EXTENDED",
    511: "NETWORK AUTHENTICATION FAILED",
}

STATUS_LINES = {code: "%d %s" % (code, PHRASES.get(code, "UNKNOWN")) for code in range(100, 600)}

_PAGE = "<!doctype html>\n<html lang=en>\n<title>%d %s</title>\n<h1>%s</h1>\n<p>%s</p>\n"
NOT_FOUND_PAGE = (
    _PAGE
    % (
        404,
        "Not Found",
        "Not Found",
        "The requested URL was not found on the server. If you entered the URL manually "
        "please check your spelling and try again.",
    )
).encode("ascii")
METHOD_NOT_ALLOWED_PAGE = (
    _PAGE
    % (
        405,
        "Method Not Allowed",
        "Method Not Allowed",
        "The method is not allowed for the requested URL.",
    )
).encode("ascii")
