"""deploy/nginx/ end to end (tests/nginx_stack.py) when an instance goes, each
under a bounded load (tests/nginx_load.py): an instance restarted gracefully
under load costs no request, and one killed outright no request whose answer
had not begun (one already being passed on is cut short: see the kill test).
"""

import datetime
import json
import os
import signal
import time

import pytest
from nginx_load import retried, run_load

from wsgi_echo.testing.clients import at_once

pytestmark = pytest.mark.server

# -- an instance restarted, an instance lost ------------------------------------------------


def test_an_instance_restarted_gracefully_under_load_costs_no_request(stacks):
    """SIGTERM to one instance during 3.5 seconds of GETs from four clients,
    two of them asking for 200 ms answers, once all four have had an answer,
    so that requests are in flight at the signal; it drains, exits and starts
    again on the same port, and nginx takes it back."""

    def check(stack):
        stack.wait_until_both_serve()
        index = 1
        timings = {}

        def restart():
            old = stack.instances[index]
            timings["term"] = time.time()
            old.signal(signal.SIGTERM)
            old.wait(timeout=15)
            timings["exited"] = time.time()
            old.stop()
            stack.start_instance(index)
            timings["started"] = time.time()

        tally, _ = run_load(stack, 3.5, path="/echo/restart", delayed=2, action=restart)
        # Back in the rotation: the next test needs both, and it is a figure.
        rejoined = stack.wait_until_both_serve()
        # Requests the stopping instance answered after the signal: drained, not dropped.
        records = [
            json.loads(line)
            for line in stack.instances[index].log().splitlines()
            if line.startswith("{")
        ]
        drained = [
            record
            for record in records
            if record["target"].startswith("/echo/restart")
            and timings["term"] <= _epoch(record["time"]) <= timings["exited"]
        ]
        moved = retried(stack.access_log(), "/echo/restart")
        print(
            "%s: %d GETs, %d failed, %d retried on the other instance by nginx, slowest "
            "%.0f ms, %d answered by the stopping instance after SIGTERM; down %.2f s "
            "(drain %.2f s), back in nginx's rotation %.2f s after its restart"
            % (
                stack.kind,
                tally.total(),
                len(tally.failures),
                len(moved),
                tally.slowest() * 1000,
                len(drained),
                timings["started"] - timings["term"],
                timings["exited"] - timings["term"],
                rejoined,
            )
        )
        assert tally.failures == [], tally.failures[:5]
        assert tally.total() >= 100
        return tally

    at_once(check, stacks)


def _epoch(iso):
    """The access log's "2026-11-30T02:35:00.123Z" as seconds since the epoch."""
    moment = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


def test_an_instance_killed_under_load_costs_no_idempotent_request(stacks):
    """SIGKILL to the whole of one instance (gunicorn's master and workers)
    during three seconds of GETs from four clients, two of them asking for
    200 ms answers, once all four have had an answer, so that requests are
    inside the instance when it dies.

    Every request that had no answer yet is retried by nginx.  What nginx
    cannot retry is an answer it has begun to pass on: both servers write a
    response's head and body in two writes, and a kill between the two cuts
    that answer short (IncompleteRead here).  Those are counted, bounded by
    the fast requests in flight, and reported (deploy/README.md)."""

    def check(stack):
        stack.wait_until_both_serve()
        victim = stack.instances[0]

        def kill():
            os.killpg(victim.pid, signal.SIGKILL)  # the instance's own process group
            victim.wait(timeout=5)
            return time.monotonic()

        began = time.monotonic()
        try:
            tally, killed_at = run_load(stack, 3.0, path="/echo/kill", delayed=2, action=kill)
        finally:
            victim.stop()  # reaps what is left of it
            stack.start_instance(0)  # on the same port, for the next tests
        # Requests sent once the instance was gone (with a margin for the
        # load's own clock, started a moment after ``began``).
        after = tally.served_by(sent_after=killed_at - began + 0.05)
        moved = retried(stack.access_log(), "/echo/kill")
        # An answer cut short: its head reached the client, then the body
        # never came (or nginx had to close before it could pass the head
        # on).  nginx logs each as the instance failing "while reading
        # upstream", after the head; a failure before the head is retried.
        cut = [
            failure
            for failure in tally.failures
            if "IncompleteRead" in failure[1] or "RemoteDisconnected" in failure[1]
        ]
        lost = [failure for failure in tally.failures if failure not in cut]
        mid_body = [
            line
            for line in stack.nginx.log().splitlines()
            if "while reading upstream," in line and "/echo/kill" in line
        ]
        print(
            "%s: %d GETs, %d failed (%d cut short mid-answer), %d retried on the other "
            "instance by nginx (%d of them 200 ms ones), slowest %.0f ms; answers after "
            "the kill: %s"
            % (
                stack.kind,
                tally.total(),
                len(tally.failures),
                len(cut),
                len(moved),
                sum("client=0" in line or "client=1" in line for line in moved),
                tally.slowest() * 1000,
                dict(after),
            )
        )
        assert lost == [], lost[:5]
        assert len(cut) <= min(2, len(mid_body)), (cut, mid_body)  # the fast clients' at most
        assert tally.total() >= 100
        assert set(after) == {stack.names[1]}, after  # the survivor answered everything
        return tally

    at_once(check, stacks)
