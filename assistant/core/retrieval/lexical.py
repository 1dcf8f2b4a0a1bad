"""Lexical indexes: jieba-word and character-bigram BM25 over a snapshot of the chunks.

Also the query-side helpers: stopwords and the bigrams of a query's content words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.bigrams import char_bigrams
from assistant.prompts import load_text

if TYPE_CHECKING:
    from assistant.adapters.store import StoredChunk

__all__ = ["BM25Index", "BigramQuery", "Tokenizer", "char_bigrams", "load_stopwords", "matches"]

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


class Tokenizer:
    """jieba search-mode tokens without punctuation and stopwords."""

    def __init__(self, stopwords: set[str] | None = None, cache_dir: Path | None = None) -> None:
        """Args:
        cache_dir: Where jieba keeps its parsed dictionary (``jieba.cache``, and the same split
            by first character, read on demand: :mod:`.wordfreq`): the data folder, so the cache
            survives a cleaned system temp folder (building it costs ~1 s).
        """
        import jieba

        jieba.setLogLevel(60)
        if cache_dir is not None:
            from assistant.core.retrieval.wordfreq import install

            install(jieba, cache_dir)
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


class BigramQuery:
    """Query side of the bigram index: bigrams of the content words only (no stopwords)."""

    def __init__(self, words: Callable[[str], list[str]]) -> None:
        self.words = words

    def __call__(self, text: str) -> list[str]:
        """Tokenise one query."""
        return [bg for word in self.words(text) for bg in char_bigrams(word)]


def load_stopwords() -> set[str]:
    """Stopwords of the rule table ``prompts/rules/stopwords.txt``."""
    text = load_text("rules/stopwords.txt")
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

    @classmethod
    def load(
        cls,
        folder: Path,
        chunks: Sequence[StoredChunk],
        query_tokenizer: Callable[[str], list[str]],
    ) -> BM25Index:
        """An index saved by :meth:`save`, its score matrix memory-mapped (no re-tokenising)."""
        import bm25s

        self = cls.__new__(cls)
        self.chunks = list(chunks)
        self.tokenizer = query_tokenizer
        self._empty = not self.chunks
        self._bm25 = (
            bm25s.BM25()
            if self._empty
            else bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        )
        self._masks = {}
        return self

    def save(self, folder: Path) -> None:
        """Write the index (bm25s sparse matrix + vocabulary) to ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        if not self._empty:
            self._bm25.save(str(folder), show_progress=False)

    def mask(self, where: dict[str, Any] | None) -> np.ndarray | None:
        """Boolean mask of chunks matching ``where`` (cached: filters repeat across queries)."""
        if not where:
            return None
        key = repr(sorted((k, sorted(v) if isinstance(v, list) else v) for k, v in where.items()))
        if key not in self._masks:
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[key] = np.array(
                [matches(c.metadata, where) for c in self.chunks], dtype=bool
            )
        return self._masks[key]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of ``query`` against every chunk (zeros when nothing matches)."""
        tokens = self.tokenizer(query)
        if self._empty or not tokens:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
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


def matches(meta: dict[str, Any], where: dict[str, Any]) -> bool:
    """Whether flat metadata satisfies a simple ``{key: value or [values]}`` filter."""
    for key, value in where.items():
        have = meta.get(key)
        if isinstance(value, list | tuple | set):
            if have not in value:
                return False
        elif have != value:
            return False
    return True
