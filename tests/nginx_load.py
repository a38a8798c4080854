"""Load through nginx for the ``test_deploy_nginx_*`` modules: ``run_load``
keeps keep-alive clients busy for a bounded time and runs an action (a
restart, a kill) while requests are in flight; its ``Tally`` is what they
saw, and ``retried`` the requests nginx passed to more than one instance.
"""

import collections
import http.client
import threading
import time

from wsgi_echo.testing.waiting import wait_for

# -- load ----------------------------------------------------------------------------------


class Tally:
    """What a load run saw: every answer's status and instance, and every failure."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers = []  # (sent, seconds since the start; took, seconds; status; instance)
        self.failures = []  # (sent, seconds since the start; what went wrong)
        self.clients = set()  # the clients that have had an answer

    def served_by(self, sent_after=0.0):
        """Answers per instance, of the requests sent ``sent_after`` seconds in or later."""
        return collections.Counter(
            instance for sent, took, status, instance in self.answers if sent >= sent_after
        )

    def slowest(self):
        return max(took for sent, took, status, instance in self.answers)

    def total(self):
        """Requests made: those answered, and those that got no whole answer."""
        return len(self.answers) + sum(
            not what.startswith("status ") for sent, what in self.failures
        )


def run_load(stack, seconds, clients=4, path="/echo/load", delayed=0, action=None):
    """GETs from ``clients`` keep-alive connections to nginx for ``seconds``
    (the load's length, a bound, not a wait), the first ``delayed`` of them
    asking for 200 ms answers (X-Echo-Delay); ``action()`` runs once every
    client has had an answer, when each sends request after request and the
    delayed ones have one in flight.  A failure is any answer but 200, or no
    answer.  Returns (tally, what ``action`` returned)."""
    tally = Tally()
    started = time.monotonic()
    end = started + seconds

    def client(number):
        headers = {"X-Echo-Delay": "200"} if number < delayed else {}
        connection = None
        while time.monotonic() < end:
            try:
                sent = time.monotonic() - started
                if connection is None:
                    connection = stack.connection()
                connection.request("GET", "%s?client=%d" % (path, number), headers=headers)
                response = connection.getresponse()
                response.read()
                took = time.monotonic() - started - sent
                with tally.lock:
                    tally.answers.append(
                        (sent, took, response.status, response.headers.get("X-Served-By"))
                    )
                    tally.clients.add(number)
                    if response.status != 200:
                        tally.failures.append((sent, "status %d" % response.status))
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                with tally.lock:
                    tally.failures.append((sent, repr(exc)))
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    result = None
    if action is not None:
        wait_for(
            lambda: len(tally.clients) == clients,
            seconds,
            what="every load client to have an answer",
        )
        result = action()
    for thread in threads:
        thread.join()
    return tally, result


def retried(access_log, marker):
    """nginx access-log lines for ``marker`` requests that went to more than one instance."""
    return [
        line
        for line in access_log.splitlines()
        if marker in line
        and "upstream=" in line
        and "," in line.split("upstream=", 1)[1].split()[0]
    ]
