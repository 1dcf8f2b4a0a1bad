"""In-memory knowledge base for training the ranker: no Chroma writes, no re-embedding.

Law-library articles come with their precomputed vectors (per-law ``.npz`` caches written by
scripts/build_law_vectors.py: ``ids`` exactly as ``Ingestor._prepare_law`` makes them, float16
``vectors``); the office's documents (../shared/corpus) and anything else come from an existing
eval knowledge base (a Chroma folder built by evals/kb.py). Query vectors are cached on disk.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.adapters.store import StoredChunk

LAW_CACHE = Path(os.environ.get("LAW_VECTOR_CACHE", Path.home() / ".cache" / "fazhi-law-vectors"))


class MemoryStore:
    """The two members of ``KnowledgeStore`` the retriever uses, over chunks held in memory."""

    def __init__(self, chunks: list[StoredChunk], embeddings: Embeddings) -> None:
        self.chunks = chunks
        self.embeddings = embeddings

    def count(self) -> int:  # noqa: D102
        return len(self.chunks)

    def iter_chunks(self, include_vectors: bool = False, **_: object) -> Iterator[StoredChunk]:
        """Fresh copies (the retriever moves vectors out of the chunks it reads)."""
        for c in self.chunks:
            yield StoredChunk(c.id, c.text, c.metadata, c.vector if include_vectors else None)


class CachedQueryEmbeddings(Embeddings):
    """Query vectors remembered in a ``.npz`` file (training runs embed the same questions)."""

    def __init__(self, inner: Embeddings, path: Path) -> None:
        self.inner = inner
        self.path = path
        self._cache: dict[str, np.ndarray] = {}
        if path.is_file():
            data = np.load(path)
            self._cache = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        self._dirty = False

    def embed_query(self, text: str) -> list[float]:  # noqa: D102
        if text not in self._cache:
            self._cache[text] = np.asarray(self.inner.embed_query(text), dtype=np.float32)
            self._dirty = True
            if len(self._cache) % 100 == 0:
                self.save()
        return self._cache[text].tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:  # noqa: D102
        return self.inner.embed_documents(texts)

    def save(self) -> None:
        """Write new query vectors to disk."""
        if self._dirty and self._cache:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            texts = list(self._cache)
            np.savez(
                self.path, texts=np.array(texts), vectors=np.stack([self._cache[t] for t in texts])
            )
            self._dirty = False


def law_chunks(lawlib, cache_dir: Path, laws: list[str] | None = None) -> list[StoredChunk]:
    """Chunks of every law (or ``laws``) whose vectors are in ``cache_dir``; others are skipped."""
    from assistant.core.ingest.pipeline import Ingestor

    ingestor = Ingestor(store=None, lawlib=lawlib)  # type: ignore[arg-type]
    out: list[StoredChunk] = []
    for law in laws or lawlib.law_names():
        articles = list(lawlib.articles([law]))
        if not articles:
            continue
        pending = ingestor._prepare_law(law, articles)
        key = hashlib.sha256("\n".join(pending.ids).encode()).hexdigest()[:16]
        path = cache_dir / f"{key}.npz"
        if not path.is_file():
            continue
        data = np.load(path)
        if data["ids"].tolist() != pending.ids:
            continue
        vectors = data["vectors"].astype(np.float32)
        for cid, text, meta, vec in zip(
            pending.ids, pending.texts, pending.metas, vectors, strict=True
        ):
            out.append(StoredChunk(cid, text, meta, vec))
    return out


def store_chunks(chroma_dir: Path, embeddings: Embeddings) -> list[StoredChunk]:
    """Every chunk (with its vector) of an existing eval knowledge base folder."""
    from assistant.adapters.store import make_store
    from assistant.config import load_settings

    settings = load_settings(environ={}, data_dir=chroma_dir)
    return list(make_store(settings, embeddings).iter_chunks(include_vectors=True))


def memory_kb(
    lawlib, law_cache: Path, base_dir: Path | None, embeddings: Embeddings
) -> MemoryStore:
    """Cached law vectors + the chunks of ``base_dir`` (its laws too, when not cached)."""
    chunks = {c.id: c for c in law_chunks(lawlib, law_cache)}
    if base_dir is not None and base_dir.is_dir():
        for c in store_chunks(base_dir, getattr(embeddings, "inner", embeddings)):
            chunks.setdefault(c.id, c)
    return MemoryStore(list(chunks.values()), embeddings)


def training_retriever(law_cache: Path = LAW_CACHE, base: Path | None = None):
    """(retriever, names) over the in-memory KB, without a learned model (fused order)."""
    from assistant.adapters.embeddings import E5Embeddings
    from assistant.adapters.lawlib import LawLibrary
    from assistant.config import RetrievalSettings
    from assistant.core.citations import LawNames
    from assistant.core.retrieval import HybridRetriever
    from evals.kb import DEFAULT_CACHE

    base = base or DEFAULT_CACHE / "default"
    lawlib = LawLibrary()
    embeddings = CachedQueryEmbeddings(E5Embeddings(), DEFAULT_CACHE / "query_vectors.npz")
    store = memory_kb(lawlib, law_cache, base, embeddings)
    names = LawNames.from_resources(lawlib.law_names())
    for c in store.chunks:
        if c.metadata.get("origin") != "lawlib" and c.metadata.get("law"):
            names.add(c.metadata["law"])
    retriever = HybridRetriever(store, RetrievalSettings(), names, prior=lawlib.profile("default"))
    retriever._ranker = _NoModel()
    return retriever, names


class _NoModel:
    """Stands in for the learned model while collecting features (keeps the fused order)."""

    def score(self, rows: np.ndarray) -> np.ndarray:  # noqa: D102
        return -np.arange(len(rows), dtype=np.float64)
