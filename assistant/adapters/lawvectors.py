"""Precomputed vectors of the whole law library, shipped with the package.

Embedding all ~24k current articles of laws.db takes about 45 minutes on two cores, so
``scripts/build_law_vectors.py`` does it once and packs the result (float16) into
``assistant/data/law_vectors_e5.npz``. The file is keyed by the embedding model's name and
the SHA-256 of laws.db: when either differs, the vectors are not used and the articles are
embedded as usual (resumable, with progress).

Vectors are looked up by chunk id. Chunk ids hash the law, its version and the article text
(:func:`assistant.documents.chunk_id`), so a vector is only ever used for the exact text it
was computed from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.prompts import model_file

SHIPPED_NAME = "law_vectors_e5.npz"


def shipped_path() -> Path:
    """Where the package keeps its precomputed law-library vectors."""
    return model_file(SHIPPED_NAME)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class LawVectors:
    """Chunk id → vector for law-library chunks, with the model and library they belong to."""

    ids: np.ndarray
    vectors: np.ndarray
    model: str
    laws_db_sha256: str

    @classmethod
    def load(cls, path: Path) -> LawVectors:
        """Read a packed vectors file.

        Raises:
            ValueError: The file is missing a field or is not a vectors file.
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(
                    ids=data["ids"],
                    vectors=data["vectors"],
                    model=str(data["model"]),
                    laws_db_sha256=str(data["laws_db_sha256"]),
                )
        except (KeyError, OSError, ValueError) as exc:
            raise ValueError(f"法律库向量文件无法读取：{path}（{exc}）") from exc

    def mismatch(self, model: str, laws_db_sha256: str) -> str | None:
        """Why these vectors cannot be used (Chinese), or None when they match."""
        if model != self.model:
            return f"内置法律库向量由“{self.model}”计算，当前向量模型为“{model}”"
        if laws_db_sha256 != self.laws_db_sha256:
            return "内置法律库向量与当前安装的法律库（laws.db）版本不一致"
        return None

    def lookup(self, ids: list[str]) -> dict[str, list[float]]:
        """Vectors (as float lists) of those ``ids`` that are in the file."""
        index = {cid: i for i, cid in enumerate(self.ids.tolist())}
        rows = [(cid, index[cid]) for cid in ids if cid in index]
        if not rows:
            return {}
        block = self.vectors[[i for _, i in rows]].astype(np.float32)
        return {cid: vec.tolist() for (cid, _), vec in zip(rows, block, strict=True)}


def matching_vectors(path: Path | None, model: str, db_path: Path) -> tuple[LawVectors | None, str]:
    """The vectors at ``path`` (default: shipped) if they fit this model and laws.db.

    Returns ``(vectors or None, note)``; the note explains in Chinese why they were not used.
    """
    path = Path(path) if path is not None else shipped_path()
    if not path.is_file():
        return None, "未找到内置法律库向量文件，将现场向量化法律条文（可中断续传）"
    try:
        vectors = LawVectors.load(path)
    except ValueError as exc:
        return None, f"{exc}，将现场向量化法律条文"
    reason = vectors.mismatch(model, file_sha256(db_path))
    if reason:
        return None, f"{reason}，将现场向量化法律条文（可中断续传）"
    return vectors, ""
