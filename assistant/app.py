"""Composition root: :func:`build_assistant` wires every component from settings.

The CLI and the UI call this and nothing else builds clients.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings

OFFLINE_LABEL = "离线摘录"  # the offline mode's name wherever the status is shown

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.reglib import ImportReport, RegulationLibrary
    from assistant.adapters.store import KnowledgeStore
    from assistant.core.answering import AnswerService
    from assistant.core.citations import CitationResolver, CiteResult, LawNames
    from assistant.core.document_catalog import DocumentSummary, KnowledgeArticles
    from assistant.core.drafting.previous import PreviousReport
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
    # Sources being removed right now: listed as 正在删除, and a second removal is refused.
    removing: set[str] = field(default_factory=set)
    _sync_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # Knowledge base -------------------------------------------------------------
    def ingest(
        self, paths: Iterable[Path | str], progress: Progress | None = None, replace: bool = False
    ) -> IngestReport:
        """Ingest files/folders and refresh every index that depends on the store.

        ``replace``: a file replaces the stored document of the same file name even when
        that one came from another folder.
        """
        from assistant.adapters.store import StoreError

        with self.writing(progress):
            report = self.ingestor.ingest_paths(paths, progress, replace=replace)
            try:
                self._refresh_with(progress)
            except StoreError as exc:
                report.error = report.error or str(exc)
        return report

    def _refresh_with(self, progress: Progress | None) -> None:
        """Refresh the indexes as a phase of its own: with a large library it takes a while, and
        a bar standing at 100 % meanwhile looks like a hang."""
        if progress is not None:
            progress.start(1, "正在更新检索索引（知识库较大时需要几十秒）")
        self.refresh()
        if progress is not None:
            progress.advance(1)

    def import_laws(self, profile: str = "all", progress: Progress | None = None) -> IngestReport:
        """Import a law profile (``all`` = the whole library, ``default``, ``renfang`` …).

        The shipped vectors make ``all`` a matter of a minute; see :mod:`assistant.adapters.lawvectors`.
        """
        laws = self.lawlib.profile(profile)
        with self.writing(progress):
            report = self.ingestor.import_laws(laws, progress)
            self._refresh_with(progress)
        return report

    def import_library(self, path: Path | str, progress: Progress | None = None) -> ImportReport:
        """Import a LawRefBook-format folder into the regulation library (cite, verify, search)."""
        with self.writing(progress):
            report = import_library(self.settings, Path(path), progress)
        if self.resolver.regulations is not None:
            self.resolver.refresh()
            for title in self.resolver.regulations.titles():
                self.names.add(title)
        return report

    def init_knowledge(
        self, laws: str | None = "all", progress: Progress | None = None
    ) -> list[IngestReport]:
        """Build the default knowledge base: the law library (``laws`` profile, None = skip)
        and the knowledge folder, refreshing the indexes once at the end rather than per step.
        """
        reports = []
        with self.writing(progress):
            if laws:
                reports.append(self.ingestor.import_laws(self.lawlib.profile(laws), progress))
            if self.settings.knowledge_dir.is_dir():
                reports.append(self.ingestor.ingest_paths([self.settings.knowledge_dir], progress))
            self.refresh()
        return reports

    def remove(self, source: str) -> int:
        """Remove one document by its source name; returns removed chunks.

        Raises:
            UserError: The same document is being removed already (another page or click).
        """
        from assistant.messages import UserError

        if source in self.removing:
            raise UserError(f"“{source}”正在删除中，请稍候刷新列表。")
        self.removing.add(source)
        try:
            with self.writing():
                n = self.ingestor.remove(source)
                if n:
                    self.refresh()
            return n
        finally:
            self.removing.discard(source)

    @contextmanager
    def writing(self, progress: Progress | None = None) -> Iterator[None]:
        """Hold the data directory's write lock (another ingest, here or in another process,
        is waited for) on a store that sees what that one wrote; files stay private (600)."""
        from assistant.adapters.datadir import private_tree, write_lock

        def waiting() -> None:
            if progress is not None:
                progress.start(0, "另一个导入或删除正在进行（同一数据目录），等待其完成")

        with write_lock(self.settings.data_dir, waiting):
            if self.store.sync():
                self.reload()
            try:
                yield
            finally:
                private_tree(self.settings.data_dir)

    def sync(self) -> bool:
        """Pick up what another process (``assistant ingest``) wrote into the same knowledge
        base: a cheap fingerprint check per call, a reload only after a change."""
        with self._sync_lock:
            if not self.store.sync():
                return False
            self.reload()
            return True

    def reload(self) -> None:
        """Re-read the indexes after another process changed the store (its saved snapshot
        is loaded when it matches, so this rarely rebuilds)."""
        self.articles.refresh()
        self.save_articles()
        for law in self.articles.law_names():
            self.names.add(law)
        self.retriever.reload()

    def documents(self) -> list[DocumentSummary]:
        """Summaries of all stored documents (those being removed are marked 正在删除)."""
        from assistant.core.document_catalog import list_documents

        docs = list_documents(self.store, self.retriever.chunks())
        for doc in docs:
            if doc.source in self.removing:
                doc.status = "removing"
        return docs

    def law_profiles(self) -> list[tuple[str, str]]:
        """(Chinese label, name) of each law profile, for a choice list."""
        return self.lawlib.profile_labels()

    def loaded_law_profile(self, docs: list[DocumentSummary] | None = None) -> str | None:
        """The largest law profile whose laws are all in the knowledge base (None: none is)."""
        docs = self.documents() if docs is None else docs
        stored = {d.law or d.title for d in docs if d.origin == "lawlib"}
        citable = set(self.lawlib.citable_law_names())
        complete = [(len(laws), name) for name in self.lawlib.profiles()
                    if (laws := set(self.lawlib.profile(name)) & citable) and laws <= stored]
        return max(complete)[1] if complete else None

    def previous_report(self, draft_year: int | None = None) -> PreviousReport | None:
        """Last year's report in the knowledge base for a draft of ``draft_year`` (any year when
        None), with its text and extracted facts. The UI and the CLI both ask here."""
        reports = [d for d in self.documents() if d.doc_type == "report"]
        own = [d for d in reports if not d.is_sample]  # the demo report only when nothing else
        return self.drafting.previous_report(own or reports, draft_year, self.articles.document_text)

    def refresh(self) -> None:
        """Rebuild the BM25 snapshot, local articles and law names after a change."""
        self.articles.refresh()
        self.save_articles()
        for law in self.articles.law_names():
            self.names.add(law)
        self.retriever.refresh()

    def save_articles(self) -> None:
        """Keep the local articles where ``cite``/``verify`` read them without the store."""
        import logging

        try:
            path = articles_path(self.settings)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.articles.save(path, local_articles_path(self.settings))
        except OSError as exc:
            logging.getLogger(__name__).warning("无法保存本地法规条文：%s", exc)

    # Queries ----------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, filters: dict | None = None) -> list[Hit]:
        """Hybrid search (a 繁体 query is searched as 简体)."""
        from assistant.hanzi import to_simplified

        return self.retriever.search(to_simplified(query), k=k, filters=filters)

    def cite(self, query: str) -> CiteResult:
        """Exact citation lookup (行政處罰法第三十二條 works like 行政处罚法第三十二条)."""
        from assistant.hanzi import to_simplified

        return self.resolver.resolve(to_simplified(query))

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
        """What the assistant answers with and what it holds, in plain Chinese (UI and CLI)."""
        if self.llm is None:
            mode = f"回答方式：{OFFLINE_LABEL}（未接入大模型）"
        else:
            llm = self.settings.llm
            mode = f"回答方式：大模型（{llm.model or llm.backend}）生成，逐句核对依据"
        docs = self.documents()
        own = sum(1 for d in docs if d.origin != "lawlib")
        laws = sum(1 for d in docs if d.origin == "lawlib")
        return f"{mode} ｜ 知识库：本单位文件 {own} 份，内置法律 {laws} 部"

    def close(self) -> None:
        """Stop anything the assistant started (a local llama.cpp server)."""
        for closer in self.closers:
            closer()
        self.closers.clear()


def articles_path(settings: Settings) -> Path:
    """Where the regulation articles of ingested files and the reports held are saved, with the
    store's fingerprint, for ``cite`` and for a fresh process (no store read while it holds)."""
    return settings.cache_dir / "knowledge_articles.json"  # not index/: the snapshot replaces it


