"""Benchmark groups beyond one plain server: HTTPS (HTTP/1.1 and HTTP/2), and
the echo behind nginx in front of two instances.

* ``https``: gunicorn serving TLS, bare WSGI app and wsgi-echo side by side,
  the echo GET over HTTP/1.1 (wrk) and over HTTP/2 (h2load), each compared
  with the bare app over the same protocol.  gunicorn serves an HTTP/2
  connection on one thread for as long as it is open, so the HTTP/2 cases
  use as many connections as the server has threads (4), where wrk uses 16.
* ``behind_nginx``: the shipped deploy/nginx configuration in front of two
  gunicorn instances, one pinned to each CPU, against one instance on CPU 0
  without nginx.  On a 2-core machine nginx, both instances and wrk share
  the two CPUs, so the ratio says what the extra hop and the sharing cost
  here, not what a machine with a core per process would gain.
"""

import os
import re

from wsgi_echo.testing import certs
from wsgi_echo.testing.ini import settings_text

from . import servers
from .rounds import ECHO_HEADERS, Case, run_rounds, wanted

PROJECT = servers.PROJECT
NGINX = os.path.join(PROJECT, "deploy", "nginx")
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def _label(group):
    return lambda kind, target: group


def https(workdir, settings_path):
    """gunicorn over TLS: bare and wsgi-echo, HTTP/1.1 and HTTP/2."""
    group = "gunicorn https"
    bare_cases = [
        Case("GET h1", "/", baseline="GET h1"),
        Case("GET h2", "/", baseline="GET h2", tool="h2load", connections=4),
    ]
    echo = [
        Case("echo GET h1", "/echo/foo?a=b", headers=ECHO_HEADERS, baseline="GET h1"),
        Case(
            "echo GET h2",
            "/echo/foo?a=b",
            headers=ECHO_HEADERS,
            baseline="GET h2",
            tool="h2load",
            connections=4,
        ),
    ]
    if not wanted(group, "wsgi-echo", echo):
        return []
    # The certificate the project's Server presents when secure, for both.
    cert, key = certs.server_files()
    results, started = [], []
    try:
        started.append(
            (
                "bare",
                servers.gunicorn(
                    "bare-https",
                    "bench.apps:bare",
                    workdir,
                    scheme="https",
                    extra=["--certfile", cert, "--keyfile", key, "--http-protocols", "h2,h1"],
                ),
                bare_cases,
            )
        )
        started.append(
            (
                "wsgi-echo",
                servers.wsgi_echo(
                    "wsgi-echo-https", "gunicorn", settings_path, workdir, secure=True
                ),
                echo,
            )
        )
        print("%s: bare, wsgi-echo" % group, flush=True)
        run_rounds(results, "gunicorn", started, workdir, label_of=_label(group))
    finally:
        for _, server, _ in started:
            server.stop()
    return results


def _render(text, values):
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def _nginx(workdir, upstreams):
    prefix = os.path.join(workdir, "nginx-front")
    for folder in ("conf.d", "logs", "temp"):
        os.makedirs(os.path.join(prefix, folder), exist_ok=True)
    port = servers.free_port()
    values = {
        "WSGI_ECHO_LISTEN": "127.0.0.1:%d" % port,
        "WSGI_ECHO_UPSTREAM_1": "127.0.0.1:%d" % upstreams[0].port,
        "WSGI_ECHO_UPSTREAM_2": "127.0.0.1:%d" % upstreams[1].port,
    }
    for name in ("nginx.conf", "wsgi-echo-proxy.conf", os.path.join("conf.d", "wsgi-echo.conf")):
        with (
            open(os.path.join(NGINX, name)) as source,
            open(os.path.join(prefix, name), "w") as target,
        ):
            target.write(_render(source.read(), values))
    conf = os.path.join(prefix, "nginx.conf")
    return servers.peer(
        "nginx-front", servers.nginx_argv(prefix, conf), workdir, port=port, cpu=None
    )


def behind_nginx(workdir, settings_path):
    """The echo through nginx and two gunicorn instances, against one instance."""
    group = "nginx + 2 gunicorn"
    case = Case("echo GET", "/echo/foo?a=b", headers=ECHO_HEADERS, baseline="echo GET")
    if not wanted(group, "nginx", [case]):
        return []
    trusted = os.path.join(workdir, "bench-behind-nginx.ini")
    with open(settings_path) as source, open(trusted, "w") as target:
        target.write(source.read() + settings_text(proxy={"trusted": "127.0.0.1"}))
    results, started, instances = [], [], []
    try:
        started.append(
            (
                "one instance",
                servers.wsgi_echo("alone", "gunicorn", trusted, workdir, cpu="0"),
                [case],
            )
        )
        for cpu in ("0", "1"):
            instances.append(
                servers.wsgi_echo(
                    "instance-%s" % cpu,
                    "gunicorn",
                    trusted,
                    workdir,
                    cpu=cpu,
                    instance="cpu-%s" % cpu,
                )
            )
        started.append(("nginx", _nginx(workdir, instances), [case]))
        print("%s: one instance, nginx before two" % group, flush=True)
        run_rounds(
            results, "gunicorn", started, workdir, baseline="one instance", label_of=_label(group)
        )
    finally:
        for server in [server for _, server, _ in started] + instances:
            server.stop()
    return results


def workers(workdir, settings_path):
    """gunicorn's two workers side by side: the echo GET and POST under the
    gevent worker, each round against the gthread worker's (the baseline),
    so the ratio is the one the default worker is chosen by."""
    group = "gunicorn workers"
    cases = [
        Case("echo GET", "/echo/foo?a=b", headers=ECHO_HEADERS, baseline="echo GET"),
        Case(
            "echo POST",
            "/echo/foo",
            "POST",
            '{"a": 1}',
            {"Content-Type": "application/json"},
            baseline="echo POST",
        ),
    ]
    if not wanted(group, "gevent", cases):
        return []
    results, started = [], []
    try:
        for target, kind in (("gthread", "gunicorn"), ("gevent", "gunicorn-gevent")):
            server = servers.wsgi_echo("workers-" + target, kind, settings_path, workdir)
            started.append((target, server, cases))
        print("%s: gthread, gevent" % group, flush=True)
        run_rounds(
            results, "gunicorn", started, workdir, baseline="gthread", label_of=_label(group)
        )
    finally:
        for _, server, _ in started:
            server.stop()
    return results
