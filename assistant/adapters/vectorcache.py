"""Document vectors kept on disk between runs, for texts embedded again and again.

Drafting classifies measures against the phrase library's area exemplars; embedding those
~150 fixed texts took about 1.2 s of every ``assistant draft``. The cache file is keyed by the
model's vector for a fixed probe text, so another model (or another version of it) never
reads vectors it did not make.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.adapters.embeddings import EmbeddingModel

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

_PROBE = "法治政府建设年度情况报告"  # any fixed text: its vector identifies the model


class DiskCachedEmbeddings(EmbeddingModel):
    """``inner`` with document vectors remembered in ``folder`` (queries are never cached)."""

    def __init__(self, inner: Embeddings, folder: Path) -> None:
        self.inner, self.folder = inner, folder
        self._vectors: dict[str, list[float]] | None = None
        self._path: Path | None = None

    def embed_query(self, text: str) -> list[float]:
        """Embed one query with the wrapped model."""
        return self.inner.embed_query(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, reading those embedded before from the cache file."""
        vectors = self._load()
        missing = list(dict.fromkeys(t for t in texts if t not in vectors))
        if missing:
            vectors.update(zip(missing, self.inner.embed_documents(missing), strict=True))
            self._save(vectors)
        return [vectors[t] for t in texts]

    def _load(self) -> dict[str, list[float]]:
        if self._vectors is None:
            probe = self.inner.embed_query(_PROBE)
            key = hashlib.sha256(json.dumps([round(x, 4) for x in probe]).encode()).hexdigest()[:16]
            self._path = self.folder / f"doc_vectors_{key}.json"
            try:
                self._vectors = json.loads(self._path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._vectors = {}  # none yet, or unreadable: rebuilt on the next save
        return self._vectors

    def _save(self, vectors: dict[str, list[float]]) -> None:
        if self._path is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(vectors, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self._path)  # a reader never sees half a file
        except OSError:
            pass  # a read-only data folder only costs the time to embed again
