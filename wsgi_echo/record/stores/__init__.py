"""The stores a record can be kept in, one interface (``base.Store``) with
three real ones behind it: ``memory`` (one process), ``sqlite`` (one file
every worker of an instance shares, the default) and ``redis`` (one server
several instances share).  Each writes a batch of records in one go
(``Store.write``: one SQLite statement, one Redis script call)."""

from .base import MAX_BATCH, Store, StoreUnavailable, matches, with_id
from .sqlite import default_path

__all__ = [
    "MAX_BATCH",
    "Store",
    "StoreUnavailable",
    "default_path",
    "matches",
    "open_store",
    "with_id",
]


def open_store(spec, max_requests, timeout, instance="", port=0):
    """The store ``spec`` (``[record] store`` as read) names; ``timeout``:
    seconds any one call may take; ``instance`` and ``port`` name the
    default SQLite file."""
    if spec.kind == "memory":
        from .memory import MemoryStore

        return MemoryStore(max_requests)
    if spec.kind == "redis":
        from .redis import RedisStore

        return RedisStore(spec.target, max_requests, timeout, spec.shown())
    from .sqlite import SqliteStore

    return SqliteStore(spec.target or default_path(instance, port), max_requests, timeout)
