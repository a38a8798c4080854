"""One access log format for both servers.

A line reads ``[date] client-ip "METHOD /path?query" status length duration``,
for example ``[23/Nov/2026:18:00:00 +0000] 127.0.0.1 "GET /index.html" 200 1024 0ms``,
where length is the response's Content-Length (``-`` when it has none).
gunicorn writes it from ``GUNICORN_FORMAT`` with its own logger (which also
reopens the file on USR1); waitress has no access log, so ``format_line``
writes the same fields for it.  The client IP is the environ's REMOTE_ADDR
after the trusted-proxy rules have run, under both servers.
"""

import logging
import sys
import time

# gunicorn's atoms: t = [CLF date], h = REMOTE_ADDR, m = method,
# {raw_uri}e = the request target as sent, s = status, {content-length}o =
# the response's Content-Length (gunicorn's own byte count misses sendfile),
# M = duration in milliseconds.
GUNICORN_FORMAT = '%(t)s %(h)s "%(m)s %({raw_uri}e)s" %(s)s %({content-length}o)s %(M)sms'

LOGGER_NAME = "wsgi_echo.access"


def clf_now():
    return time.strftime("[%d/%b/%Y:%H:%M:%S %z]")


def format_line(remote_addr, method, target, status, length, millis):
    return '%s %s "%s %s" %s %s %dms' % (
        clf_now(), remote_addr or "-", method or "-", target or "-", status, length, millis)


def make_logger(target):
    """A logger writing bare lines to stdout (``-``) or appending to a file;
    None when the access log is off."""
    if not target:
        return None
    logger = logging.getLogger(LOGGER_NAME)
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if target == "-":
        handler = logging.StreamHandler(sys.stdout)
    else:
        handler = logging.FileHandler(target, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    return logger
