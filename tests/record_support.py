"""Helpers the record's tests share: an app recording to a real SQLite file
(in-process, WebTest) and its list, a store whose writes are held up, and
what a store holds, in order."""

import json
import sqlite3
import subprocess
import sys

import redis
from webtest import TestApp

from conftest import settings_text
from wsgi_echo import make_app
from wsgi_echo import settings as settings_module
from wsgi_echo.testing.ini import write_settings


class Held:
    """The store's writes held up, for as long as the test says: SQLite's
    write lock taken by another connection, or Redis's writers paused."""

    def __init__(self, spec):
        self.spec = spec
        if spec.kind == "sqlite":
            self.holder = sqlite3.connect(spec.target, isolation_level=None)
            self.holder.execute("BEGIN IMMEDIATE")
        else:
            self.holder = redis.Redis.from_url(spec.target)
            self.holder.execute_command("CLIENT", "PAUSE", 30000, "WRITE")

    def release(self):
        if self.spec.kind == "sqlite":
            self.holder.execute("ROLLBACK")
        else:
            self.holder.execute_command("CLIENT", "UNPAUSE")
        self.holder.close()


def numbers(store):
    return [json.loads(text)["n"] for _, text in store.page(limit=100000)][::-1]


LOCAL = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8080"}
ROUTES = {
    "/echo": "echo",
    "/httpbin": "httpbin",
    "/_requests": "requests",
    "/": "static",
}


def app_with(tmp_path, extra_environ=LOCAL, **sections):
    record = dict(
        {"store": "sqlite:" + str(tmp_path / "record.sqlite3")}, **sections.pop("record", {})
    )
    routes = sections.pop("routes", ROUTES)
    static = sections.pop("static", {"root": str(tmp_path)})
    text = settings_text(record=record, static=static, routes=routes, **sections)
    path = write_settings(tmp_path / "settings.ini", text)
    return TestApp(make_app(settings_module.load(path)), extra_environ=dict(extra_environ))


def listed(app, query=""):
    return app.get("/_requests" + query).json


def paths(app, query=""):
    return [entry["path"] for entry in listed(app, query)["requests"]]


def script_result(script, *args, timeout=120):
    """What a Python ``script`` run in a process of its own printed, as JSON
    (gevent's patching must come first there, not in the test process)."""
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    ).stdout
    return json.loads(out)
