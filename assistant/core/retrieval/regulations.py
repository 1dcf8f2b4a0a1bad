"""Keyword search over the imported regulation library, beside the knowledge base.

The library holds about 48,000 articles; embedding them takes hours on two cores, so until
dense vectors exist its articles are ranked lexically: the same jieba-word and character-bigram
BM25 indexes as the knowledge base (:mod:`.lexical`), fused by weighted RRF, with rankings
restricted to the regulations a query names. Only the version in force of each regulation is
indexed. Every hit says so in its metadata (``ranking: lexical``) so search and answers can tell
the user.

The index is saved in ``<data_dir>/library/index/`` with the snapshot persistence of the
knowledge base (:mod:`.persist`), keyed by the library's generation counter, and rebuilt on the
first search after an import (or right after it: :meth:`RegulationIndex.refresh`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.core.retrieval.fusion import SUPERSEDED_PENALTY, rrf, squash
from assistant.core.retrieval.lexical import BigramQuery, BM25Index, char_bigrams
from assistant.core.retrieval.persist import load_snapshot, save_snapshot, saved_fingerprint
from assistant.core.retrieval.snapshot import Snapshot, top_positions
from assistant.documents import Hit

if TYPE_CHECKING:
    from assistant.adapters.reglib import RegulationLibrary, RegulationVersion
    from assistant.adapters.store import StoredChunk
    from assistant.config import RetrievalSettings
    from assistant.core.citations import LawHistory

LIBRARY_SOURCE = "法规库"


def in_force(versions: Sequence[RegulationVersion], today: str) -> list[RegulationVersion]:
    """The version in force of each regulation (latest 施行 on or before ``today``; else the first)."""
    by_title: dict[str, list[RegulationVersion]] = {}
    for v in versions:
        by_title.setdefault(v.title, []).append(v)
    chosen = []
    for group in by_title.values():
        started = [v for v in group if not v.effective or v.effective <= today]
        chosen.append(started[-1] if started else group[0])
    return chosen


def article_chunks(
    library: RegulationLibrary, today: str, repealed: Callable[[str], bool] = lambda _: False
) -> list[StoredChunk]:
    """Articles of the versions in force as chunks with the knowledge base's metadata keys.

    ``repealed(title)``: whether a regulation was repealed or replaced by ``today`` (its
    articles are kept, marked ``superseded``, and ranked lower).
    """
    from assistant.adapters.store import StoredChunk

    chunks = []
    versions = in_force(library.all_versions(), today)
    gone = {v.title for v in versions if repealed(v.title)}
    for article in library.iter_articles(versions):
        v = article.version
        meta: dict[str, Any] = {
            "doc_type": "regulation",
            "title": v.title,
            "law": v.title,
            "article": article.label,
            "article_no": article.article_no,
            "chapter": article.chapter or "",
            "level": v.level,
            "region": v.region,
            "version_date": v.version_date,
            "effective": v.effective,
            "status": "superseded" if v.title in gone else "current",
            "origin": "library",
            "source": f"{LIBRARY_SOURCE}/{v.path}",
            "ranking": "lexical",
        }
        chunks.append(StoredChunk(f"reg-{v.id}-{article.seq}", article.full_text, meta))
    return chunks


class RegulationIndex:
    """BM25 over the articles in force of the regulation library; safe to share between threads."""

    def __init__(
        self,
        library: RegulationLibrary,
        settings: RetrievalSettings,
        tokenizer: Callable[[str], list[str]],
        cache_dir: Path | None = None,
        history: LawHistory | None = None,
    ):
        """Args:
        history: Repeals and replacements (信访条例 → 信访工作条例): such regulations rank lower.
        """
        self.library = library
        self.history = history
        self.settings = settings
        self.tokenizer = tokenizer
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._generation = -1

    def _fingerprint(self, generation: int) -> str:
        return f"regulations-{generation}"

    def saved(self) -> bool:
        """Whether the index saved in ``cache_dir`` matches the library as it is now."""
        if self.cache_dir is None:
            return False
        return saved_fingerprint(self.cache_dir) == self._fingerprint(self.library.generation())

    def refresh(self) -> int:
        """Build (and save) the index for the library as it is now; returns the articles indexed."""
        generation = self.library.generation()
        today = date.today().isoformat()
        history = self.history
        repealed = (lambda t: history.lookup(t, today) is not None) if history else (lambda _: False)
        chunks = article_chunks(self.library, today, repealed)
        snapshot = Snapshot(
            BM25Index(chunks, self.tokenizer),
            BM25Index(chunks, char_bigrams, BigramQuery(self.tokenizer)),
            np.zeros((len(chunks), 1), dtype=np.float32),  # no vectors yet
        )
        if self.cache_dir is not None:
            save_snapshot(snapshot, self.cache_dir, self._fingerprint(generation))
        with self._lock:
            self._snapshot, self._generation = snapshot, generation
        return len(chunks)

    def _current(self) -> Snapshot | None:
        generation = self.library.generation()
        if generation == 0:
            return None
        if self._snapshot is None or self._generation != generation:
            loaded = None
            if self.cache_dir is not None:
                loaded = load_snapshot(
                    self.cache_dir, self._fingerprint(generation), self.tokenizer
                )
            if loaded is None:
                self.refresh()
            else:
                with self._lock:
                    self._snapshot, self._generation = loaded, generation
        return self._snapshot

    def ready(self) -> bool:
        """Whether anything has been imported."""
        return self.library.generation() > 0

    def search(
        self, query: str, k: int, named: Collection[str] = (), implied: Collection[str] = ()
    ) -> list[Hit]:
        """Top-k articles by fused word and bigram BM25.

        ``named`` laws (the query names them) and ``implied`` ones (a topic word points to them)
        get rankings of their own, weighted like the knowledge base's (``law_boost``,
        ``topic_boost``); repealed regulations lose :data:`SUPERSEDED_PENALTY` of their score.
        """
        snap = self._current()
        if snap is None or not snap.chunks or not query.strip():
            return []
        words, bigrams = snap.words.scores(query), snap.bigrams.scores(query)
        n = self.settings.candidates
        rankings = {
            "words": top_positions(words, n, words > 0).tolist(),
            "bigrams": top_positions(bigrams, n, bigrams > 0).tolist(),
        }
        weights = {"words": self.settings.bm25_weight, "bigrams": self.settings.bigram_weight}
        for prefix, laws, boost in (
            ("law_", named, self.settings.law_boost),
            ("topic_", [n for n in implied if n not in named], self.settings.topic_boost),
        ):
            scope = snap.words.mask({"law": list(laws)}) if laws else None
            if scope is None or not scope.any():
                continue
            for name, scores in (("words", words), ("bigrams", bigrams)):
                rankings[prefix + name] = top_positions(scores, n, scope & (scores > 0)).tolist()
                weights[prefix + name] = boost * weights[name]
        fused = rrf(rankings, weights, self.settings.rrf_k)
        for pos in fused:
            if snap.table.superseded[pos]:
                fused[pos] *= SUPERSEDED_PENALTY
        fused = sorted(fused.items(), key=lambda x: -x[1])
        hits = []
        for pos, score in fused[:k]:
            chunk = snap.chunks[pos]
            hits.append(Hit(chunk.text, {**chunk.metadata, "chunk_id": chunk.id}, float(score)))
        return hits


def merge_hits(
    kb: list[Hit], library: list[Hit], k: int, rrf_k: float, library_first: bool = False
) -> list[Hit]:
    """Interleave knowledge-base and library hits by reciprocal rank; one hit per article.

    ``library_first``: the query names a regulation only the library holds, so its list leads.
    """
    weight_kb, weight_lib = (0.5, 1.0) if library_first else (1.0, 1.0)
    scored = [(weight_kb / (rrf_k + r), h) for r, h in enumerate(kb, start=1)]
    scored += [(weight_lib / (rrf_k + r), h) for r, h in enumerate(library, start=1)]
    scored.sort(key=lambda x: -x[0])
    out: list[Hit] = []
    seen: set[str] = set()
    for score, hit in scored:
        m = hit.metadata
        key = (
            f"{m.get('law')}|{m.get('article')}"
            if m.get("law") and m.get("article")
            else squash(hit.text)
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(Hit(hit.text, hit.metadata, score, hit.dense))
        if len(out) >= k:
            break
    return out
