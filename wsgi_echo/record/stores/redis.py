"""``redis://host:port/db``: the record in Redis, shared by every instance
that names the same server and database (several instances behind nginx
keep one record).

A Redis stream holds the records, because a stream is what the record is:
an append-only log, trimmed from the old end (``XTRIM MAXLEN``, exact),
read by id range in either direction (``XRANGE``/``XREVRANGE``).  The ids
are our own integers (stream id ``N-0``), given out by ``INCRBY`` on a
counter in the same Lua script as the ``XADD``s: a script runs atomically,
so ids enter the stream in the order they are given out, whichever
instance writes, and a reader asking for what came after an id never
misses one added later.  ``clear()`` deletes the stream, not the counter,
so ids are never reused.

A batch of records (``write``, from the recorder's flusher) goes to Redis
in one script call, one round trip, whose cost (the call, the socket, the
reply) the batch shares.  One call with every record, rather than a
pipeline of one call per record: the same single round trip, with one
command to pack and one reply to read.

Keys: ``{wsgi-echo:record}:seq`` and ``{wsgi-echo:record}:stream`` (one
hash tag, so a Redis Cluster keeps both in one slot; the script needs them
together).  redis-py's client is thread-safe and its connection pool
reopens its connections after a fork; with gevent's patched sockets it
yields instead of blocking.  Every call is bounded by ``timeout``.
"""

from .base import Store, StoreUnavailable, matches

PREFIX = "{wsgi-echo:record}"
SEQUENCE = PREFIX + ":seq"
STREAM = PREFIX + ":stream"
# ARGV: max_requests, then method, path, record for each record; returns the last id.
ADD_SCRIPT = """
local count = (#ARGV - 1) / 3
local last = redis.call('INCRBY', KEYS[1], count)
local id = last - count
for i = 2, #ARGV, 3 do
    id = id + 1
    redis.call('XADD', KEYS[2], id .. '-0', 'm', ARGV[i], 'p', ARGV[i + 1], 'r', ARGV[i + 2])
end
redis.call('XTRIM', KEYS[2], 'MAXLEN', ARGV[1])
return last
"""
SCAN_BATCH = 200  # entries read per round trip while filtering


def _id(stream_id):
    return int(stream_id.split(b"-", 1)[0])


class RedisStore(Store):
    kind = "redis"

    def __init__(self, url, max_requests, timeout, where=None):
        """``where``: the URL as messages may show it (without a password)."""
        import redis  # the optional extra: wsgi-echo[redis]
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.url = url
        self.where = where or url
        self.max_requests = max_requests
        self.errors = (redis.RedisError, OSError)
        # No retries (redis-py retries three times by default): one timeout is
        # what a request may lose to a store that does not answer.
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        self.script = self.client.register_script(ADD_SCRIPT)

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except self.errors as error:
            raise StoreUnavailable("%s: %s" % (self.where, error)) from None

    def prepare(self):
        self._call(self.client.ping)
        self.close()

    def write(self, records, deadline=None):
        """One script call for ``records``; the socket timeout bounds it, not
        ``deadline`` (Redis answers or the connection fails)."""
        args = [self.max_requests]
        for record in records:
            args += record
        last = int(self._call(self.script, keys=[SEQUENCE, STREAM], args=args))
        return range(last - len(records) + 1, last + 1)

    def page(self, after=0, before=None, limit=50, method=None, path=None):
        found = []
        top = "+" if before is None else "%d-0" % (before - 1)
        bottom = "%d-0" % (after + 1)
        if before is not None and before - 1 <= after:
            return found
        filtered = method is not None or path is not None
        while len(found) < limit:
            batch = SCAN_BATCH if filtered else limit - len(found)
            entries = self._call(self.client.xrevrange, STREAM, top, bottom, count=batch)
            for stream_id, fields in entries:
                record_method = fields[b"m"].decode("utf-8")
                record_path = fields[b"p"].decode("utf-8")
                if matches(record_method, record_path, method, path):
                    found.append((_id(stream_id), fields[b"r"].decode("utf-8")))
                    if len(found) >= limit:
                        break
            if len(entries) < batch:
                break
            next_top = _id(entries[-1][0]) - 1
            if next_top <= after:
                break
            top = "%d-0" % next_top
        return found

    def newer(self, after, limit):
        entries = self._call(self.client.xrange, STREAM, "%d-0" % (after + 1), "+", count=limit)
        return [(_id(stream_id), fields[b"r"].decode("utf-8")) for stream_id, fields in entries]

    def get(self, record_id):
        key = "%d-0" % record_id
        entries = self._call(self.client.xrange, STREAM, key, key)
        return entries[0][1][b"r"].decode("utf-8") if entries else None

    def last_id(self):
        value = self._call(self.client.get, SEQUENCE)
        return int(value) if value else 0

    def clear(self):
        self._call(self.client.delete, STREAM)

    def close(self):
        self.client.connection_pool.disconnect()
