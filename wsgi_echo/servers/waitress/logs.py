"""waitress's logging: its error log, one queue warning per interval, and
log files reopened on USR1."""

import logging
import sys
import time


def reopen_log_files():
    """What logrotate's USR1 asks: close every log file so the next line
    opens the file now at that path."""
    for logger in [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.FileHandler):
                with handler.lock:
                    handler.close()  # reopened on the next emit


class QueueWarningThrottle(logging.Filter):
    """Let one "Task queue depth is N" warning through per ``interval`` seconds.

    waitress logs it for every request that finds all threads busy: under
    steady load that is a formatted stderr write for a quarter of all
    requests (5,000 lines in 3 s measured here), which both floods the log
    and slows the server it warns about.  One line per interval still says
    the server is saturated.
    """

    def __init__(self, interval=10.0):
        super().__init__()
        self.interval = interval
        self.next_allowed = 0.0

    def filter(self, record):
        now = time.monotonic()
        if now < self.next_allowed:
            return False
        self.next_allowed = now + self.interval
        record.msg = "%s (more such warnings in the next %ds are not logged)" % (
            record.msg,
            self.interval,
        )
        return True


def throttle_queue_warnings(interval=10.0):
    queue_logger = logging.getLogger("waitress.queue")
    if not any(isinstance(f, QueueWarningThrottle) for f in queue_logger.filters):
        queue_logger.addFilter(QueueWarningThrottle(interval))


def log_errors_to(target):
    """waitress reports start-up and errors through the ``waitress`` logger."""
    throttle_queue_warnings()
    logger = logging.getLogger("waitress")
    logger.setLevel(logging.INFO)
    if target == "-":
        handler = logging.StreamHandler(sys.stderr)
    elif target:
        handler = logging.FileHandler(target, mode="a", encoding="utf-8")
    else:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s] [%(levelname)s] %(message)s"))
    logger.addHandler(handler)
