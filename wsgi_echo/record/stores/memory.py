"""``memory``: the record in this process's memory, for a single process
(waitress, or gunicorn with one worker); every worker of several would keep
a record of its own, which is why the settings refuse that combination.

A deque bounded to ``max_requests`` under one lock: a batch is appended
under it, and readers walk it from the newest end, where what they ask for is.
"""

import collections
import threading

from .base import Store, matches


class MemoryStore(Store):
    kind = "memory"

    def __init__(self, max_requests):
        self.entries = collections.deque(maxlen=max_requests)  # (id, method, path, text)
        self.lock = threading.Lock()
        self.last = 0

    def write(self, records, deadline=None):
        with self.lock:
            first = self.last + 1
            for method, path, text in records:
                self.last += 1
                self.entries.append((self.last, method, path, text))
            return range(first, self.last + 1)

    def _newest_first(self):
        with self.lock:
            return list(reversed(self.entries))

    def page(self, after=0, before=None, limit=50, method=None, path=None):
        found = []
        for record_id, record_method, record_path, text in self._newest_first():
            if record_id <= after or len(found) >= limit:
                break
            if (before is None or record_id < before) and matches(
                record_method, record_path, method, path
            ):
                found.append((record_id, text))
        return found

    def newer(self, after, limit):
        found = []
        with self.lock:
            for record_id, _, _, text in reversed(self.entries):
                if record_id <= after:
                    break
                found.append((record_id, text))
        return found[::-1][:limit]

    def get(self, record_id):
        with self.lock:
            for entry in reversed(self.entries):
                if entry[0] == record_id:
                    return entry[3]
                if entry[0] < record_id:
                    return None
        return None

    def last_id(self):
        return self.last

    def clear(self):
        with self.lock:
            self.entries.clear()