def local_articles_path(settings: Settings) -> Path:
    """The articles alone, as a list: what versions before :func:`articles_path` read (a data
    folder may be shared with one), kept up to date beside it."""
    return settings.cache_dir / "local_articles.json"


def build_citations(settings: Settings) -> CitationResolver | None:
    """The citation resolver alone, for ``cite`` and ``verify``: the law library plus the
    saved articles of ingested regulations, without Chroma or the embedding model.

    Returns None when the saved articles are missing (a knowledge base built before they were
    saved): the caller then builds the whole assistant.
    """
    from assistant.adapters.lawlib import LawLibrary
    from assistant.core.document_catalog import KnowledgeArticles

    path = articles_path(settings)
    if not path.is_file():
        path = local_articles_path(settings)
    if settings.chroma.host or not path.is_file():
        return None  # a shared Chroma server may have changed without this folder knowing
    try:
        articles = KnowledgeArticles.load(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with _building("law_db", "内置法律库"):
        lawlib = LawLibrary(settings.law_db)
    return _resolver(lawlib, articles, open_regulations(settings))[1]


def _resolver(
    lawlib: LawLibrary, articles: KnowledgeArticles, regulations: RegulationLibrary
) -> tuple[LawNames, CitationResolver]:
    from assistant.core.citations import CitationResolver, LawNames

    names = LawNames.from_resources(
        [*lawlib.law_names(), *articles.law_names(), *regulations.titles()]
    )
    return names, CitationResolver(lawlib, names, local=articles, regulations=regulations)


def build_assistant(settings: Settings | None = None, llm_backend: str | None = None) -> Assistant:
    """Build the assistant from settings (loaded from the environment when omitted).

    Args:
        settings: Settings to use.
        llm_backend: Override ``settings.llm.backend`` (``offline``, ``openai``, ``llamacpp``).
    """
    from assistant.adapters.embeddings import make_embeddings
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.rerank import make_reranker
    from assistant.adapters.store import make_store
    from assistant.config import load_settings
    from assistant.core.document_catalog import KnowledgeArticles
    from assistant.core.ingest.pipeline import Ingestor
    from assistant.core.retrieval import HybridRetriever
    from assistant.core.retrieval.lexical import Tokenizer

    settings = settings or load_settings()
    if llm_backend:
        settings = settings.model_copy(
            update={"llm": settings.llm.model_copy(update={"backend": llm_backend})}
        )
    with _building("[embedding]", "向量模型"):
        embeddings = make_embeddings(settings.embedding)
    with _building("[chroma] 与 data_dir", "向量数据库"):
        store = make_store(settings, embeddings)
    with _building("law_db", "内置法律库"):
        lawlib = LawLibrary(settings.law_db)
    articles = KnowledgeArticles(
        store, saved=articles_path(settings), legacy=local_articles_path(settings)
    )
    regulations = open_regulations(settings)
    names, resolver = _resolver(lawlib, articles, regulations)
    tokenizer = Tokenizer(cache_dir=settings.cache_dir)
    with _building("[rerank]", "重排序模型"):
        reranker = make_reranker(settings.rerank)
    retriever = HybridRetriever(
        store,
        settings.retrieval,
        names,
        prior=_profile_laws(lawlib, settings),
        reranker=reranker,
        rerank_top_n=settings.rerank.top_n,
        cache_dir=settings.data_dir / "index",
        office_names=settings.answering.office_names,
        tokenizer=tokenizer,
        regulations=_regulation_index(regulations, settings, tokenizer, names.history),
    )
    closers: list[Any] = []
    llm = None
    if settings.llm.backend != "offline":  # offline needs not even the adapter's imports
        with _building("[llm]", "大模型"):
            from assistant.adapters.llm import make_chat_model

            llm = make_chat_model(settings.llm)
    if llm is not None and hasattr(llm, "_assistant_close"):
        closers.append(llm._assistant_close)

    def answering() -> AnswerService:
        from assistant.core.answering import AnswerService

        return AnswerService(
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

    def drafting() -> DraftingService:
        from assistant.adapters.vectorcache import DiskCachedEmbeddings
        from assistant.core.drafting.indicators import load_catalogue
        from assistant.core.drafting.service import DraftingService

        # The indicator catalogue is built once here and shared by drafting, checks, facts and the UI.
        return DraftingService(
            llm=llm,
            catalogue=load_catalogue(),
            exemplars=_exemplar_source(retriever),
            verify=resolver.verify,
            fonts=settings.export,
            history=names.history,
            embeddings=DiskCachedEmbeddings(embeddings, settings.cache_dir),
            past=_past_paragraphs(retriever),
        )
    with _building("[ocr]", "文字识别"):
        scans = _scan_reader(settings)
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
            scans=scans,
            limits=settings.ingest,
            law_vectors=settings.law_vectors,
        ),
        # Built on first use: `search` and `kb list` need neither (nor their imports).
        qa=Deferred(answering),  # type: ignore[arg-type]
        drafting=Deferred(drafting),  # type: ignore[arg-type]
        llm=llm,
        closers=closers,
    )


