"""The answer path, one stage per module, read in this order.

1. :mod:`~assistant.core.answering.conversation` — a follow-up is made standalone (focus law, year, topic).
2. :mod:`~assistant.core.answering.question` — the standalone question is parsed ONCE into a
   :class:`~assistant.core.answering.question.Question`; every later stage reads that object.
3. :mod:`~assistant.core.answering.evidence` — ``retriever.search(query, k, filters)``, the year gate
   and the relevance gate (thresholds and dense calibration from Settings).
4. :mod:`~assistant.core.answering.extractive` (+ :mod:`passage`, :mod:`quotation`) — offline: choose
   the passage and quote it in the shape the question asks for.
5. :mod:`~assistant.core.answering.guards` — LLM mode: markers, citations, years checked.
6. :mod:`~assistant.core.answering.answer` — the :class:`Answer` and its numbered sources.

:mod:`~assistant.core.answering.service` runs the stages (``AnswerService.ask`` / ``stream``).
"""

from assistant.core.answering.answer import (
    NOT_FOUND,
    Answer,
    citation_source,
    format_context,
    hit_source,
)
from assistant.core.answering.conversation import Conversation
from assistant.core.answering.evidence import Retriever
from assistant.core.answering.guards import BAD_CITATION, check_citations, check_markers, year_gate
from assistant.core.answering.service import AnswerService

__all__ = [
    "BAD_CITATION",
    "NOT_FOUND",
    "Answer",
    "AnswerService",
    "Conversation",
    "Retriever",
    "check_citations",
    "check_markers",
    "citation_source",
    "format_context",
    "hit_source",
    "year_gate",
]
