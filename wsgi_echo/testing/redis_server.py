"""A real ``redis-server`` on a free loopback port, for the record's Redis
store: started by the tests and ``make bench`` through the one launcher
(``process.ServerProcess``), with nothing saved to disk, stopped by PID.

``find()`` says where redis-server is (None when it is not installed);
the caller decides whether that is a skip or a failure (``REQUIRE_REDIS=1``
in CI makes it a failure, as ``REQUIRE_NGINX`` does for nginx).
"""

import os
import shutil

from .process import ServerProcess, free_port

READY = "Ready to accept connections"


def find():
    return shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin:/usr/bin")


class RedisServer:
    """redis-server in ``folder``: ``url`` names database 0, ``url_for(db)`` another."""

    def __init__(self, folder, executable=None):
        self.port = free_port()
        argv = [
            executable or find() or "redis-server",
            "--port",
            "{port}",
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ]
        self.process = ServerProcess(
            argv,
            self.port,
            cwd=str(folder),
            log_path=os.path.join(str(folder), "redis-%d.log" % self.port),
            ready=READY,
            name="redis-server",
        )

    @property
    def url(self):
        return self.url_for(0)

    def url_for(self, db):
        return "redis://127.0.0.1:%d/%d" % (self.port, db)

    def stop(self):
        self.process.stop()
