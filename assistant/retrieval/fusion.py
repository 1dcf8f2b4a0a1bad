"""Candidate fusion: weighted reciprocal rank fusion of several rankings into one list of hits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.documents import Hit

if TYPE_CHECKING:
    from assistant.store import StoredChunk

SUPERSEDED_PENALTY = 0.7


@dataclass
class Candidate:
    """One chunk found by at least one ranking, with its fused score and raw dense cosine."""

    chunk: StoredChunk
    score: float = 0.0
    dense: float | None = None


def rrf(
    rankings: dict[str, list[str]],
    pool: dict[str, Candidate],
    weights: dict[str, float],
    rrf_k: float,
) -> list[Candidate]:
    """Score every candidate by weighted RRF over ``rankings``; best first."""
    for item in pool.values():
        item.score = 0.0
    for name, ids in rankings.items():
        weight = weights.get(name, 0.0)
        for rank, cid in enumerate(ids, start=1):
            pool[cid].score += weight / (rrf_k + rank)
    for item in pool.values():
        if item.chunk.metadata.get("status") == "superseded":
            item.score *= SUPERSEDED_PENALTY
    return sorted(pool.values(), key=lambda r: r.score, reverse=True)


def to_hits(ordered: list[Candidate], k: int, min_score: float = 0.0) -> list[Hit]:
    """The first ``k`` candidates as hits; identical texts (txt/pdf, two copies of a law) kept once."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for item in ordered:
        if item.score <= 0 or item.score < min_score or len(hits) >= k:
            break
        key = squash(item.chunk.text)
        if key in seen:
            continue
        seen.add(key)
        meta = dict(item.chunk.metadata)
        meta["chunk_id"] = item.chunk.id
        if item.dense is not None:
            meta["dense_score"] = round(item.dense, 4)
        hits.append(Hit(item.chunk.text, meta, item.score, item.dense))
    return hits


def squash(text: str) -> str:
    """Text without whitespace (to spot copies of one passage)."""
    return "".join(text.split())
