"""Stage 3: retrieve, then keep what is evidence for the question.

Retrieval is one call, ``retriever.search(question.query, k, filters)`` — the same ranking the
search box uses. An article the question cites inside a longer question ("第16条说哪些信息可以不
公开") is looked up exactly and joins the hits. Then:

- Year gate: a year the question names (``2023年``, or 去年 resolved) must be the year of a
  report hit or appear in its text or section; when only other years' reports were found the
  answer says so and lists them (:func:`~assistant.core.answering.guards.year_gate`).
- Own work: a question about the office's own work is answered from reports when any report
  hit is relevant, never from an unrelated law.
- Relevance gate. The question is answerable when some hit is *evidence*: at least
  ``min_overlap`` of the question's content (IDF-weighted keywords and character bigrams, the
  same :meth:`Question.coverage` the passage picker uses) occurs in it or its title/section; or
  its dense cosine is at least the backend's ``min_relevance`` and it covers ``min_coverage``
  of the question; or the cosine clears ``min_relevance`` by ``confident_margin``. The
  thresholds live in ``Settings.answering`` (calibration per embedding backend). Once
  answerable, every hit passing the plain cosine or overlap test is kept as context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from assistant.config import AnsweringSettings, Calibration
from assistant.core.answering.guards import year_gate
from assistant.core.answering.passage import dense_of, is_article, with_context
from assistant.core.answering.question import Question
from assistant.documents import Hit


class Retriever(Protocol):
    """The one ranking path (``assistant.core.retrieval``)."""

    def search(self, query: str, k: int | None = None, filters: dict | None = None) -> list[Hit]: ...


@dataclass
class Evidence:
    """What retrieval found that answers the question, or why nothing does."""

    hits: list[Hit]
    question: Question  # weighted by the retrieved passages
    missing: str = ""  # a note when the years asked are not in the knowledge base


class EvidenceGate:
    """Retrieve and gate (see the module docstring).

    Args:
        retriever: ``search(query, k, filters)``.
        settings: Thresholds (``Settings.answering``).
        calibration: The embedding backend's dense calibration.
        cited: Looks up an article a longer question cites (returns hits, may be empty).
    """

    def __init__(
        self, retriever: Retriever, settings: AnsweringSettings, calibration: Calibration,
        cited: Any = None,
    ) -> None:
        self.retriever, self.settings, self.calibration = retriever, settings, calibration
        self.cited = cited or (lambda text: [])

    def gather(self, q: Question) -> Evidence:
        """Relevant hits for a standalone question, or none plus a note on missing years."""
        hits = self.retriever.search(q.query, k=self.settings.k)
        cited = self.cited(q.query)
        if cited:
            same = {(h.metadata.get("law"), h.metadata.get("article")) for h in cited}
            hits = cited + [
                h for h in hits if (h.metadata.get("law"), h.metadata.get("article")) not in same
            ]
        hits, missing = year_gate(q, hits)
        q = q.weigh([with_context(h) for h in hits]) if hits else q
        if missing:
            return Evidence([], q, missing)
        if not any(self.is_relevant(q, h, strict=True) for h in hits):
            return Evidence([], q)
        kept = [h for h in hits if self.is_relevant(q, h)]
        if q.report_cue and q.shape != "legal":
            reports = [h for h in kept if not is_article(h)]
            if reports and any(self.is_relevant(q, h, strict=True) for h in reports):
                kept = reports  # own work: answered from reports, never an unrelated law
        return Evidence(kept, q)

    def is_relevant(self, q: Question, hit: Hit, strict: bool = False) -> bool:
        """Whether a hit is relevant context, or with ``strict`` evidence."""
        if hit.metadata.get("cited"):
            return True
        cover = q.coverage(with_context(hit))
        dense = dense_of(hit) or 0.0
        floor = self.calibration.min_relevance
        if cover >= self.settings.min_overlap:
            return True
        if not strict:
            return dense >= floor
        confident = round(dense - floor, 6) >= self.calibration.confident_margin
        return confident or (dense >= floor and cover >= self.settings.min_coverage)
