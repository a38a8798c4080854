"""Our httpbin mount answers the corpus as httpbin 0.10 does, byte for
byte, under each of our servers, except where ``differences.DOCUMENTED``
says otherwise and why; the table holds nothing that is no longer true."""

from . import wire
from .conftest import SUMMARIES
from .differences import DOCUMENTED
from .verdict import Verdict


def test_every_difference_from_httpbin_is_documented(probes, httpbin_answers, ours):
    verdict = Verdict(ours.kind, DOCUMENTED)
    for probe in probes:
        verdict.add(
            probe, httpbin_answers[probe.name], wire.exchange((ours.host, ours.port), probe)
        )
    SUMMARIES.append(verdict.summary())
    assert not verdict.undocumented and not verdict.stale(), verdict.report()
