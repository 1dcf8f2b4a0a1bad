"""Ranking features of the fused candidates: vectorised numpy over at most ~50 chunks per query.

Per-chunk facts that do not depend on the query (law, doc type, article position…) are computed
once per snapshot in :class:`ChunkTable`; per query only the candidates' rows are gathered.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from assistant.adapters.store import StoredChunk

# Order matters: the learned model is trained on columns in exactly this order (checked on load).
FEATURES = (
    "dense",  # raw cosine query/chunk
    "dense_gap",  # cosine minus the best candidate's cosine
    "dense_rank",  # log2(1 + rank) in the global dense ranking (depth+1 when absent)
    "words",  # jieba-word BM25 score / best word score of the query
    "words_rank",
    "bigrams",  # character-bigram BM25 score / best bigram score of the query
    "bigrams_rank",
    "fused_rank",  # log2(1 + rank) after reciprocal rank fusion
    "law_named",  # the chunk's law is named in the query
    "query_names_law",
    "law_implied",  # the chunk's law is implied by a topic word of the query
    "query_implies_law",
    "law_dense_gap",  # best cosine among candidates of the same law minus the best overall
    "law_share",  # share of the candidates that come from the chunk's law
    "in_profile",  # the chunk's law is one the office works with (the profile prior)
    "from_file",  # the office's own document (not the built-in law library)
    "is_report",
    "own_work",  # the question is about the office's own work
    "own_work_report",  # own_work and is_report
    "superseded",
    "title_terms",  # share of the question's terms found in the title / law name
    "heading_terms",  # share found in the chapter and section headings
    "article_pos",  # article number / the law's last article number
    "paragraph",  # paragraph of a split article (0 when whole)
    "text_len",  # log2 of the chunk length in characters
    "query_len",  # log2 of the question length in characters
)


@dataclass
class ChunkTable:
    """Query-independent facts about every chunk of a snapshot, as arrays in row order."""

    laws: list[str]  # distinct law / title names; codes index into it
    law_code: np.ndarray
    is_report: np.ndarray
    from_file: np.ndarray
    superseded: np.ndarray
    article_pos: np.ndarray
    paragraph: np.ndarray
    text_len: np.ndarray
    titles: list[str]
    headings: list[str]
    _codes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, chunks: Sequence[StoredChunk]) -> ChunkTable:
        """Read the facts from the chunks' metadata."""
        metas = [c.metadata for c in chunks]
        names = [str(m.get("law") or m.get("title") or m.get("source") or "") for m in metas]
        laws = sorted(set(names))
        codes = {name: i for i, name in enumerate(laws)}
        law_code = np.array([codes[n] for n in names], dtype=np.int32)
        article_no = np.array([_int(m.get("article_no")) for m in metas], dtype=np.float32)
        last = np.zeros(len(laws), dtype=np.float32)
        if len(law_code):
            np.maximum.at(last, law_code, article_no)
        return cls(
            laws=laws,
            law_code=law_code,
            is_report=np.array([m.get("doc_type") == "report" for m in metas], dtype=np.float32),
            from_file=np.array([m.get("origin") != "lawlib" for m in metas], dtype=np.float32),
            superseded=np.array([m.get("status") == "superseded" for m in metas], dtype=np.float32),
            article_pos=article_no / np.where(last[law_code] > 0, last[law_code], 1.0),
            paragraph=np.array([_int(m.get("paragraph")) for m in metas], dtype=np.float32),
            text_len=np.log2(1.0 + np.array([len(c.text) for c in chunks], dtype=np.float32)),
            titles=[str(m.get("title") or m.get("law") or "") for m in metas],
            headings=[f"{m.get('chapter') or ''} {m.get('section') or ''}" for m in metas],
            _codes=codes,
        )

    def codes(self, names: Collection[str]) -> np.ndarray:
        """Codes of the known names among ``names``."""
        return np.array([self._codes[n] for n in names if n in self._codes], dtype=np.int32)


