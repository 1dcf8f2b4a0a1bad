"""Hybrid retriever: dense (in-memory snapshot of Chroma vectors) + BM25, fused by weighted RRF.

Law-aware: when a query names or implies a law (行政处罚法, 人防, 信访…), rankings
restricted to that law's chunks join the fusion, so its articles rise to the top.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.documents import Hit
from assistant.rerank import rerank_hits
from assistant.retrieval.fusion import Candidate, rrf, to_hits
from assistant.retrieval.lexical import BM25Index, QueryExpander, Tokenizer
from assistant.retrieval.persist import load_snapshot, save_snapshot
from assistant.retrieval.snapshot import Snapshot, top_positions

if TYPE_CHECKING:
    from pathlib import Path

    from assistant.citations import LawNames
    from assistant.config import RetrievalSettings
    from assistant.rerank import Reranker
    from assistant.store import KnowledgeStore, StoredChunk

logger = logging.getLogger(__name__)


class HybridRetriever:
    """Dense + BM25 + law-aware retrieval over a :class:`KnowledgeStore`."""

    def __init__(
        self,
        store: KnowledgeStore,
        settings: RetrievalSettings,
        names: LawNames | None = None,
        tokenizer: Callable[[str], list[str]] | None = None,
        reranker: Reranker | None = None,
        rerank_top_n: int = 20,
        cache_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.cache_dir = cache_dir  # persisted snapshot (assistant/retrieval/persist.py)
        self.reranker = reranker  # optional second stage (assistant/rerank.py)
        self.rerank_top_n = rerank_top_n
        self.settings = settings
        self.names = names
        self.tokenizer = tokenizer or Tokenizer()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self.expand = QueryExpander()

    def refresh(self) -> None:
        """Rebuild the snapshot (vectors, BM25 words and bigrams) after the store changed."""
        # The fingerprint is read first: a write during the build makes the saved copy stale.
        fingerprint = self.store.fingerprint() if self.cache_dir else ""
        chunks = self.store.iter_chunks(include_vectors=True)
        snapshot = Snapshot.build(chunks, self.tokenizer)
        if self.cache_dir:
            try:
                save_snapshot(snapshot, self.cache_dir, fingerprint)
            except OSError as exc:
                logger.warning("无法保存检索索引缓存（下次启动将重新建立）：%s", exc)
        with self._lock:
            self._snapshot = snapshot

    def _current(self) -> Snapshot:
        """The current snapshot: loaded from the cache when the store is unchanged, else built."""
        if self._snapshot is None and self.cache_dir:
            loaded = load_snapshot(self.cache_dir, self.store.fingerprint(), self.tokenizer)
            if loaded is not None:
                with self._lock:
                    self._snapshot = self._snapshot or loaded
        if self._snapshot is None:
            self.refresh()
        with self._lock:
            assert self._snapshot is not None
            return self._snapshot

    def chunks(self) -> list[StoredChunk]:
        """Every chunk of the current snapshot (metadata and text, no vectors)."""
        return self._current().chunks

    @property
    def bm25(self) -> BM25Index:
        """The current jieba-word BM25 index."""
        return self._current().words

    @property
    def bigram(self) -> BM25Index:
        """The current character-bigram BM25 index."""
        return self._current().bigrams

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: dict[str, Any] | None = None,
        laws: list[str] | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """Search the knowledge base.

        Args:
            query: Question in plain Chinese.
            k: Number of hits (default from settings).
            filters: ``doc_type``, ``year``, ``law``, ``source`` (value or list) and
                ``current_only`` (bool).
            laws: Laws to favour as if named; detected from the query when None.
            mode: ``hybrid``, ``dense`` or ``bm25`` (the latter two for evaluation).
        """
        query = query.strip()
        if not query:
            return []
        pool: dict[str, Candidate] = {}
        rankings = self.rankings(query, filters, laws, mode, pool)
        k = k or self.settings.k
        if self.reranker is None or mode != "hybrid":
            return self.fuse(rankings, pool, k)
        hits = self.fuse(rankings, pool, max(k, self.rerank_top_n))
        return rerank_hits(self.reranker, query, hits, self.rerank_top_n)[:k]

    def rankings(
        self,
        query: str,
        filters: dict[str, Any] | None,
        laws: list[str] | None,
        mode: str,
        pool: dict[str, Candidate],
    ) -> dict[str, list[str]]:
        """Ranked chunk ids per retriever: global dense/BM25 plus law- and report-restricted lists."""
        where = _where(filters)
        named = laws if laws is not None else (self.names.mentioned(query) if self.names else [])
        implied = [] if laws is not None or not self.names else self.names.implied(query)
        implied = [law for law in implied if law not in named]
        scopes: dict[str, dict[str, Any] | None] = {"": where}
        if mode == "hybrid":
            if named:
                scopes["law_"] = {**(where or {}), "law": list(named)}
            if implied:
                scopes["topic_"] = {**(where or {}), "law": list(implied)}
            if (where or {}).get("doc_type") in (None, "report"):
                # Reports are a few dozen chunks among thousands of articles: give them their own
                # ranking, weighted up when the question is about the office's own work.
                key = "report_" if report_intent(query) else "reportbase_"
                scopes[key] = {**(where or {}), "doc_type": "report"}
        vector = self.store.embeddings.embed_query(query) if mode in ("hybrid", "dense") else None
        sparse_query = self.expand(query) if mode == "hybrid" else query
        out: dict[str, list[str]] = {}
        for prefix, scope in scopes.items():
            if vector is not None:
                out[prefix + "dense"] = self._dense(vector, scope, pool)
            if mode in ("hybrid", "bm25"):
                out[prefix + "bm25"] = self._sparse(self.bm25, sparse_query, scope, pool)
            if mode == "hybrid" and self.settings.bigram_weight > 0:
                out[prefix + "bigram"] = self._sparse(self.bigram, sparse_query, scope, pool)
        return out

    def weights(self) -> dict[str, float]:
        """RRF weight of each ranking name produced by :meth:`rankings`."""
        s = self.settings
        base = {"dense": s.dense_weight, "bm25": s.bm25_weight, "bigram": s.bigram_weight}
        out = dict(base)
        boosts = (
            ("law_", s.law_boost),
            ("topic_", s.topic_boost),
            ("report_", s.report_boost),
            ("reportbase_", s.report_base_boost),
        )
        for prefix, boost in boosts:
            out.update({prefix + name: boost * w for name, w in base.items()})
        return out

    def _dense(
        self, vector: list[float], where: dict | None, pool: dict[str, Candidate]
    ) -> list[str]:
        snap = self._current()
        if not len(snap.chunks):
            return []
        sims = snap.cosines(vector)
        ranked = []
        for pos in top_positions(sims, self.settings.candidates, snap.words.mask(where)):
            chunk = snap.chunks[pos]
            item = pool.setdefault(chunk.id, Candidate(chunk))
            item.dense = float(sims[pos])
            ranked.append(chunk.id)
        return ranked

    def _sparse(
        self, index: BM25Index, query: str, where: dict | None, pool: dict[str, Candidate]
    ) -> list[str]:
        mask = index.mask(where)
        if mask is not None and not mask.any():
            return []
        ranked = []
        for pos, _score in index.search(query, self.settings.candidates, mask):
            chunk = index.chunks[pos]
            pool.setdefault(chunk.id, Candidate(chunk))
            ranked.append(chunk.id)
        return ranked

    def fuse(self, rankings: dict[str, list[str]], pool: dict[str, Candidate], k: int) -> list[Hit]:
        """Weighted reciprocal rank fusion of ``rankings`` into the first ``k`` hits."""
        ordered = rrf(rankings, pool, self.weights(), self.settings.rrf_k)
        return to_hits(ordered, k, self.settings.min_score)

    def as_langchain(self, k: int | None = None) -> BaseRetriever:
        """This retriever as a LangChain ``BaseRetriever`` (for LCEL chains)."""
        return KnowledgeRetriever(hybrid=self, k=k or self.settings.k)


class KnowledgeRetriever(BaseRetriever):
    """LangChain adapter over :class:`HybridRetriever`."""

    hybrid: Any
    k: int = 10

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.hybrid.search(query, k=self.k)
        return [
            Document(page_content=h.text, metadata={**h.metadata, "score": h.score}) for h in hits
        ]


def _where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    if not filters:
        return None
    out = {
        key: v for key, v in filters.items() if key != "current_only" and v not in (None, "", [])
    }
    if filters.get("current_only"):
        out["status"] = "current"
    return out or None


# Questions about the office's own work (figures, what was done) rather than about the law.
_REPORT_INTENT = re.compile(
    r"去年|今年|上年|前年|明年|全年|本年度|上一年|20\d\d年|我们|我办|本办|咱们|本单位|单位里|"
    r"报告|开展了|做了|搞了|办了|多少|几[次个件场支处封本项]|有没有|情况|成绩|不足|安排|打算"
)


def report_intent(query: str) -> bool:
    """Whether a query asks about the office's own reports rather than about a law."""
    return bool(_REPORT_INTENT.search(query))
