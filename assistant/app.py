"""Composition root: :func:`build_assistant` wires every component from settings.

The CLI and the UI call this and nothing else builds clients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.store import KnowledgeStore
    from assistant.core.answering import AnswerService
    from assistant.core.citations import CitationResolver, CiteResult, LawNames
    from assistant.core.document_catalog import DocumentSummary, KnowledgeArticles
    from assistant.core.drafting.service import DraftingService
    from assistant.core.ingest.pipeline import Ingestor, IngestReport, Progress
    from assistant.core.retrieval import HybridRetriever
    from assistant.documents import Hit


@dataclass
class Assistant:
    """Every service of the app, built once and shared by the CLI and the UI."""

    settings: Settings
    embeddings: Embeddings
    store: KnowledgeStore
    lawlib: LawLibrary
    names: LawNames
    articles: KnowledgeArticles
    resolver: CitationResolver
    retriever: HybridRetriever
    ingestor: Ingestor
    qa: AnswerService
    drafting: DraftingService
    llm: BaseChatModel | None = None
    closers: list[Any] = field(default_factory=list)

    # Knowledge base -------------------------------------------------------------
    def ingest(
        self, paths: Iterable[Path | str], progress: Progress | None = None, replace: bool = False
    ) -> IngestReport:
        """Ingest files/folders and refresh every index that depends on the store.

        ``replace``: a file replaces the stored document of the same file name even when
        that one came from another folder.
        """
        from assistant.adapters.store import StoreError

        report = self.ingestor.ingest_paths(paths, progress, replace=replace)
        try:
            self.refresh()
        except StoreError as exc:
            report.error = report.error or str(exc)
        return report

    def import_laws(self, profile: str = "all", progress: Progress | None = None) -> IngestReport:
        """Import a law profile (``all`` = the whole library, ``default``, ``renfang`` …).

        The shipped vectors make ``all`` a matter of a minute; see :mod:`assistant.adapters.lawvectors`.
        """
        report = self.ingestor.import_laws(self.lawlib.profile(profile), progress)
        self.refresh()
        return report

    def init_knowledge(
        self, laws: str | None = "all", progress: Progress | None = None
    ) -> list[IngestReport]:
        """Build the default knowledge base: the law library (``laws`` profile, None = skip)
        and the knowledge folder, refreshing the indexes once at the end rather than per step.
        """
        reports = []
        if laws:
            reports.append(self.ingestor.import_laws(self.lawlib.profile(laws), progress))
        if self.settings.knowledge_dir.is_dir():
            reports.append(self.ingestor.ingest_paths([self.settings.knowledge_dir], progress))
        self.refresh()
        return reports

    def remove(self, source: str) -> int:
        """Remove one document by its source name; returns removed chunks."""
        n = self.ingestor.remove(source)
        if n:
            self.refresh()
        return n

    def documents(self) -> list[DocumentSummary]:
        """Summaries of all stored documents."""
        from assistant.core.document_catalog import list_documents

        return list_documents(self.store, self.retriever.chunks())

    def refresh(self) -> None:
        """Rebuild the BM25 snapshot, local articles and law names after a change."""
        self.articles.refresh()
        for law in self.articles.law_names():
            self.names.add(law)
        self.retriever.refresh()

    # Queries ----------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, filters: dict | None = None) -> list[Hit]:
        """Hybrid search."""
        return self.retriever.search(query, k=k, filters=filters)

    def cite(self, query: str) -> CiteResult:
        """Exact citation lookup."""
        return self.resolver.resolve(query)

    def warm_up(self) -> float:
        """Load every lazy model, index and table now; returns the seconds it took.

        The embedding model, the BM25 snapshot, jieba's dictionary, the law names and the
        answer path load on first use; a server warms them before it says it is ready, so
        the first question is as fast as the tenth.
        """
        import time

        t0 = time.perf_counter()
        self.embeddings.embed_query("法治政府建设")
        self.retriever.refresh()
        self.qa.ask("2021年开展了多少次行政检查？", use_llm=False)
        self.resolver.resolve("《中华人民共和国行政处罚法》第三十二条")
        self.resolver.verify("依据《中华人民共和国行政许可法》第一条。")
        return time.perf_counter() - t0

    def status_line(self) -> str:
        """Which backends are active, in Chinese, for the UI and CLI."""
        emb = self.settings.embedding.backend
        llm = self.settings.llm
        if self.llm is None:
            llm_label = "离线模式：摘录式回答"
        else:
            llm_label = f"大模型：{llm.backend}/{llm.model or llm.gguf_path or ''}"
        store = (
            f"Chroma 服务 {self.settings.chroma.host}"
            if self.settings.chroma.host
            else "本地 Chroma"
        )
        return f"向量模型：{emb} ｜ {llm_label} ｜ 知识库：{store}，{self.store.count()} 个片段"

    def close(self) -> None:
        """Stop anything the assistant started (a local llama.cpp server)."""
        for closer in self.closers:
            closer()
        self.closers.clear()


def build_assistant(settings: Settings | None = None, llm_backend: str | None = None) -> Assistant:
    """Build the assistant from settings (loaded from the environment when omitted).

    Args:
        settings: Settings to use.
        llm_backend: Override ``settings.llm.backend`` (``offline``, ``openai``, ``llamacpp``).
    """
    from assistant.adapters.embeddings import make_embeddings
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.llm import make_chat_model
    from assistant.adapters.rerank import make_reranker
    from assistant.adapters.store import make_store
    from assistant.config import load_settings
    from assistant.core.answering import AnswerService
    from assistant.core.citations import CitationResolver, LawNames
    from assistant.core.document_catalog import KnowledgeArticles
    from assistant.core.drafting.indicators import load_catalogue
    from assistant.core.drafting.service import DraftingService
    from assistant.core.ingest.pipeline import Ingestor
    from assistant.core.retrieval import HybridRetriever

    settings = settings or load_settings()
    if llm_backend:
        settings = settings.model_copy(
            update={"llm": settings.llm.model_copy(update={"backend": llm_backend})}
        )
    embeddings = make_embeddings(settings.embedding)
    store = make_store(settings, embeddings)
    lawlib = LawLibrary(settings.law_db)
    articles = KnowledgeArticles(store)
    names = LawNames.from_resources([*lawlib.law_names(), *articles.law_names()])
    resolver = CitationResolver(lawlib, names, local=articles)
    retriever = HybridRetriever(
        store,
        settings.retrieval,
        names,
        prior=_profile_laws(lawlib, settings),
        reranker=make_reranker(settings.rerank),
        rerank_top_n=settings.rerank.top_n,
        cache_dir=settings.data_dir / "index",
        office_names=settings.answering.office_names,
    )
    closers: list[Any] = []
    llm = make_chat_model(settings.llm)
    if llm is not None and hasattr(llm, "_assistant_close"):
        closers.append(llm._assistant_close)
    qa = AnswerService(
        retriever=retriever,
        resolver=resolver,
        names=names,
        embeddings=embeddings,
        llm=llm,
        settings=settings.answering,
        backend=settings.embedding.backend,
        shelf=articles.reports,
        holdings=articles.holdings,
        documents=articles.chunks_of,
    )
    # The indicator catalogue is built once here and shared by drafting, checks, facts and the UI.
    drafting = DraftingService(
        llm=llm,
        catalogue=load_catalogue(),
        exemplars=_exemplar_source(retriever),
        verify=resolver.verify,
        fonts=settings.export,
        history=names.history,
        embeddings=embeddings,
        past=_past_paragraphs(retriever),
    )
    return Assistant(
        settings=settings,
        embeddings=embeddings,
        store=store,
        lawlib=lawlib,
        names=names,
        articles=articles,
        resolver=resolver,
        retriever=retriever,
        ingestor=Ingestor(
            store,
            lawlib,
            names,
            scans=_scan_reader(settings),
            limits=settings.ingest,
            law_vectors=settings.law_vectors,
        ),
        qa=qa,
        drafting=drafting,
        llm=llm,
        closers=closers,
    )


def _profile_laws(lawlib: Any, settings: Settings) -> list[str]:
    """The laws the office works with (its law profile): a ranking prior; none if unknown."""
    try:
        return lawlib.profile(settings.law_profile)
    except ValueError:
        return []


def _scan_reader(settings: Settings) -> Any:
    """OCR for scanned PDF pages, caching page text under the data folder (None when off)."""
    from assistant.adapters.ocr import make_ocr
    from assistant.core.ingest.scans import ScanReader

    engine = make_ocr(settings.ocr)
    return ScanReader(engine, settings.cache_dir) if engine is not None else None


def _exemplar_source(retriever: HybridRetriever):
    """Style exemplars for LLM drafting: passages of past reports about a section."""

    def exemplars(topic: str, k: int = 3) -> list[str]:
        return [h.text for h in retriever.search(topic, k=k, filters={"doc_type": "report"})]

    return exemplars


def _past_paragraphs(retriever: HybridRetriever):
    """Past-report paragraphs for an area, with the report they come from (offline framing wording)."""

    def past(query: str, k: int = 2) -> list[tuple[str, str]]:
        hits = retriever.search(query, k=k, filters={"doc_type": "report"})
        return [
            (h.text, str(h.metadata.get("title") or h.metadata.get("source") or "往年报告"))
            for h in hits
        ]

    return past