@dataclass
class Probe:
    """What one query scored against every chunk, plus what the query itself says."""

    query: str
    terms: list[str]
    named: list[str]
    implied: list[str]
    own_work: bool
    dense: np.ndarray  # cosine per chunk (zeros when no vector was computed)
    words: np.ndarray  # word BM25 per chunk
    bigrams: np.ndarray  # bigram BM25 per chunk
    ranks: dict[str, dict[int, int]] = field(default_factory=dict)  # channel -> position -> rank


def features(
    probe: Probe,
    positions: np.ndarray,
    table: ChunkTable,
    prior: Collection[str] = (),
    depth: int = 50,
) -> np.ndarray:
    """Feature matrix (candidates x :data:`FEATURES`) for chunk ``positions`` in fused order."""
    pos = np.asarray(positions, dtype=np.int64)
    n = len(pos)
    codes = table.law_code[pos]
    dense = probe.dense[pos].astype(np.float32)
    best = float(dense.max()) if n else 0.0
    law_best = _group_max(codes, dense)
    named = np.isin(codes, table.codes(probe.named)).astype(np.float32)
    implied = np.isin(codes, table.codes(probe.implied)).astype(np.float32)
    own = float(probe.own_work)
    cols = {
        "dense": dense,
        "dense_gap": dense - best,
        "dense_rank": _ranks(probe.ranks.get("dense", {}), pos, depth),
        "words": _relative(probe.words, pos),
        "words_rank": _ranks(probe.ranks.get("words", {}), pos, depth),
        "bigrams": _relative(probe.bigrams, pos),
        "bigrams_rank": _ranks(probe.ranks.get("bigrams", {}), pos, depth),
        "fused_rank": np.log2(2.0 + np.arange(n, dtype=np.float32)),
        "law_named": named,
        "query_names_law": np.full(n, float(bool(probe.named)), dtype=np.float32),
        "law_implied": implied,
        "query_implies_law": np.full(n, float(bool(probe.implied)), dtype=np.float32),
        "law_dense_gap": law_best - best,
        "law_share": _group_share(codes),
        "in_profile": np.isin(codes, table.codes(prior)).astype(np.float32),
        "from_file": table.from_file[pos],
        "is_report": table.is_report[pos],
        "own_work": np.full(n, own, dtype=np.float32),
        "own_work_report": own * table.is_report[pos],
        "superseded": table.superseded[pos],
        "title_terms": _term_share(probe.terms, [table.titles[p] for p in pos]),
        "heading_terms": _term_share(probe.terms, [table.headings[p] for p in pos]),
        "article_pos": table.article_pos[pos],
        "paragraph": table.paragraph[pos],
        "text_len": table.text_len[pos],
        "query_len": np.full(n, np.log2(1.0 + len(probe.query)), dtype=np.float32),
    }
    return np.column_stack([cols[name] for name in FEATURES]).astype(np.float32)


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _relative(scores: np.ndarray, pos: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return (scores[pos] / top).astype(np.float32) if top > 0 else np.zeros(len(pos), np.float32)


def _ranks(ranks: dict[int, int], pos: np.ndarray, depth: int) -> np.ndarray:
    return np.log2(1.0 + np.array([ranks.get(int(p), depth + 1) for p in pos], dtype=np.float32))


def _group_max(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    if not len(codes):
        return values
    uniq, inverse = np.unique(codes, return_inverse=True)
    best = np.full(len(uniq), -np.inf, dtype=np.float32)
    np.maximum.at(best, inverse, values)
    return best[inverse]


def _group_share(codes: np.ndarray) -> np.ndarray:
    if not len(codes):
        return np.zeros(0, dtype=np.float32)
    _, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    return (counts[inverse] / len(codes)).astype(np.float32)


def _term_share(terms: list[str], texts: list[str]) -> np.ndarray:
    terms = [t for t in dict.fromkeys(terms) if len(t) >= 2]
    if not terms:
        return np.zeros(len(texts), dtype=np.float32)
    return np.array(
        [sum(t in text for t in terms) / len(terms) for text in texts], dtype=np.float32
    )
