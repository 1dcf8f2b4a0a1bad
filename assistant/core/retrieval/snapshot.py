"""Dense snapshot: the store's chunks read once, with both keyword indexes and the vector matrix.

Dense search runs as one matrix product over the snapshot instead of a Chroma query per filter:
tens of thousands of chunks (384 floats each) fit in memory, and every restricted ranking then
costs a masked top-k, not another round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.core.retrieval.features import ChunkTable
from assistant.core.retrieval.lexical import BigramQuery, BM25Index, char_bigrams

if TYPE_CHECKING:
    from assistant.adapters.store import StoredChunk


@dataclass
class Snapshot:
    """Chunks as last read from the store: keyword indexes, unit-row vectors and chunk facts."""

    words: BM25Index
    bigrams: BM25Index
    matrix: np.ndarray
    table: ChunkTable | None = None  # type: ignore[assignment]  # built from the chunks when omitted

    def __post_init__(self) -> None:
        if self.table is None:
            self.table = ChunkTable.build(self.chunks)

    @property
    def chunks(self) -> list[StoredChunk]:
        """The chunks, in the row order of :attr:`matrix`, both indexes and :attr:`table`."""
        return self.words.chunks

    @classmethod
    def build(
        cls, chunks: Sequence[StoredChunk], tokenizer: Callable[[str], list[str]]
    ) -> Snapshot:
        """Index ``chunks`` (read with their vectors); the vectors move into the matrix."""
        chunks = list(chunks)
        matrix = unit_rows([c.vector for c in chunks])
        for c in chunks:
            c.vector = None  # the matrix holds them now
        return cls(
            BM25Index(chunks, tokenizer),
            BM25Index(chunks, char_bigrams, BigramQuery(tokenizer)),
            matrix,
            ChunkTable.build(chunks),
        )

    def cosines(self, vector: Sequence[float]) -> np.ndarray:
        """Cosine of ``vector`` against every chunk."""
        # einsum, not BLAS: OpenBLAS worker threads keep spinning after a matmul and starve the
        # embedding engine's OpenMP threads on a 2-core machine (query embedding 19 -> 50 ms).
        vec = np.asarray(vector, dtype=np.float32)
        norm = float(np.sqrt(np.einsum("i,i->", vec, vec))) or 1.0
        return np.einsum("ij,j->i", self.matrix, vec) / norm


def top_positions(scores: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Positions of the ``n`` highest finite scores (within ``mask``), best first."""
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    n = min(n, len(scores))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return top[np.isfinite(scores[top])]


def unit_rows(vectors: list[Any]) -> np.ndarray:
    """Stack vectors as float32 rows of length 1 (zero rows stay zero)."""
    if not vectors:
        return np.zeros((0, 1), dtype=np.float32)
    m = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)