def _regulation_index(
    regulations: Any, settings: Settings, tokenizer: Any, history: Any = None
) -> Any:
    """Keyword index over the regulation library, saved beside it (repeals known from history)."""
    from assistant.core.citations import LawHistory
    from assistant.core.citations.history import add_regulation_history
    from assistant.core.retrieval.regulations import RegulationIndex

    if history is None:
        history = LawHistory.from_resources()
        add_regulation_history(history, regulations)
    folder = settings.library_dir / "index"
    return RegulationIndex(regulations, settings.retrieval, tokenizer, folder, history=history)


class Deferred:
    """A service built on first use: attribute access builds it once (thread-safe), then
    passes through, so a command that never uses it pays neither its imports nor its set-up."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._deferred_build = build
        self._deferred_value: Any = None
        self._deferred_lock = threading.Lock()

    def deferred_object(self) -> Any:
        """The built service."""
        if self._deferred_value is None:
            with self._deferred_lock:
                if self._deferred_value is None:
                    self._deferred_value = self._deferred_build()
        return self._deferred_value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_deferred"):
            raise AttributeError(name)
        return getattr(self.deferred_object(), name)


class StartupError(RuntimeError):
    """A component could not be built from its settings; ``str()`` is one Chinese line.

    Attributes:
        setting: The settings section to check (``llm``, ``chroma``, ``embedding`` …).
    """

    def __init__(self, setting: str, label: str, exc: BaseException) -> None:
        self.setting = setting
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not _has_chinese(reason):
            reason = f"{type(exc).__name__}: {reason[:120]}"
        super().__init__(f"{label}无法启动：{reason}（请检查配置中的 {setting} 设置）")


@contextmanager
def _building(setting: str, label: str) -> Iterator[None]:
    """Turn any failure while building one component into a :class:`StartupError`."""
    try:
        yield
    except StartupError:
        raise
    except Exception as exc:
        raise StartupError(setting, label, exc) from exc


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


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
            (h.text, str(h.metadata.get("title") or h.metadata.get("source") or "往年报告"),
             str(h.metadata.get("section") or ""))
            for h in hits
        ]

    return past


def open_regulations(settings: Settings) -> RegulationLibrary:
    """The imported regulation library in the data folder (empty until ``library import``)."""
    from assistant.adapters.reglib import DB_NAME, RegulationLibrary

    return RegulationLibrary(settings.library_dir / DB_NAME)


def import_library(
    settings: Settings, path: Path, progress: Progress | None = None
) -> ImportReport:
    """Import a LawRefBook-format folder into the regulation library and index it for search.

    Needs no embedding model or Chroma: articles are citable and searchable by keywords as soon
    as this returns (about half a minute for the whole collection on two cores).
    """
    from assistant.core.retrieval.lexical import Tokenizer

    library = open_regulations(settings)
    step = None
    if progress is not None:
        started: list[bool] = []

        def step(done: int, total: int, name: str) -> None:
            if not started:
                progress.start(total, "导入法规库")
                started.append(True)
            progress.advance(1)

    try:
        report = library.import_folder(path, step)
        index = _regulation_index(library, settings, Tokenizer())
        if report.added or report.replaced or report.removed or not index.saved():
            if progress is not None:
                progress.start(1, "建立法规库关键词索引")
            index.refresh()
            if progress is not None:
                progress.advance(1)
        return report
    finally:
        library.close()
