"""Question answering with numbered sources: routing, retrieval, answer, verification.

The chain: question → follow-up resolution → an explicit citation goes to the exact resolver;
anything else → hybrid retrieval → relevance gate → either the LLM (LCEL: prompt | model |
parser, then guards) or the offline sentence picker → :class:`Answer`.

Relevance gate. The question is answerable when some hit is *evidence*: at least ``min_overlap``
(default 0.5) of the question's content (keywords and character bigrams, see
``question.Question.coverage``) occurs in it or its title/section; or its dense cosine
(``metadata['dense_score']``, multilingual-e5) is at least ``min_relevance`` (default 0.86:
unrelated Chinese text scores 0.80–0.87 against e5, related passages 0.88+) and it covers at least
``min_coverage`` (default 0.3) of the question; or the cosine clears ``min_relevance`` by
``confident_margin`` (default 0.02). Near-threshold cosines alone let a housing-loan question be
answered from a business-climate rule. Once answerable, every hit passing the plain cosine or
overlap test is kept as context. A year the question names (``2023年``) must be the year of a
report hit or appear in its text or section; when only other years' reports were found the
answer says so and lists them. With no evidence the answer is :data:`NOT_FOUND`. An article the
question cites inside a longer question ("第16条说哪些信息可以不公开") is looked up exactly and
joins the hits.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda

from assistant.answer import NOT_FOUND, Answer, citation_source, format_context, hit_source
from assistant.conversation import ARTICLE_REF, Conversation, Resolved, resolve_followup
from assistant.documents import Hit
from assistant.extractive import SentencePicker
from assistant.guards import BAD_CITATION, check_citations, check_markers, guard_answer, year_gate
from assistant.llm import describe_failure
from assistant.passage import with_context
from assistant.prompts import Prompt, load_prompt
from assistant.question import Question

# Moved to assistant.answer / assistant.guards; re-exported for existing imports.
__all__ = [
    "BAD_CITATION",
    "NOT_FOUND",
    "Answer",
    "AnswerService",
    "Retriever",
    "check_citations",
    "check_markers",
    "citation_source",
    "format_context",
    "hit_source",
    "year_gate",
]


class Retriever(Protocol):
    """Hybrid search over the knowledge base (see ``assistant.retrieval``)."""

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: dict | None = None,
    ) -> list[Hit]: ...


class _LLMFailed(Exception):
    """The chat model could not be used for this question."""


class AnswerService:
    """Answers questions from the knowledge base, with or without a chat model.

    Args:
        retriever: Hybrid search (``Retriever`` protocol).
        resolver: ``CitationResolver`` (is_citation/resolve/parse/verify).
        names: ``LawNames`` (detect).
        embeddings: Optional embeddings for the offline sentence picker's re-scoring.
        llm: Chat model; ``None`` = offline extractive answers only.
        prompt: Answer prompt (``prompts/answer_v1.yaml`` by default).
        condense_prompt: Follow-up rewriting prompt for LLM mode.
        k: Passages retrieved per question.
        min_relevance: Dense cosine a hit needs to count as evidence (see module docstring).
        min_overlap: Keyword overlap that also makes a hit count as evidence.
        min_coverage: Coverage a hit above ``min_relevance`` still needs to be evidence.
        confident_margin: Cosine this far above ``min_relevance`` is evidence on its own.
        sentence_embed_top: Offline picker: candidate sentences re-scored with ``embeddings``
            (0 = lexical only, the fast default; see ``assistant.extractive``).
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
        k: int = 8,
        min_relevance: float = 0.86,
        min_overlap: float = 0.6,
        sentence_embed_top: int = 0,
        min_coverage: float = 0.3,
        confident_margin: float = 0.02,
    ) -> None:
        self.retriever, self.resolver, self.names, self.llm = retriever, resolver, names, llm
        self.prompt = prompt or load_prompt("answer_v1")
        self.condense_prompt = condense_prompt or load_prompt("condense_v1")
        self.k, self.min_relevance, self.min_overlap = k, min_relevance, min_overlap
        self.min_coverage, self.confident_margin = min_coverage, confident_margin
        self.picker = SentencePicker(embeddings, embed_top=sentence_embed_top)

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
        question = (question or "").strip()
        if not question:
            yield Answer("请先输入问题。", found=False, warnings=["问题为空"])
            return
        conv = Conversation.coerce(history)
        warnings: list[str] = []
        llm = self._pick_llm(use_llm, warnings)
        resolved, llm = self._resolve(question, conv, llm, warnings)
        answer: Answer | None = None
        if self.resolver.is_citation(resolved.question):
            answer = self._cite(resolved.question)
            yield answer.answer
        else:
            relevant, missing = self._evidence(resolved)
            if not relevant:
                answer = Answer(NOT_FOUND + missing, mode="llm" if llm else "offline", found=False)
                yield answer.answer
            elif llm is not None:
                answer = yield from self._llm_answer(
                    resolved.question, conv, relevant, llm, warnings
                )
            else:
                answer = self._offline(resolved.question, relevant)
                yield answer.answer
        answer.warnings[:0] = warnings
        answer.question = resolved.question
        self._record(history, question, answer)
        yield answer

    def is_relevant(self, question: str | Question, hit: Hit, strict: bool = False) -> bool:
        """Whether a hit is relevant context, or with ``strict`` evidence (see module docstring)."""
        if hit.metadata.get("cited"):
            return True
        q = question if isinstance(question, Question) else Question.parse(question)
        cover = q.coverage(with_context(hit))
        dense = hit.metadata.get("dense_score")
        dense = float(dense) if dense is not None else 0.0
        if cover >= self.min_overlap:
            return True
        if not strict:
            return dense >= self.min_relevance
        confident = round(dense - self.min_relevance, 6) >= self.confident_margin
        return confident or (dense >= self.min_relevance and cover >= self.min_coverage)

    def _evidence(self, resolved: Resolved) -> tuple[list[Hit], str]:
        """Relevant hits for a standalone question, or none plus a note on missing years."""
        question = resolved.question
        hits = self.retriever.search(resolved.query, k=self.k)
        cited = self._cited(question)
        if cited:
            same = {(h.metadata.get("law"), h.metadata.get("article")) for h in cited}
            hits = cited + [
                h for h in hits if (h.metadata.get("law"), h.metadata.get("article")) not in same
            ]
        hits, missing = year_gate(question, hits)
        if missing:
            return [], missing
        q = Question.parse(question)
        if not any(self.is_relevant(q, h, strict=True) for h in hits):
            return [], ""
        return [h for h in hits if self.is_relevant(q, h)], ""

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
        return resolve_followup(question, conv, self.names, self.resolver), llm

    def _condense(self, question: str, conv: Conversation, llm: BaseChatModel) -> str:
        chain = (
            RunnableLambda(lambda v: self.condense_prompt.messages(**v)) | llm | StrOutputParser()
        )
        try:
            rewritten = chain.invoke({"history": conv.transcript(), "question": question})
        except Exception as exc:  # any model failure must degrade to offline, never crash
            raise _LLMFailed(describe_failure(exc)) from exc
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

    def _offline(self, question: str, hits: list[Hit]) -> Answer:
        extract = self.picker.pick(question, hits)
        sources = [hit_source(n, h) for n, h in enumerate(extract.hits, 1)]
        return Answer(extract.text, sources, mode="offline", found=True)

    def _llm_answer(
        self,
        question: str,
        conv: Conversation,
        hits: list[Hit],
        llm: BaseChatModel,
        warnings: list[str],
    ) -> Iterator[str]:
        chain = RunnableLambda(lambda v: self.prompt.messages(**v)) | llm | StrOutputParser()
        variables = {
            "question": question,
            "context": format_context(hits),
            "history": conv.transcript(),
        }
        pieces: list[str] = []
        try:
            for chunk in chain.stream(variables):
                pieces.append(chunk)
                yield chunk
        except Exception as exc:  # timeouts, dead endpoints, bad keys: fall back, never crash
            warnings.append(describe_failure(exc))
            fallback = self._offline(question, hits)
            yield ("\n\n" if pieces else "") + fallback.answer
            return fallback
        return self._guard("".join(pieces).strip(), hits)

    def _guard(self, text: str, hits: list[Hit]) -> Answer:
        return guard_answer(text, hits, self.resolver)

    @staticmethod
    def _record(history: Any, question: str, answer: Answer) -> None:
        if not isinstance(history, Conversation):
            return
        first = next((s for s in answer.sources if s.get("law")), None)
        history.record(question, answer.answer, first and first["law"], first and first["article"])
