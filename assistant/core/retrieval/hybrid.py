"""Hybrid retriever: dense + BM25 candidates, fused by weighted RRF, ordered by a learned ranker.

One ranking path: ``search(query, k, filters)`` serves search, answering, the UI and the evals.
Laws the query names are detected here from its text and get their own restricted rankings among
the candidates; laws a topic word implies, report intent and the office's law profile are
features of the learned ranker, not filters.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.adapters.rerank import rerank_hits
from assistant.core.ownwork import is_own_work
from assistant.core.retrieval.features import Probe, features
from assistant.core.retrieval.fusion import SUPERSEDED_PENALTY, rrf, to_hits
from assistant.core.retrieval.lexical import BM25Index, Tokenizer
from assistant.core.retrieval.persist import load_snapshot, save_snapshot
from assistant.core.retrieval.ranker import LearnedRanker, RankerError
from assistant.core.retrieval.regulations import RegulationIndex, merge_hits
from assistant.core.retrieval.snapshot import Snapshot, top_positions
from assistant.documents import Hit

if TYPE_CHECKING:
    from pathlib import Path

    from langchain_core.retrievers import BaseRetriever

    from assistant.adapters.rerank import Reranker
    from assistant.adapters.store import KnowledgeStore, StoredChunk
    from assistant.config import RetrievalSettings
    from assistant.core.citations import LawNames

log = logging.getLogger(__name__)
MODES = ("bm25", "dense", "fused", "ranked")


class HybridRetriever:
    """Dense + BM25 candidates over a :class:`KnowledgeStore`, ranked by a learned model."""

    def __init__(
        self,
        store: KnowledgeStore,
        settings: RetrievalSettings,
        names: LawNames | None = None,
        tokenizer: Callable[[str], list[str]] | None = None,
        prior: Collection[str] = (),
        ranker: LearnedRanker | None = None,
        reranker: Reranker | None = None,
        rerank_top_n: int = 20,
        cache_dir: Path | None = None,
        office_names: Collection[str] = (),
        regulations: RegulationIndex | None = None,
    ) -> None:
        """Args:
        prior: Laws the office works with (its law profile): a ranking feature, never a filter.
        ranker: The learned ranker (default: the model shipped with the package, read lazily).
        reranker: A cross-encoder or endpoint (assistant/adapters/rerank.py) that replaces the learned
            ranker on the first ``rerank_top_n`` fused candidates when given.
        cache_dir: Where the snapshot is persisted (assistant/core/retrieval/persist.py).
        office_names: Names of the office, for the own-work feature.
        regulations: Keyword index of the imported regulation library; its hits are merged
            into ``ranked`` results (:meth:`search`).
        """
        self.store = store
        self.cache_dir = cache_dir
        self.rerank_top_n = rerank_top_n
        self.settings = settings
        self.names = names
        self.tokenizer = tokenizer or Tokenizer()
        self.prior = frozenset(prior)
        self.reranker = reranker
        self.office_names = tuple(office_names)
        self._ranker = ranker
        self.regulations = regulations
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

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
                log.warning("无法保存检索索引缓存（下次启动将重新建立）：%s", exc)
        with self._lock:
            self._snapshot = snapshot

    def reload(self) -> None:
        """Forget the snapshot: the next search loads the saved one if it matches the store
        (another process saved it after writing), else rebuilds."""
        with self._lock:
            self._snapshot = None
        self._current()

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

    def ranker(self) -> LearnedRanker | None:
        """The learned ranker, read on first use; None (fused order) when it cannot be loaded."""
        if self._ranker is None:
            try:
                self._ranker = LearnedRanker.packaged()
            except RankerError as exc:
                log.warning("%s；改用融合排序", exc)
                return None
        return self._ranker

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
        *,
        mode: str = "ranked",
    ) -> list[Hit]:
        """Search the knowledge base.

        Args:
            query: Question in plain Chinese; laws it names are detected from the text.
            k: Number of hits (default from settings).
            filters: ``doc_type``, ``year``, ``law``, ``source`` (value or list) and
                ``current_only`` (bool).
            mode: ``ranked`` (the one path for users); ``fused``, ``dense`` and ``bm25`` expose
                the earlier stages for evaluation.
        """
        query = query.strip()
        mode = "ranked" if mode == "hybrid" else mode
        if mode not in MODES:
            raise ValueError(f"未知的检索模式“{mode}”，可用：{'、'.join(MODES)}")
        hits = self._search_kb(query, k or self.settings.k, filters, mode)
        if mode == "ranked" and self.regulations is not None:
            hits = self._with_regulations(query, hits, k or self.settings.k, filters)
        return hits

    def _with_regulations(
        self, query: str, hits: list[Hit], k: int, filters: dict[str, Any] | None
    ) -> list[Hit]:
        """Merge keyword hits of the regulation library (laws in force, regulations only)."""
        where = _where(filters) or {}
        if set(where) - {"doc_type", "law", "status"}:
            return hits  # year / source filters name knowledge-base documents
        if where.get("doc_type") not in (None, "regulation"):
            return hits
        named = self.names.mentioned(query) if self.names else []
        if where.get("law"):
            named = [where["law"]] if isinstance(where["law"], str) else list(where["law"])
        implied = self.names.implied(query) if self.names and not where.get("law") else []
        found = self.regulations.search(query, k, named, implied)
        if where.get("law"):
            found = [h for h in found if h.metadata.get("law") in named]
        if not found:
            return hits
        in_kb = {h.metadata.get("law") for h in hits}
        in_library = {h.metadata.get("law") for h in found}
        library_first = any(n not in in_kb and n in in_library for n in named)
        return merge_hits(hits, found, k, self.settings.rrf_k, library_first)

    def _search_kb(
        self, query: str, k: int, filters: dict[str, Any] | None, mode: str
    ) -> list[Hit]:
        snap = self._current()
        where = _where(filters)
        mask = snap.words.mask(where)
        if not query or not len(snap.chunks) or (mask is not None and not mask.any()):
            return []
        probe = self.probe(query, snap, dense=mode != "bm25")
        dense = probe.dense if mode != "bm25" else None
        if mode in ("dense", "bm25"):
            scores = probe.dense if mode == "dense" else probe.words
            lexical = None if mode == "dense" else scores > 0
            top = top_positions(scores, 2 * k, _and(mask, lexical))
            return to_hits(snap.chunks, top, scores[top], k, dense)
        fused = self.candidates(probe, snap, where, mask)
        if mode == "fused":
            return to_hits(snap.chunks, list(fused), list(fused.values()), k, dense)
        if self.reranker is not None:
            n = max(k, self.rerank_top_n)
            hits = to_hits(snap.chunks, list(fused), list(fused.values()), n, dense)
            return rerank_hits(self.reranker, query, hits, self.rerank_top_n)[:k]
        order, scores = self.rank(probe, snap, list(fused))
        return to_hits(snap.chunks, order, scores, k, dense)

    def probe(self, query: str, snap: Snapshot, dense: bool = True) -> Probe:
        """Score the query against every chunk (dense and both BM25s) and read what it names."""
        named = self.names.mentioned(query) if self.names else []
        implied = [n for n in (self.names.implied(query) if self.names else []) if n not in named]
        if dense:
            cosines = snap.cosines(self.store.embeddings.embed_query(query))
        else:
            cosines = np.zeros(len(snap.chunks), dtype=np.float32)
        return Probe(
            query=query,
            terms=self.tokenizer(query),
            named=named,
            implied=implied,
            own_work=is_own_work(query, self.office_names),
            dense=cosines,
            words=snap.words.scores(query),
            bigrams=snap.bigrams.scores(query),
        )

    def candidates(
        self, probe: Probe, snap: Snapshot, where: dict | None, mask: np.ndarray | None
    ) -> dict[int, float]:
        """Fused candidates (position -> RRF score, best first) from global and scoped rankings."""
        scopes: dict[str, np.ndarray | None] = {"": mask}
        # Scopes narrow the caller's filter, never widen it.
        if probe.named:
            scopes["law_"] = _and(mask, snap.words.mask({"law": list(probe.named)}))
        if probe.implied:
            scopes["topic_"] = _and(mask, snap.words.mask({"law": list(probe.implied)}))
        if (where or {}).get("doc_type") in (None, "report"):
            key = "report_" if probe.own_work else "reportbase_"
            scopes[key] = _and(mask, snap.words.mask({"doc_type": "report"}))
        n = self.settings.candidates
        rankings: dict[str, list[int]] = {}
        for prefix, scope in scopes.items():
            rankings[prefix + "dense"] = top_positions(probe.dense, n, scope).tolist()
            for name in ("words", "bigrams"):
                scores = getattr(probe, name)
                rankings[prefix + name] = top_positions(scores, n, _and(scope, scores > 0)).tolist()
        probe.ranks = {
            name: {pos: rank for rank, pos in enumerate(rankings[name], start=1)}
            for name in ("dense", "words", "bigrams")
        }
        scores = rrf(rankings, self.weights(), self.settings.rrf_k)
        for pos in scores:
            if snap.table.superseded[pos]:
                scores[pos] *= SUPERSEDED_PENALTY
        return dict(sorted(scores.items(), key=lambda item: item[1], reverse=True))

    def rank(self, probe: Probe, snap: Snapshot, fused: list[int]) -> tuple[list[int], list[float]]:
        """Reorder the first ``rank_depth`` fused candidates by the reranker or learned model."""
        depth = self.settings.rank_depth
        head, tail = fused[:depth], fused[depth:]
        if self.reranker is not None:
            scores = np.asarray(
                self.reranker.score(probe.query, [snap.chunks[p].text for p in head])
            )
        else:
            model = self.ranker()
            if model is None:
                return fused, [1.0 / (1 + i) for i in range(len(fused))]
            rows = features(
                probe, np.asarray(head), snap.table, self.prior, self.settings.candidates
            )
            scores = model.score(rows)
        order = np.argsort(-scores, kind="stable")
        ranked = [head[i] for i in order] + tail
        # Scores as probabilities-like values in (0, 1), so "higher is better" and > 0 hold.
        values = [1.0 / (1.0 + math.exp(-float(scores[i]))) for i in order]
        return ranked, values + [0.0] * len(tail)

    def weights(self) -> dict[str, float]:
        """RRF weight of each ranking name produced by :meth:`candidates`."""
        s = self.settings
        base = {"dense": s.dense_weight, "words": s.bm25_weight, "bigrams": s.bigram_weight}
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

    def as_langchain(self, k: int | None = None) -> BaseRetriever:
        """This retriever as a LangChain ``BaseRetriever`` (for LCEL chains)."""
        from assistant.core.retrieval.langchain_retriever import KnowledgeRetriever

        return KnowledgeRetriever(hybrid=self, k=k or self.settings.k)


def _where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    if not filters:
        return None
    out = {
        key: v for key, v in filters.items() if key != "current_only" and v not in (None, "", [])
    }
    if filters.get("current_only"):
        out["status"] = "current"
    return out or None


def _and(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    return a if b is None else a & b
