"""The speed rows: every target under each server, measured in rounds
(``rounds``) against the bare WSGI app under the same server.  The cases
each target answers are declared here; ``memory`` sends some of them too."""

import functools

from . import servers
from .rounds import ECHO_HEADERS, Case, run_rounds, server_label, wanted

JSON_BODY = '{"data": "value", "n": 42, "list": [1, 2, 3]}'
JSON_HEADERS = {"Content-Type": "application/json"}
CLOSE = {"Connection": "close"}


BARE_CASES = [
    Case("GET", "/"),
    Case("POST JSON", "/", "POST", JSON_BODY, JSON_HEADERS, "POST JSON"),
    Case("GET close", "/", headers=CLOSE, baseline="GET close"),
]


def echo_cases(prefix):
    return [
        Case("echo GET", prefix + "/foo?a=b", headers=ECHO_HEADERS),
        Case("echo POST", prefix + "/foo", "POST", JSON_BODY, JSON_HEADERS, "POST JSON"),
    ]


def httpbin_cases(prefix):
    """httpbin's own routes: our httpbin app under ``prefix`` and the real
    httpbin at the root answer the same requests, so each row compares with
    bare and with httpbin.  They send what bare's cases send (no extra
    headers on the GET), so the ratio to bare is what the app and its stack cost,
    not the server's work on more request headers."""
    return [
        Case("httpbin GET", prefix + "/get?a=b"),
        Case("httpbin POST", prefix + "/post", "POST", JSON_BODY, JSON_HEADERS, "POST JSON"),
        Case("httpbin 418", prefix + "/status/418", status=418),
    ]


STATIC_CASES = [
    Case("1 KB", "/index.html"),
    Case("50 KB PNG", "/image.png"),
    Case("10 MB", "/large.txt"),
    Case("1 KB close", "/index.html", headers=CLOSE, baseline="GET close"),
]


def speed(workdir, docroot, settings_path):
    """Per server, every target started (idle but one), then measured in rounds.
    nginx joins the gunicorn group, so the 10 MB comparison is interleaved too."""
    results = []
    env = {"BENCH_DOCROOT": docroot}
    for kind in ("gunicorn", "gunicorn-gevent", "waitress"):
        start = getattr(servers, kind.split("-")[0])
        if kind == "gunicorn-gevent":
            start = functools.partial(servers.gunicorn, worker="gevent")
        plan = [
            (
                "bare",
                lambda start=start: start("bare", "bench.apps:bare", workdir, env),
                BARE_CASES,
            ),
            (
                "wsgi-echo",
                lambda kind=kind: servers.wsgi_echo("wsgi-echo", kind, settings_path, workdir),
                echo_cases("/echo") + httpbin_cases("/httpbin") + STATIC_CASES,
            ),
            (
                "httpbin",
                lambda start=start: start("httpbin", "bench.apps:httpbin_app", workdir, env),
                echo_cases("/anything") + httpbin_cases(""),
            ),
            (
                "whitenoise",
                lambda start=start: start("whitenoise", "bench.apps:whitenoise_app", workdir, env),
                STATIC_CASES,
            ),
        ]
        if kind == "gunicorn":
            plan.append(("nginx", lambda: servers.nginx("nginx", docroot, workdir), STATIC_CASES))
        if kind == "gunicorn-gevent":
            # The worker against its own bare app and gthread's figures; the
            # peers' rows are gthread's and waitress's.
            plan = plan[:2]
        chosen = [
            (target, starter, cases)
            for target, starter, cases in plan
            if wanted(server_label(kind, target), target, cases)
        ]
        if not any(target != "bare" for target, _, _ in chosen):
            continue
        if chosen[0][0] != "bare":
            chosen.insert(0, plan[0])  # the baseline is always measured
        targets = []
        try:
            for target, starter, cases in chosen:
                targets.append((target, starter(), cases))
            print("%s: %s" % (kind, ", ".join(target for target, _, _ in targets)), flush=True)
            run_rounds(results, kind, targets, workdir)
        finally:
            for _, server, _ in targets:
                server.stop()
    return results
