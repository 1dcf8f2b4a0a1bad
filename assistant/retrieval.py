"""Hybrid retrieval: dense (Chroma) + BM25 over jieba tokens, fused by weighted RRF.

Law-aware: when a query names or implies a law (行政处罚法, 人防, 信访…), rankings
restricted to that law's chunks join the fusion, so its articles rise to the top.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.documents import Hit

if TYPE_CHECKING:
    from assistant.config import RetrievalSettings
    from assistant.lawnames import LawNames
    from assistant.store import KnowledgeStore, StoredChunk

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
SUPERSEDED_PENALTY = 0.7


class Tokenizer:
    """jieba search-mode tokens without punctuation and stopwords."""

    def __init__(self, stopwords: set[str] | None = None) -> None:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        self._jieba = jieba
        self.stopwords = stopwords if stopwords is not None else load_stopwords()

    def __call__(self, text: str) -> list[str]:
        """Tokenise one text."""
        out = []
        for tok in self._jieba.lcut_for_search(text):
            tok = tok.strip().lower()
            if not tok or _PUNCT.fullmatch(tok) or tok in self.stopwords:
                continue
            out.append(tok)
        return out


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+|[0-9a-z][0-9a-z.%]*", re.IGNORECASE)


def char_bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of each CJK run; numbers and Latin words kept whole."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        if run[0] >= "\u4e00":
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


class BigramQuery:
    """Query side of the bigram index: bigrams of the content words only (no stopwords)."""

    def __init__(self, words: Callable[[str], list[str]]) -> None:
        self.words = words

    def __call__(self, text: str) -> list[str]:
        """Tokenise one query."""
        return [bg for word in self.words(text) for bg in char_bigrams(word)]


class QueryExpander:
    """Adds legal vocabulary for colloquial phrases (resources/colloquial.yaml) to a query."""

    def __init__(self, expansions: dict[str, list[str]] | None = None) -> None:
        if expansions is None:
            from importlib.resources import files

            import yaml

            text = files("assistant.resources").joinpath("colloquial.yaml").read_text(encoding="utf-8")
            expansions = yaml.safe_load(text)["expansions"]
        self.expansions = {k: list(v) for k, v in expansions.items()}

    def __call__(self, query: str) -> str:
        """The query followed by the legal terms its colloquial phrases stand for."""
        extra: list[str] = []
        for phrase, terms in self.expansions.items():
            if phrase in query:
                extra.extend(t for t in terms if t not in extra and t not in query)
        return f"{query} {' '.join(extra)}" if extra else query


def load_stopwords() -> set[str]:
    """Stopwords shipped in assistant/resources/stopwords.txt."""
    from importlib.resources import files

    text = files("assistant.resources").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return {w.strip() for w in text.split() if w.strip() and not w.startswith("#")}


class BM25Index:
    """bm25s index over a snapshot of the store's chunks."""

    def __init__(
        self,
        chunks: Sequence[StoredChunk],
        tokenizer: Callable[[str], list[str]],
        query_tokenizer: Callable[[str], list[str]] | None = None,
    ) -> None:
        import bm25s

        self.chunks = list(chunks)
        self.tokenizer = query_tokenizer or tokenizer
        self._bm25 = bm25s.BM25()
        corpus = [tokenizer(_index_text(c)) or ["∅"] for c in self.chunks]
        self._empty = not self.chunks
        if not self._empty:
            self._bm25.index(corpus, show_progress=False)
        self._masks: dict[str, np.ndarray] = {}

    def mask(self, where: dict[str, Any] | None) -> np.ndarray | None:
        """Boolean mask of chunks matching ``where`` (cached: filters repeat across queries)."""
        if not where:
            return None
        key = repr(sorted((k, sorted(v) if isinstance(v, list) else v) for k, v in where.items()))
        if key not in self._masks:
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[key] = np.array([_matches(c.metadata, where) for c in self.chunks], dtype=bool)
        return self._masks[key]

    def search(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k chunk positions with BM25 scores (> 0 only)."""
        tokens = self.tokenizer(query)
        if self._empty or not tokens:
            return []
        k = min(k, len(self.chunks))
        ids, scores = self._bm25.retrieve(
            [tokens], k=k, show_progress=False, weight_mask=mask, n_threads=1
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]


def _index_text(chunk: StoredChunk) -> str:
    m = chunk.metadata
    # Titles and headings are searchable too (staff often name the law or the section).
    head = " ".join(str(m.get(key, "")) for key in ("title", "chapter", "section"))
    return f"{head} {chunk.text}"


@dataclass
class _Ranked:
    chunk: StoredChunk
    score: float = 0.0
    dense: float | None = None


class HybridRetriever:
    """Dense + BM25 + law-aware retrieval over a :class:`KnowledgeStore`."""

    def __init__(
        self,
        store: KnowledgeStore,
        settings: RetrievalSettings,
        names: LawNames | None = None,
        tokenizer: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.names = names
        self.tokenizer = tokenizer or Tokenizer()
        self._lock = threading.Lock()
        self._bm25: BM25Index | None = None
        self._bigram: BM25Index | None = None
        self._matrix: np.ndarray | None = None
        self.expand = QueryExpander()

    def refresh(self) -> None:
        """Rebuild the in-memory snapshots (vectors, BM25 words and bigrams) after a change.

        Dense search runs as one matrix product over the snapshot instead of a Chroma query per
        filter: a few thousand to ~25k chunks fit in memory (384 floats each) and every
        restricted ranking then costs a masked top-k, not another round trip.
        """
        chunks = list(self.store.iter_chunks(include_vectors=True))
        index = BM25Index(chunks, self.tokenizer)
        bigram = BM25Index(chunks, char_bigrams, BigramQuery(self.tokenizer))
        matrix = _unit_rows([c.vector for c in chunks])
        for c in chunks:
            c.vector = None  # the matrix holds them now
        with self._lock:
            self._bm25, self._bigram, self._matrix = index, bigram, matrix

    @property
    def bigram(self) -> BM25Index:
        """The current character-bigram BM25 snapshot."""
        if self._bigram is None:
            self.refresh()
        assert self._bigram is not None
        return self._bigram

    @property
    def bm25(self) -> BM25Index:
        """The current BM25 snapshot (built on first use)."""
        if self._bm25 is None:
            self.refresh()
        assert self._bm25 is not None
        return self._bm25

    def _vectors(self) -> tuple[BM25Index, np.ndarray | None]:
        """The chunk list and its vector matrix from the same snapshot."""
        self.bm25  # noqa: B018 - builds the snapshot on first use
        with self._lock:
            return self._bm25, self._matrix  # type: ignore[return-value]

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
        pool: dict[str, _Ranked] = {}
        rankings = self.rankings(query, filters, laws, mode, pool)
        return self.fuse(rankings, pool, k or self.settings.k)

    def rankings(
        self,
        query: str,
        filters: dict[str, Any] | None,
        laws: list[str] | None,
        mode: str,
        pool: dict[str, _Ranked],
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

    def _dense(self, vector: list[float], where: dict | None, pool: dict[str, _Ranked]) -> list[str]:
        index, matrix = self._vectors()
        if matrix is None or not len(index.chunks):
            return []
        # einsum, not BLAS: OpenBLAS worker threads keep spinning after a matmul and starve the
        # embedding engine's OpenMP threads on a 2-core machine (query embedding 19 -> 50 ms).
        vec = np.asarray(vector, dtype=np.float32)
        sims = np.einsum("ij,j->i", matrix, vec) / (float(np.sqrt(np.einsum("i,i->", vec, vec))) or 1.0)
        mask = index.mask(where)
        if mask is not None:
            sims = np.where(mask, sims, -np.inf)
        n = min(self.settings.candidates, len(sims))
        top = np.argpartition(-sims, n - 1)[:n]
        ranked = []
        for pos in top[np.argsort(-sims[top])]:
            if not np.isfinite(sims[pos]):
                break
            chunk = index.chunks[pos]
            item = pool.setdefault(chunk.id, _Ranked(chunk))
            item.dense = float(sims[pos])
            ranked.append(chunk.id)
        return ranked

    def _sparse(
        self, index: BM25Index, query: str, where: dict | None, pool: dict[str, _Ranked]
    ) -> list[str]:
        mask = index.mask(where)
        if mask is not None and not mask.any():
            return []
        ranked = []
        for pos, _score in index.search(query, self.settings.candidates, mask):
            chunk = index.chunks[pos]
            pool.setdefault(chunk.id, _Ranked(chunk))
            ranked.append(chunk.id)
        return ranked

    def fuse(self, rankings: dict[str, list[str]], pool: dict[str, _Ranked], k: int) -> list[Hit]:
        """Weighted reciprocal rank fusion; identical texts (txt/pdf, two copies of a law) kept once."""
        rrf_k = self.settings.rrf_k
        weights = self.weights()
        for item in pool.values():
            item.score = 0.0
        for name, ids in rankings.items():
            weight = weights.get(name, 0.0)
            for rank, cid in enumerate(ids, start=1):
                pool[cid].score += weight / (rrf_k + rank)
        for item in pool.values():
            if item.chunk.metadata.get("status") == "superseded":
                item.score *= SUPERSEDED_PENALTY
        ordered = sorted(pool.values(), key=lambda r: r.score, reverse=True)
        hits: list[Hit] = []
        seen: set[str] = set()
        for item in ordered:
            if item.score <= 0 or item.score < self.settings.min_score or len(hits) >= k:
                break
            key = _squash(item.chunk.text)
            if key in seen:
                continue
            seen.add(key)
            meta = dict(item.chunk.metadata)
            meta["chunk_id"] = item.chunk.id
            if item.dense is not None:
                meta["dense_score"] = round(item.dense, 4)
            hits.append(Hit(item.chunk.text, meta, item.score))
        return hits

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
        return [Document(page_content=h.text, metadata={**h.metadata, "score": h.score}) for h in hits]


def _where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    if not filters:
        return None
    out = {key: v for key, v in filters.items() if key != "current_only" and v not in (None, "", [])}
    if filters.get("current_only"):
        out["status"] = "current"
    return out or None


def _matches(meta: dict[str, Any], where: dict[str, Any]) -> bool:
    for key, value in where.items():
        have = meta.get(key)
        if isinstance(value, list | tuple | set):
            if have not in value:
                return False
        elif have != value:
            return False
    return True


def _unit_rows(vectors: list[Any]) -> np.ndarray:
    if not vectors:
        return np.zeros((0, 1), dtype=np.float32)
    m = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


def _squash(text: str) -> str:
    return "".join(text.split())


# Questions about the office's own work (figures, what was done) rather than about the law.
_REPORT_INTENT = re.compile(
    r"去年|今年|上年|前年|明年|全年|本年度|上一年|20\d\d年|我们|我办|本办|咱们|本单位|单位里|"
    r"报告|开展了|做了|搞了|办了|多少|几[次个件场支处封本项]|有没有|情况|成绩|不足|安排|打算"
)


def report_intent(query: str) -> bool:
    """Whether a query asks about the office's own reports rather than about a law."""
    return bool(_REPORT_INTENT.search(query))
