"""The answer path, run in order: one ask goes through each stage once.

1. ``_resolve`` — a follow-up is made standalone (:mod:`.conversation`; with an LLM, condensed
   by ``prompts/condense_v1.yaml`` first). An explicit citation goes to the exact resolver.
2. ``_parse`` — the standalone question is parsed ONCE into a :class:`Question` (colloquial and
   relative years resolved against the reports the knowledge base holds, the office's own names
   known, districts/offices/periods named, the laws the resolver detected).
3. :mod:`.scope` checks the question against what the knowledge base holds (reports by
   organisation and year; the demo report only when needed), then
   :class:`~assistant.core.answering.evidence.EvidenceGate` — ``retriever.search(query, k)``,
   topic coverage, year gate, relevance gate; the question comes back weighted by the passages.
4. Offline: :func:`~assistant.core.answering.compose.compose` shapes the answer (fact, list,
   summary, legal, procedure). LLM: ``prompts/answer_v2.yaml`` with the same shape's
   instruction, streamed; then :mod:`.guards` check markers, citations and the shape.
5. The :class:`Answer` is recorded in the conversation (focus law and article).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from assistant.config import AnsweringSettings
from assistant.core.answering.answer import (
    NOT_FOUND,
    Answer,
    citation_source,
    format_context,
    hit_source,
)
from assistant.core.answering.compose import compose
from assistant.core.answering.conversation import (
    ARTICLE_REF,
    Conversation,
    Resolved,
    named_laws,
    resolve_followup,
)
from assistant.core.answering.evidence import EvidenceGate, Retriever
from assistant.core.answering.extractive import SentencePicker
from assistant.core.answering.guards import check_shape, guard_answer, unsupported
from assistant.core.answering.intent import Cues
from assistant.core.answering.question import Question
from assistant.core.answering.reports import Documents
from assistant.core.answering.scope import Held, Places, check, sample_label
from assistant.documents import Hit
from assistant.hanzi import to_simplified
from assistant.prompts import Prompt, load_prompt

if TYPE_CHECKING:  # LangChain is imported only when a model answers (offline asks start faster)
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

Shelf = Callable[[], tuple[list[int], list[str]]]  # report years, report organizations
Holdings = Callable[[], list[dict]]  # one entry per report: source, organization, year, title


class _LLMFailed(Exception):
    """The chat model could not be used for this question."""


class AnswerService:
    """Answers questions from the knowledge base, with or without a chat model.

    Args:
        retriever: The one ranking path (``search(query, k, filters)``).
        resolver: ``CitationResolver`` (is_citation/resolve/parse/verify).
        names: ``LawNames`` (detect).
        embeddings: Optional embeddings for the offline sentence picker's re-scoring.
        llm: Chat model; ``None`` = offline extractive answers only.
        prompt: Answer prompt (``prompts/answer_v2.yaml`` by default).
        condense_prompt: Follow-up rewriting prompt for LLM mode.
        settings: Retrieval depth, gate thresholds, calibrations, office names.
        backend: Embedding backend whose dense calibration applies (``e5``…).
        shelf: Years and organizations of the reports in the knowledge base.
        holdings: The reports held, one entry each (source, organization, year, title).
        documents: All chunks of one stored document, by source (whole report sections).
        this_year: Calendar year for 去年/今年 (default: today's).
    """

    def __init__(
        self,
        retriever: Retriever,
        resolver: Any,
        names: Any,
        embeddings: Embeddings | None = None,
        llm: BaseChatModel | None = None,
        prompt: Prompt | None = None,
        condense_prompt: Prompt | None = None,
        settings: AnsweringSettings | None = None,
        backend: str = "e5",
        shelf: Shelf | None = None,
        holdings: Holdings | None = None,
        documents: Documents | None = None,
        this_year: int | None = None,
    ) -> None:
        self.retriever, self.resolver, self.names, self.llm = retriever, resolver, names, llm
        self.prompt = prompt or load_prompt("answer_v2")
        self.condense_prompt = condense_prompt or load_prompt("condense_v1")
        self.settings = settings or AnsweringSettings()
        calibration = self.settings.calibration_for(backend)
        self.gate = EvidenceGate(retriever, self.settings, calibration, self._cited)
        self.picker = SentencePicker(
            embeddings, embed_top=self.settings.sentence_embed_top, calibration=calibration
        )
        self.cues = Cues.load()
        self.shelf = shelf or (lambda: ([], []))
        self.holdings = holdings  # None: the reports held are unknown, nothing is checked
        self.places = Places.load()
        self.documents, self.this_year = documents, this_year
        self._texts: tuple[int, dict[str, str]] = (0, {})

    def ask(self, question: str, history: Any = None, use_llm: bool | None = None) -> Answer:
        """Answer one question; a :class:`Conversation` passed as ``history`` records the turn."""
        answer = Answer(NOT_FOUND, found=False)
        for item in self.stream(question, history, use_llm):
            if isinstance(item, Answer):
                answer = item
        return answer

    def stream(
        self, question: str, history: Any = None, use_llm: bool | None = None
    ) -> Iterator[str | Answer]:
        """Yield text chunks, then the final :class:`Answer`.

        The final answer is authoritative: guards may have changed the streamed text, and a
        model failure midway replaces it with the offline answer.
        """
        question = to_simplified((question or "").strip())  # 繁体 questions read as 简体
        if not question:
            yield Answer("请先输入问题。", found=False, warnings=["问题为空"])
            return
        limit = self.settings.max_question_chars
        if len(question) > limit:
            # Refused before any embedding: one long question must not hold up everyone else.
            message = f"问题太长（{len(question)}字），请控制在{limit}字以内，只保留要问的内容。"
            yield Answer(message, found=False, warnings=["问题超出长度限制"])
            return
        conv = Conversation.coerce(history)
        warnings: list[str] = []
        llm = self._pick_llm(use_llm, warnings)
        resolved, llm = self._resolve(question, conv, llm, warnings)
        if self.resolver.is_citation(resolved.question):
            answer = self._cite(resolved.question)
            yield answer.answer
        else:
            q = self._parse(resolved.question, named_laws(resolved.question, self.names))
            answer = yield from self._answer(q, conv, llm, warnings)
        answer.warnings[:0] = warnings
        answer.question = resolved.question
        self._record(history, question, answer)
        yield answer

    def _parse(self, text: str, laws: list[str] | tuple[str, ...] = ()) -> Question:
        years, organizations = self.shelf()
        names = [*self.settings.office_names, *organizations]
        return Question.parse(
            text, self.cues, names, years, self.this_year, places=self.places, laws=laws
        )

    def _held(self) -> list[Held]:
        assert self.holdings is not None
        return [
            Held(str(r["source"]), str(r.get("organization") or ""), r.get("year"), str(r.get("title") or ""))
            for r in self.holdings()
        ]

    def _report_text(self, source: str) -> str:
        """A whole report's text (cached until the knowledge base's reports change)."""
        key = id(self.holdings()) if self.holdings else 0
        if self._texts[0] != key:
            self._texts = (key, {})
        cache = self._texts[1]
        if source not in cache:
            chunks = self.documents(source) if self.documents else []
            cache[source] = "".join(h.text for h in chunks)
        return cache[source]

    def _answer(
        self, q: Question, conv: Conversation, llm: BaseChatModel | None, warnings: list[str]
    ) -> Iterator[str]:
        warnings.extend(q.notes)
        verdict = check(q, self._held(), self.places) if self.holdings else None
        evidence = self.gate.gather(q, verdict, self._report_text if self.documents else None)
        if not evidence.hits:
            answer = Answer(evidence.missing or NOT_FOUND, mode="llm" if llm else "offline", found=False)
            yield answer.answer
            return answer
        if llm is not None:
            return (yield from self._llm_answer(evidence.question, conv, evidence.hits, llm, warnings))
        answer = self._offline(evidence.question, evidence.hits)
        yield answer.answer
        return answer

    def is_relevant(self, question: Question, hit: Hit, strict: bool = False) -> bool:
        """Whether a hit is relevant context, or with ``strict`` evidence (see :mod:`.evidence`)."""
        return self.gate.is_relevant(question, hit, strict)

    def _cited(self, question: str) -> list[Hit]:
        """The article a longer question cites ("…第16条说哪些…"), looked up exactly."""
        if not ARTICLE_REF.search(question.replace(" ", "")):
            return []
        cite = self.resolver.resolve(question)
        if not cite.found or not cite.law:
            return []
        meta = {
            "law": cite.law,
            "article": cite.article,
            "article_no": cite.article_no,
            "title": cite.law,
            "chapter": cite.chapter,
            "doc_type": "regulation",
            "source": cite.source,
            "status": cite.status,
            "cited": True,
        }
        text = cite.full_text or cite.text
        if not text.lstrip().startswith(str(cite.article)):
            text = f"{cite.article} {text}"
        return [Hit(text, meta, 1.0)]

    def _pick_llm(self, use_llm: bool | None, warnings: list[str]) -> BaseChatModel | None:
        if use_llm and self.llm is None:
            warnings.append("未配置大模型，已使用离线摘录式回答")
        return self.llm if use_llm is not False else None

    def _resolve(
        self, question: str, conv: Conversation, llm: BaseChatModel | None, warnings: list[str]
    ) -> tuple[Resolved, BaseChatModel | None]:
        if llm is not None and conv.turns:
            try:
                question = self._condense(question, conv, llm)
            except _LLMFailed as exc:
                warnings.append(str(exc))
                llm = None
        office = [*self.settings.office_names, *self.shelf()[1]]
        return resolve_followup(question, conv, self.names, self.resolver, office), llm

    def _condense(self, question: str, conv: Conversation, llm: BaseChatModel) -> str:
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnableLambda

        chain = (
            RunnableLambda(lambda v: self.condense_prompt.messages(**v)) | llm | StrOutputParser()
        )
        try:
            rewritten = chain.invoke({"history": conv.transcript(), "question": question})
        except Exception as exc:  # any model failure must degrade to offline, never crash
            raise _LLMFailed(_describe_failure(exc)) from exc
        rewritten = rewritten.strip().splitlines()[0].strip() if rewritten.strip() else ""
        return rewritten or question

    def _cite(self, query: str) -> Answer:
        cite = self.resolver.resolve(query)
        if not cite.found:
            hint = (
                ""
                if not cite.suggestions or "您是否要找" in cite.message
                else (f"您是否要找：{'、'.join(cite.suggestions[:5])}")
            )
            return Answer(f"{cite.message}{hint}", mode="citation", found=False)
        warnings = [cite.message] if cite.message else []
        if cite.status == "superseded" and not warnings:
            newer = f"，现行规定见{cite.replaced_by}" if cite.replaced_by else ""
            warnings.append(f"{cite.label()}已被修改或废止{newer}")
        text = f"根据{cite.label()}：“{cite.text.strip()}”[1]"
        return Answer(text, [citation_source(cite)], warnings, mode="citation", found=True)

    def _offline(self, q: Question, hits: list[Hit]) -> Answer:
        extract = compose(q, hits, self.picker, self.cues, self.documents)
        sources = [hit_source(n, h) for n, h in enumerate(extract.hits, 1)]
        return Answer(sample_label(extract.text, sources), sources, mode="offline", found=True)

    def _llm_answer(
        self,
        q: Question,
        conv: Conversation,
        hits: list[Hit],
        llm: BaseChatModel,
        warnings: list[str],
    ) -> Iterator[str]:
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnableLambda

        chain = RunnableLambda(lambda v: self.prompt.messages(**v)) | llm | StrOutputParser()
        variables = {
            "question": q.query,
            "context": format_context(hits),
            "history": conv.transcript(),
            "shape": q.shape,
            "shape_instruction": self.cues.instructions.get(q.shape, ""),
        }
        pieces: list[str] = []
        try:
            for chunk in chain.stream(variables):
                pieces.append(chunk)
                yield chunk
        except Exception as exc:  # timeouts, dead endpoints, bad keys: fall back, never crash
            warnings.append(_describe_failure(exc))
            fallback = self._offline(q, hits)
            yield ("\n\n" if pieces else "") + fallback.answer
            return fallback
        answer = guard_answer("".join(pieces).strip(), hits, self.resolver)
        invented = unsupported(answer.answer, hits, self.resolver) if answer.found else []
        if invented:  # the model said what the evidence does not: the offline answer instead
            fallback = self._offline(q, hits)
            fallback.warnings += answer.warnings
            fallback.warnings.append(f"大模型回答中的{'、'.join(invented)}不在检索到的资料中，已改用离线摘录回答")
            yield "\n\n" + fallback.answer
            return fallback
        if answer.found:
            answer.warnings += check_shape(answer.answer, q, hits)
            answer.answer = sample_label(answer.answer, answer.sources)
        return answer

    @staticmethod
    def _record(history: Any, question: str, answer: Answer) -> None:
        if not isinstance(history, Conversation):
            return
        first = next((s for s in answer.sources if s.get("law")), None)
        history.record(question, answer.answer, first and first["law"], first and first["article"])


def _describe_failure(exc: BaseException) -> str:
    from assistant.adapters.llm import describe_failure  # the adapter imports LangChain

    return describe_failure(exc)
