"""Stage 4 (offline): shape the answer the question asks for from the evidence.

- list / summary about the office's own work → the report's matching items (:mod:`.reports`);
- legal → direct answer, the governing article, the local provision (:mod:`.legal`);
- fact on an article → the clause holding the figure with its citation (:mod:`.legal`);
- otherwise (fact from a report, procedure) → the sentence or article that answers
  (:class:`~assistant.core.answering.extractive.SentencePicker`).
"""

from __future__ import annotations

from dataclasses import replace

from assistant.core.answering.extractive import Extract, SentencePicker
from assistant.core.answering.intent import Cues
from assistant.core.answering.legal import legal_answer
from assistant.core.answering.passage import is_article
from assistant.core.answering.question import Question
from assistant.core.answering.reports import Documents, section_answer
from assistant.documents import Hit


def compose(
    q: Question, hits: list[Hit], picker: SentencePicker, cues: Cues,
    documents: Documents | None = None,
) -> Extract:
    """The offline answer for ``q`` from relevant ``hits`` (best first)."""
    # 不足和原因, 安排 asked as a whole (no topic of their own): the section's points.
    by_part = q.part in cues.report_parts and not q.quantity and not q.topic
    if q.report_cue and (q.shape in ("list", "summary") or by_part):
        broad = q if q.shape in ("list", "summary") else replace(q, shape="summary")
        shaped = section_answer(broad, hits, cues, documents)
        if shaped is not None:
            return Extract(*shaped)
    extract = picker.pick(q, hits)
    if extract.hits and is_article(extract.hits[0]) and q.shape in ("legal", "fact", "procedure"):
        shaped = legal_answer(q, extract.hits[0], hits)
        if shaped is not None:
            return Extract(*shaped)
    return extract
