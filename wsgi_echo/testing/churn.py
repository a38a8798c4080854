"""``FileChurn``: a file that keeps changing while a server serves it, for the
static-race test and the benchmark's churn probe."""

import os
import threading

MODES = ("rename", "in place", "both")


class FileChurn(threading.Thread):
    """Rewrites ``path`` with each of ``contents`` in turn, every ``interval``
    seconds, by ``mode``: ``rename`` (a new file renamed over it, as a deploy
    does), ``in place`` (truncated and rewritten, as an editor may), or
    ``both``, alternately.  ``changes`` counts the rewrites.  Used as a
    context manager it runs for the ``with`` block."""

    def __init__(self, path, contents, mode="both", interval=0.006):
        if mode not in MODES:
            raise ValueError("mode is one of %s" % ", ".join(MODES))
        super().__init__(daemon=True)
        self.path, self.contents, self.mode, self.interval = path, contents, mode, interval
        self.changes = 0
        self._stopping = threading.Event()
        with open(path, "wb") as handle:
            handle.write(contents[0])

    def _change(self, data):
        in_place = self.mode == "in place" or (self.mode == "both" and self.changes % 2)
        if in_place:
            with open(self.path, "r+b") as handle:
                handle.truncate(0)
                handle.write(data)
        else:
            temporary = "%s.tmp" % self.path
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, self.path)

    def run(self):
        # The pause paces the writer, a load generator: so many changes a
        # second, whatever the clients are doing.
        while not self._stopping.wait(self.interval):
            self._change(self.contents[(self.changes + 1) % len(self.contents)])
            self.changes += 1

    def stop(self):
        self._stopping.set()
        self.join()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
