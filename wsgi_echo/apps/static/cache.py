"""The table of files already served, safe to share between threads.

Entries are immutable once built (``files.StaticFile``); a changed file gets
a new entry that replaces the old one whole.  The lock guards only the table
and its memory count, never file I/O: two threads that find the same stale
entry may both rebuild it, and the second simply replaces the first.
"""

import threading

MEMORY_BUDGET = 32 * 1024 * 1024  # all in-memory bytes of one cache together
ENTRY_LIMIT = 4096  # distinct URLs remembered; the table is emptied when full


class FileCache:
    def __init__(self, memory_budget=None, entry_limit=None):
        self.memory_budget = MEMORY_BUDGET if memory_budget is None else memory_budget
        self.entry_limit = ENTRY_LIMIT if entry_limit is None else entry_limit
        self.entries = {}
        self.memory_used = 0
        self.lock = threading.Lock()

    def get(self, key):
        """The entry for ``key``, or None (a plain dict read needs no lock)."""
        return self.entries.get(key)

    def memory_left(self):
        return max(self.memory_budget - self.memory_used, 0)

    def put(self, key, entry):
        """Keep ``entry`` for ``key``, replacing whatever was there."""
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.memory_used -= previous.memory
            if len(self.entries) >= self.entry_limit:
                self.entries.clear()
                self.memory_used = 0
            self.entries[key] = entry
            self.memory_used += entry.memory

    def discard(self, key, entry):
        """Forget ``entry`` if it is still the one kept for ``key``."""
        with self.lock:
            if self.entries.get(key) is entry:
                del self.entries[key]
                self.memory_used -= entry.memory
