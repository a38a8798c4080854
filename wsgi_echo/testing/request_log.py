"""What a ``Server`` offers a test about the requests it received: the
requests since a marker, assertions on them, and a wait for one.

A window of the record belongs to a test: it starts at a marker, the
record's ``last_id`` when the window opened, and holds what came after.
A ``Server`` opens one when it starts; the pytest plugin opens one on each
session server at the start of every test that uses it (``begin_test``), so
a test sees its own requests only, however many tests share the server.
``mark()`` opens one by hand, ``clear()`` empties the record and opens one.

``wait_for_request`` asks the API for what is new since its last look,
first after ``POLL`` seconds, then twice as long each time up to
``MOST_POLL`` (fewer lines in the server's log, which a failing test's
report shows), until the request comes or the time is up.  It does not
listen to the live feed: a feed holds a server thread and one of the few
feed slots per worker process (``[record] feed_listeners``) until the
server notices the client left, seconds later, so a test that waits
several times in a row would run out of them; a small request for what is
new costs less and needs no slot.
"""

from ..settings import SettingsError
from .expectations import UNSET, Expectation
from .record_api import RecordApi, RecordUnavailable
from .recorded import RecordedRequest
from .waiting import WaitTimeout, wait_for

POLL = 0.05  # seconds before the second look at the record while waiting
MOST_POLL = 0.25  # seconds between two looks, at most: the most a wait adds
CLOSEST = 3  # recorded requests a failure message shows


