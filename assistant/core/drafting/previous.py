"""Last year's report as the starting point of a draft: which report, and its facts.

"Previous" is decided here only, for the CLI and the UI alike: the newest report in the knowledge
base whose year is before the year being drafted (any year when that is not known yet). A report
of the drafted year itself is never "last year's".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.core.drafting.facts import Facts

log = logging.getLogger(__name__)


class ReportEntry(Protocol):
    """A stored report as the knowledge base lists it (``DocumentSummary``)."""

    source: str
    year: int | None

    @property
    def is_sample(self) -> bool:
        """The bundled demo report, not the office's own."""


@dataclass
class PreviousReport:
    """Last year's report and the facts extracted from it (None when it could not be parsed)."""

    source: str
    year: int | None
    text: str
    facts: Facts | None
    sample: bool = False  # the bundled demo report: never pre-fills the office's name and year


def is_before(report_year: int | None, draft_year: int | None) -> bool:
    """Whether a report of ``report_year`` can serve as the previous report of ``draft_year``."""
    if draft_year is None:
        return True
    return report_year is not None and report_year < draft_year


def choose_previous(reports: Sequence[ReportEntry], draft_year: int | None) -> ReportEntry | None:
    """The newest report before ``draft_year`` (by year, then source name), or None."""
    earlier = [r for r in reports if is_before(r.year, draft_year)]
    return max(earlier, key=lambda r: (r.year or 0, r.source), default=None)


def load_previous(
    reports: Sequence[ReportEntry],
    draft_year: int | None,
    text_of: Callable[[str], str],
    extract: Callable[[str], Facts],
) -> PreviousReport | None:
    """The previous report with its text and facts; a report that cannot be parsed keeps facts None."""
    chosen = choose_previous(reports, draft_year)
    if chosen is None:
        return None
    text = text_of(chosen.source)
    try:
        facts = extract(text)
    except Exception:  # a report that cannot be parsed must not block drafting
        log.exception("extract failed for %s", chosen.source)
        facts = None
    year = chosen.year or (facts.year if facts else None)
    if facts is not None and not is_before(facts.year, draft_year):
        facts = None  # its own text says it is this year's report: no 同比 from it
    return PreviousReport(chosen.source, year, text, facts, sample=chosen.is_sample)


def previous_facts(previous: PreviousReport | Facts | None, draft: Facts) -> Facts | None:
    """Last year's facts for ``draft``: only from a year before it, and never the demo report's
    figures for another unit (its 同比 would compare the office with a fictional one)."""
    facts = previous.facts if isinstance(previous, PreviousReport) else previous
    if facts is None or not is_before(facts.year, draft.year):
        return None
    if isinstance(previous, PreviousReport) and previous.sample and facts.organization != draft.organization:
        return None
    return facts
