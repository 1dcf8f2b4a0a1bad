"""Candidate fusion: weighted reciprocal rank fusion of several rankings, and hits from positions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from assistant.documents import Hit

if TYPE_CHECKING:
    from assistant.adapters.store import StoredChunk

SUPERSEDED_PENALTY = 0.7


def rrf(
    rankings: dict[str, Sequence[int]], weights: dict[str, float], rrf_k: float
) -> dict[int, float]:
    """Weighted RRF score of every chunk position found by at least one ranking."""
    scores: dict[int, float] = {}
    for name, positions in rankings.items():
        weight = weights.get(name, 0.0)
        for rank, pos in enumerate(positions, start=1):
            scores[pos] = scores.get(pos, 0.0) + weight / (rrf_k + rank)
    return scores


def to_hits(
    chunks: Sequence[StoredChunk],
    ordered: Sequence[int],
    scores: Sequence[float],
    k: int,
    dense: np.ndarray | None = None,
) -> list[Hit]:
    """The first ``k`` chunks as hits; identical texts (txt/pdf, two copies of a law) kept once."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for pos, score in zip(ordered, scores, strict=True):
        if len(hits) >= k:
            break
        chunk = chunks[pos]
        key = squash(chunk.text)
        if key in seen:
            continue
        seen.add(key)
        meta = dict(chunk.metadata)
        meta["chunk_id"] = chunk.id
        cos = None if dense is None else float(dense[pos])
        if cos is not None:
            meta["dense_score"] = round(cos, 4)
        hits.append(Hit(chunk.text, meta, float(score), cos))
    return hits


def squash(text: str) -> str:
    """Text without whitespace (to spot copies of one passage)."""
    return "".join(text.split())
