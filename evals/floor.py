"""The floor every retrieval stage must beat: plain jieba BM25 over the chunk texts.

jieba search-mode tokens, punctuation dropped, no stopwords, no headings, no query expansion, no
law detection: what anyone would get from ``bm25s`` + ``jieba`` in ten lines.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.documents import Hit

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def plain_tokens(text: str) -> list[str]:
    """jieba search-mode tokens without punctuation."""
    import jieba

    jieba.setLogLevel(60)
    return [t for t in jieba.lcut_for_search(text) if t.strip() and not _PUNCT.fullmatch(t)]


class PlainBM25:
    """bm25s over the chunks' texts, queried with the same tokens."""

    def __init__(self, chunks) -> None:
        import bm25s

        self.chunks = list(chunks)
        self._bm25 = bm25s.BM25()
        self._bm25.index([plain_tokens(c.text) or ["∅"] for c in self.chunks], show_progress=False)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """Top-k chunks as hits."""
        tokens = plain_tokens(query)
        if not tokens or not self.chunks:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens))
        top = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(self.chunks[i].text, dict(self.chunks[i].metadata), float(scores[i]))
            for i in top
            if scores[i] > 0
        ]
