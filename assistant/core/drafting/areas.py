"""Which area of 法治政府建设 a measure belongs to: keywords first, nearest exemplar by embedding.

The embedding model is the configured LangChain ``Embeddings`` passed in; it breaks exact ties
of the keyword score and classifies measures whose wording no keyword knows (so a typical draft
embeds only a few texts). Without one, keywords decide and the ``other`` area is the fallback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from assistant.core.drafting.phrases import Area, PhraseLibrary


@dataclass(frozen=True)
class Classification:
    """An area choice and how it was made (``keywords``, ``embedding`` or ``fallback``)."""

    area: Area
    method: str
    score: float


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)


class AreaClassifier:
    """Classifies measure texts into the library's areas.

    Args:
        library: the phrase library whose areas (keywords, exemplars) are used.
        embeddings: LangChain ``Embeddings``; exemplars are embedded once per classifier.
        label_weight: how much more a keyword in the measure's own area label counts.
    """

    def __init__(self, library: PhraseLibrary, embeddings: Any = None, label_weight: int = 2):
        self.library = library
        self.embeddings = embeddings
        self.label_weight = label_weight
        self._exemplar_vectors: list[tuple[Area, list[float]]] | None = None
        self._queries: dict[str, list[float]] = {}

    def keyword_scores(self, text: str, label: str = "") -> dict[str, int]:
        """Matched keyword characters per area key (the label counts ``label_weight`` times)."""
        scores = {}
        for area in self.library.areas:
            words = (*area.keywords, area.name)
            score = sum(len(w) for w in words if w and w in text)
            score += self.label_weight * sum(len(w) for w in words if w and w in label)
            if score:
                scores[area.key] = score
        return scores

    def _vectors(self) -> list[tuple[Area, list[float]]]:
        if self._exemplar_vectors is None:
            pairs = [(a, e) for a in self.library.areas for e in (a.name, *a.exemplars)]
            vectors = self.embeddings.embed_documents([e for _, e in pairs])
            self._exemplar_vectors = [(a, v) for (a, _), v in zip(pairs, vectors, strict=True)]
        return self._exemplar_vectors

    def nearest(self, text: str, among: set[str] | None = None) -> tuple[Area, float] | None:
        """Area of the exemplar nearest to the text (optionally only among some area keys)."""
        if self.embeddings is None:
            return None
        if text not in self._queries:
            self._queries[text] = self.embeddings.embed_query(text)
        query = self._queries[text]
        best: tuple[Area, float] | None = None
        for area, vector in self._vectors():
            if among and area.key not in among:
                continue
            sim = _cosine(query, vector)
            if best is None or sim > best[1]:
                best = (area, sim)
        return best

    def classify(self, text: str, label: str = "", use_embeddings: bool = True) -> Classification:
        """Area of a measure (``label`` is the staff's area heading, ``text`` everything else)."""
        scores = self.keyword_scores(text, label)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        tie = len(ranked) > 1 and ranked[0][1] == ranked[1][1]
        if ranked and (not tie or self.embeddings is None or not use_embeddings):
            return Classification(self.library.area(ranked[0][0]), "keywords", float(ranked[0][1]))
        # A tie, or no keyword at all: the nearest exemplar decides (among the tied areas).
        among = {k for k, s in ranked if s == ranked[0][1]} or None
        found = self.nearest(f"{label} {text}".strip(), among) if use_embeddings else None
        if found is not None:
            return Classification(found[0], "embedding", found[1])
        return Classification(self.library.area("other"), "fallback", 0.0)
