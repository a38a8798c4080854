"""One record behind nginx: the shipped deploy/nginx configuration in front
of two real instances that share one real Redis.  Requests that land on
either instance appear once, in the one list either instance answers, in
the same order from either (the order the instances wrote them: each
writes behind its answers, so not necessarily the order they were sent),
and in that order in the live feed of the other instance (read directly)
and of whichever instance nginx picks (read through nginx, which must not
buffer it).

Skipped with a reason when nginx or redis-server is missing, except with
REQUIRE_NGINX=1 / REQUIRE_REDIS=1, as CI sets.
"""

import http.client
import json
import os
import shutil
import string

import pytest
from test_record_servers import Feed

from conftest import PROJECT, SERVERS, settings_text, tool_or_skip
from wsgi_echo.testing.clients import at_once
from wsgi_echo.testing.process import ServerProcess, free_port
from wsgi_echo.testing.server import Server

pytestmark = pytest.mark.server

DEPLOY = os.path.join(PROJECT, "deploy", "nginx")
CLIENT = "127.0.0.2"  # a loopback address of its own, told apart from nginx's 127.0.0.1
SENT = 10


def nginx_or_skip():
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    return tool_or_skip(found, "nginx", "REQUIRE_NGINX")


def start_nginx(folder, upstreams):
    """nginx from the shipped files, placeholders filled in (as envsubst does)."""
    prefix = folder / "nginx"
    port = free_port()
    values = {
        "WSGI_ECHO_LISTEN": "127.0.0.1:%d" % port,
        "WSGI_ECHO_UPSTREAM_1": "127.0.0.1:%d" % upstreams[0].port,
        "WSGI_ECHO_UPSTREAM_2": "127.0.0.1:%d" % upstreams[1].port,
    }
    for sub in ("conf.d", "logs", "temp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    for name in ("nginx.conf", "wsgi-echo-proxy.conf", "conf.d/wsgi-echo.conf"):
        with open(os.path.join(DEPLOY, name), encoding="utf-8") as handle:
            # safe_substitute: nginx's own $variables stay as they are.
            (prefix / name).write_text(string.Template(handle.read()).safe_substitute(values))
    argv = [nginx_or_skip(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]
    if os.geteuid() == 0:
        argv += ["-g", "user root;"]  # as root its workers would be nobody, locked out of tmp
    return ServerProcess(argv, port, log_path=str(folder / "nginx.log"))


@pytest.fixture(params=SERVERS)
def stack(request, tmp_path, redis_url):
    nginx_or_skip()
    settings = settings_text(
        server={"workers": 2, "threads": 4},
        proxy={"trusted": "127.0.0.1"},
        log={"access_log": ""},
        record={"store": redis_url},
        routes={"/echo": "echo", "/_requests": "requests"},
    )

    def instance(name):
        return Server(settings, server=request.param, workdir=tmp_path, args=["--instance", name])

    started = at_once(instance, {"one": "one", "two": "two"})
    instances = [started["one"], started["two"]]
    try:
        front = start_nginx(tmp_path, instances)
    except BaseException:
        for server in instances:
            server.stop()
        raise
    yield front, instances
    for process in [front, *instances]:
        process.stop()


def through_nginx(front, method, path):
    connection = http.client.HTTPConnection(
        "127.0.0.1", front.port, timeout=10, source_address=(CLIENT, 0)
    )
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.getheader("X-Served-By"), response.read()
    finally:
        connection.close()


def test_two_instances_behind_nginx_keep_one_record(stack):
    front, (one, two) = stack
    _, _, body = through_nginx(front, "GET", "/_requests?limit=0")
    marker = json.loads(body)["last_id"]
    direct = Feed(two, "?after=%d" % marker)
    proxied = Feed(front, "?after=%d" % marker)
    try:
        assert (direct.status, proxied.status) == (200, 200)
        direct.event()
        proxied.event()  # ready: nginx passes the feed on as it is written
        served = []
        for n in range(SENT):
            status, instance, _ = through_nginx(front, "GET", "/echo/e2e/%d" % n)
            assert status == 200
            served.append(instance)
        fed = [json.loads(direct.event()["data"]) for _ in range(SENT)]
        fed_through_nginx = [json.loads(proxied.event()["data"]) for _ in range(SENT)]
    finally:
        direct.close()
        proxied.close()
    assert set(served) == {"one", "two"}  # nginx spread them over both
    sent = {"/echo/e2e/%d" % n: instance for n, instance in enumerate(served)}
    lists = []
    for reader in (one, two):
        connection = http.client.HTTPConnection("127.0.0.1", reader.port, timeout=10)
        connection.request("GET", "/_requests?after=%d&limit=100" % marker)
        listed = json.loads(connection.getresponse().read())["requests"]
        connection.close()
        assert len(listed) == SENT
        assert {record["path"]: record["instance"] for record in listed} == sent
        assert {record["client"] for record in listed} == {CLIENT}
        ids = [record["id"] for record in listed]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == SENT
        lists.append([record["path"] for record in listed])
    assert lists[0] == lists[1]
    assert [record["path"] for record in fed] == lists[0][::-1]
    assert [record["path"] for record in fed_through_nginx] == lists[0][::-1]
