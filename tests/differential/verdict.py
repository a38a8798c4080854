"""A run's verdict: each probe identical, documented (every finding is
covered by an entry of ``differences.DOCUMENTED``) or undocumented; the
entries no finding used (stale: the table says more than is true); and the
report that shows an undocumented difference whole (the request, both
answers, the findings with their diffs)."""

import collections
import os

from .compare import compare

# Undocumented probes shown whole; the rest by name (DIFFERENTIAL_SHOW=n shows more).
SHOWN_IN_FULL = int(os.environ.get("DIFFERENTIAL_SHOW", "12"))


class Outcome:
    def __init__(self, probe, theirs, ours, findings, uncovered):
        self.probe, self.theirs, self.ours = probe, theirs, ours
        self.findings, self.uncovered = findings, uncovered


class Verdict:
    def __init__(self, server, table):
        self.server, self.table = server, table
        self.identical, self.documented, self.undocumented = [], [], []
        self.used = collections.Counter()

    def add(self, probe, theirs, ours):
        findings = compare(theirs, ours, probe.target, waitress=self.server == "waitress")
        uncovered = []
        for finding in findings:
            entries = [e for e in self.table if e.covers(self.server, probe, finding.aspect)]
            for entry in entries:
                self.used[entry.title] += 1
            if not entries:
                uncovered.append(finding)
        outcome = Outcome(probe, theirs, ours, findings, uncovered)
        if not findings:
            self.identical.append(outcome)
        elif uncovered:
            self.undocumented.append(outcome)
        else:
            self.documented.append(outcome)

    def stale(self):
        """Entries for this server that covered nothing in this run."""
        return [e for e in self.table if self.server in e.servers and not self.used[e.title]]

    def summary(self):
        return "%s: %d identical, %d documented differences, %d undocumented" % (
            self.server,
            len(self.identical),
            len(self.documented),
            len(self.undocumented),
        )

    def report(self):
        lines = [self.summary()]
        by_aspect = collections.defaultdict(list)
        for outcome in self.undocumented:
            for finding in outcome.uncovered:
                by_aspect[finding.aspect].append(outcome.probe.name)
        for aspect, names in sorted(by_aspect.items()):
            lines.append("  undocumented %s (%d): %s" % (aspect, len(names), ", ".join(names)))
        for outcome in self.undocumented[:SHOWN_IN_FULL]:
            lines.append("")
            lines.append("=" * 72)
            lines.append("REQUEST %s" % outcome.probe.name)
            lines.append(outcome.probe.data[:600].decode("latin-1").rstrip())
            for finding in outcome.uncovered:
                lines.append("--- %s: %s" % (finding.aspect, finding.detail))
            lines.append("--- httpbin answered:")
            lines.append(outcome.theirs[-1].text())
            lines.append("--- we answered (%s):" % self.server)
            lines.append(outcome.ours[-1].text())
        if len(self.undocumented) > SHOWN_IN_FULL:
            lines.append("... and %d more" % (len(self.undocumented) - SHOWN_IN_FULL))
        for entry in self.stale():
            lines.append("stale entry (it covered nothing): %s" % entry.title)
        return "\n".join(lines)