class RequestLog:
    """Mixed into ``Server``, which sets ``url`` and ``_config_path`` and
    calls ``_open_window`` once it has started."""

    _record_api = None
    _marker = 0
    _marker_error = None
    _settings_error = None
    _since = "the server started"

    @property
    def record_api(self):
        """The record's API of this server (``RecordApi``), from its settings."""
        if not self.alive():
            raise RecordUnavailable(
                "cannot read the requests of %s: the server is no longer running" % self.url
            )
        if self._record_api is None:
            raise self._settings_error
        return self._record_api

    # -- the window -----------------------------------------------------------------------

    def mark(self):
        """Start the window now: ``requests`` holds only what comes after.
        Returns the marker (the record's ``last_id``)."""
        self._marker, self._marker_error = self.record_api.last_id(), None
        self._since = "mark() (after record %d)" % self._marker
        return self._marker

    def clear(self):
        """Empty the server's record (for every reader of it) and start the window."""
        self.record_api.clear()
        return self.mark()

    def begin_test(self):
        """The plugin's ``mark()`` at a test's start.  A server whose record
        cannot be read keeps the reason, to give when asked for requests."""
        self._mark_quietly("the test began (after record %d)")

    def _open_window(self, own_record):
        """At the start.  A record of the server's own begins empty, so the
        window is all of it; another (a settings file's, whose SQLite file
        outlives a restart, or a shared Redis) may hold older requests, so
        the window starts at a marker.  The settings are read now, while
        the file is there (a temporary one goes with the server)."""
        try:
            self._record_api = RecordApi.for_settings(self._config_path, self.url)
        except SettingsError as error:
            self._settings_error = RecordUnavailable(
                "cannot read the requests of %s: its settings cannot be read: %s"
                % (self.url, error)
            )
            return
        if not own_record:
            self._mark_quietly("the server started (after record %d)")

    def _mark_quietly(self, since):
        try:
            self.mark()
        except RecordUnavailable as error:
            self._marker_error = error
        else:
            self._since = since % self._marker

    def _window(self):
        if self._marker_error is not None:
            raise self._marker_error
        return [RecordedRequest(record) for record in self.record_api.since(self._marker)]

    # -- reading --------------------------------------------------------------------------

    @property
    def requests(self):
        """The requests recorded in the window (since the test began), oldest first."""
        return self._window()

    @property
    def last_request(self):
        """The newest request in the window; an AssertionError when there is none."""
        found = self._window()
        if not found:
            raise AssertionError("no request has reached %s since %s" % (self.url, self._since))
        return found[-1]

    def requests_matching(self, method=None, path=None, json=UNSET, **criteria):
        """The requests in the window that match (``Expectation``'s criteria)."""
        expected = Expectation(method, path, json=json, **criteria)
        return [request for request in self._window() if expected.matches(request)]

    # -- asserting ------------------------------------------------------------------------

    def assert_request_made(self, method=None, path=None, json=UNSET, times=None, **criteria):
        """That a request matching the criteria (``method``, ``path``,
        ``query``, ``headers``, ``json``, ``body``, ``form``: see
        ``Expectation``) came in the window: ``times`` times exactly, or at
        least once when None.  Returns the matching requests, oldest first.
        The failure message shows the closest requests and how each differs."""
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        expected = Expectation(method, path, json=json, **criteria)
        seen = self._window()
        found = [request for request in seen if expected.matches(request)]
        if (len(found) == times) if times is not None else found:
            return found
        head = "expected %s %s" % (expected, _times(times))
        raise AssertionError("\n".join([head, *self._report(expected, seen, found, times)]))

    def wait_for_request(
        self, method=None, path=None, json=UNSET, timeout=5.0, times=1, **criteria
    ):
        """Wait until ``times`` requests matching the criteria have come in the
        window (those already there count), at most ``timeout`` seconds, and
        return the last of them.  Running out of time fails the test with
        ``assert_request_made``'s message."""
        if times < 1:
            raise ValueError("wait_for_request waits for times >= 1 requests; got %r" % times)
        expected = Expectation(method, path, json=json, **criteria)
        seen = self._window()
        found = [request for request in seen if expected.matches(request)]

        def arrived():
            if len(found) < times:
                cursor = seen[-1].id if seen else self._marker
                new = [RecordedRequest(record) for record in self.record_api.since(cursor)]
                seen.extend(new)
                found.extend(request for request in new if expected.matches(request))
            return len(found) >= times

        def what():
            head = "%s%s" % (expected, "" if times == 1 else " (%d times)" % times)
            return "\n".join([head, *self._report(expected, seen, found, times)])

        __tracebackhide__ = True  # pytest shows the test's line, not this one
        try:
            wait_for(arrived, timeout=timeout, interval=POLL, what=what, max_interval=MOST_POLL)
        except WaitTimeout as timed_out:
            raise WaitTimeout(str(timed_out)) from None
        return found[times - 1]

    # -- the failure message ----------------------------------------------------------------

    def _report(self, expected, seen, found, times):
        """The lines under the expectation: what was found, the matching
        ones when there were too many, else the closest others and how each
        differs from what was expected."""
        lines = [
            "found %d matching among the %d %s recorded at %s since %s"
            % (len(found), len(seen), _plural(len(seen)), self.url, self._since)
        ]
        if times is not None and len(found) > times:
            lines.append("the matching:")
            lines += ["  " + request.summary() for request in found]
        others = [request for request in seen if request not in found]
        if others and (times is None or len(found) < times):
            ranked = sorted(others, key=lambda request: _distance(expected, request))
            lines.append("the closest:")
            for request in ranked[:CLOSEST]:
                lines.append("  " + request.summary())
                lines += ["      " + line for line in expected.differences(request)]
            if len(others) > CLOSEST:
                lines.append("  and %d more (server.requests lists them)" % (len(others) - CLOSEST))
        if self.record_api.dropped:
            lines.append(
                "the server could not store %d records (docs/recording.md, when the store fails)"
                % self.record_api.dropped
            )
        return lines


def _plural(count):
    return "request" if count == 1 else "requests"


def _times(times):
    if times is None:
        return "at least once"
    return "once" if times == 1 else "%d times" % times


def _distance(expected, request):
    """How far a request is from what was expected: the criteria it fails
    (method and path count double: a reader names a request by them), then
    its lines of difference, then the newest first."""
    lines = expected.differences(request)
    heads = sum(1 for line in lines if line.startswith(("method:", "path:")))
    kinds = {line.split(":")[0].split(" ")[0] for line in lines}
    return (len(kinds) + heads, len(lines), -request.id)
