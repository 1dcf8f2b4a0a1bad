"""Stage 3: retrieve, then keep what is evidence for the question.

First the scope (:mod:`.scope`): a question about a district, office, year or topic the
knowledge base does not hold is refused with what it does hold; one about an office's work may
be answered only from the reports the scope allows (never the demo report once the office has
its own). Retrieval is one call, ``retriever.search(question.query, k, filters)`` — the same
ranking the search box uses (plus one search within the allowed reports when none of them was
among the hits). An article the question cites inside a longer question ("第16条说哪些信息可以不
公开") is looked up exactly and joins the hits. Then:

- Year gate (questions not about an office's work; the scope checks those by report year): a year the question names (``2023年``, or 去年 resolved) must be the year of a
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
from assistant.core.answering.scope import Verdict, is_directed, topic_cover
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

    def gather(
        self, q: Question, verdict: Verdict | None = None, report_text: Any = None
    ) -> Evidence:
        """Relevant hits for a standalone question, or none plus a note on what is missing.

        Args:
            q: The parsed question.
            verdict: The scope's verdict (:func:`.scope.check`); ``None`` = no restriction.
            report_text: ``source → whole text`` of a report, for the topic check.
        """
        verdict = verdict or Verdict()
        if not verdict.held:
            return Evidence([], q, verdict.message)
        hits = self._search(q, verdict)
        if verdict.sources is not None and report_text is not None and q.shape != "legal":
            missing = self._uncovered(q, verdict, report_text)
            if missing:
                return Evidence([], q, missing)
        cited = self.cited(q.query)
        if cited:
            same = {(h.metadata.get("law"), h.metadata.get("article")) for h in cited}
            hits = cited + [
                h for h in hits if (h.metadata.get("law"), h.metadata.get("article")) not in same
            ]
        hits, missing = year_gate(q, hits) if verdict.sources is None else (hits, "")
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

    def _search(self, q: Question, verdict: Verdict) -> list[Hit]:
        hits = self.retriever.search(q.query, k=self.settings.k)
        hits = hits + self._local_articles(q, hits)
        hits = [h for h in hits if h.metadata.get("source") not in verdict.hidden]
        allowed = verdict.sources
        if allowed is None:
            return hits
        hits = [h for h in hits if not _is_report(h) or h.metadata.get("source") in allowed]
        if allowed and is_directed(q) and not any(_is_report(h) for h in hits):
            within = self.retriever.search(q.query, k=self.settings.k, filters={"source": sorted(allowed)})
            hits = within + hits
        return hits

    def _local_articles(self, q: Question, hits: list[Hit]) -> list[Hit]:
        """Beijing implied and a law's article found: Beijing articles from a deeper search, so
        the matching local provision can be set beside the national one."""
        from assistant.core.answering.legal import is_local

        if not q.mentions.home or q.report_cue or not any(is_article(h) for h in hits):
            return []
        def key(h: Hit) -> tuple:
            return h.metadata.get("law"), h.metadata.get("article")

        seen = {key(h) for h in hits}
        deeper = self.retriever.search(q.query, k=LOCAL_DEPTH * self.settings.k)
        local = [h for h in deeper if key(h) not in seen and is_article(h) and is_local(h)]
        return local[:LOCAL_EXTRA]

    def _uncovered(self, q: Question, verdict: Verdict, report_text: Any) -> str:
        """A note when the allowed reports never mention the question's topic (else "")."""
        names = [*q.mentions.districts, *q.mentions.offices, "示例"]
        terms = [t for t in q.topic if not any(n in t or t in n for n in names)]
        text = "".join(report_text(r.source) for r in verdict.reports)
        if not terms or not text or topic_cover(terms, text) >= self.settings.min_topic_cover:
            return ""
        absent = "、".join(t for t in terms if t not in text) or "、".join(terms)
        held = "；".join(dict.fromkeys(r.label() for r in verdict.reports))
        return f"知识库中的报告（{held}）没有提到“{absent}”。"

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


LOCAL_DEPTH = 4  # how much deeper the search for Beijing articles goes (× k)
LOCAL_EXTRA = 3  # Beijing articles added at most


def _is_report(hit: Hit) -> bool:
    return hit.metadata.get("doc_type") == "report"
