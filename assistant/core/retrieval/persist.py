"""Persistence of the retrieval snapshot in the data directory, so a new process starts fast.

Layout of ``<data_dir>/index/``::

    manifest.json   format version, store fingerprint, chunk count (written last)
    chunks.pkl      ids, texts and metadata in row order (pickle: half the load time of JSON;
                    the folder is as trusted as the Chroma database beside it)
    vectors.npy     unit-row float32 matrix, memory-mapped on load
    words/ bigrams/ the two bm25s indexes (sparse score matrices memory-mapped on load)
    table.pkl       the chunks' ranking facts (:class:`ChunkTable`), kept only while
                    ``features.py`` is the file that computed them (else rebuilt and saved again)

The snapshot is reused only when the store's fingerprint (:meth:`KnowledgeStore.fingerprint`,
bumped on every write) equals the one it was built from; otherwise it is rebuilt from the store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.core.retrieval.features import ChunkTable
from assistant.core.retrieval.lexical import BigramQuery, BM25Index
from assistant.core.retrieval.snapshot import Snapshot

if TYPE_CHECKING:
    from assistant.adapters.store import StoredChunk

logger = logging.getLogger(__name__)

FORMAT = 2
MANIFEST = "manifest.json"


def saved_fingerprint(folder: Path) -> str | None:
    """Fingerprint of the snapshot saved in ``folder`` (None if absent or another format)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("fingerprint") if manifest.get("format") == FORMAT else None


def save_snapshot(snapshot: Snapshot, folder: Path, fingerprint: str) -> None:
    """Write ``snapshot`` to ``folder`` atomically (a reader sees the old or the new one)."""
    folder = Path(folder)
    tmp = folder.parent / f".{folder.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    chunks = snapshot.chunks
    np.save(tmp / "vectors.npy", np.ascontiguousarray(snapshot.matrix, dtype=np.float32))
    rows = {
        "ids": [c.id for c in chunks],
        "texts": [c.text for c in chunks],
        "metadata": [c.metadata for c in chunks],
    }
    with (tmp / "chunks.pkl").open("wb") as f:
        pickle.dump(rows, f, protocol=pickle.HIGHEST_PROTOCOL)
    snapshot.words.save(tmp / "words")
    snapshot.bigrams.save(tmp / "bigrams")
    _save_table(snapshot.table, tmp / TABLE)
    manifest = {"format": FORMAT, "fingerprint": fingerprint, "chunks": len(chunks)}
    (tmp / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    old = folder.parent / f".{folder.name}.{os.getpid()}.old"
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def load_snapshot(
    folder: Path, fingerprint: str, tokenizer: Callable[[str], list[str]]
) -> Snapshot | None:
    """The snapshot saved in ``folder`` if it was built from ``fingerprint``; else None."""
    folder = Path(folder)
    if saved_fingerprint(folder) != fingerprint:
        return None
    try:
        with (folder / "chunks.pkl").open("rb") as f:
            rows = pickle.load(f)
        chunks = _chunks(rows)
        matrix = np.load(folder / "vectors.npy", mmap_mode="r")
        if matrix.shape[0] != len(chunks):
            raise ValueError(f"向量行数 {matrix.shape[0]} 与片段数 {len(chunks)} 不一致")
        words = BM25Index.load(folder / "words", chunks, tokenizer)
        bigrams = BM25Index.load(folder / "bigrams", chunks, BigramQuery(tokenizer))
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError) as exc:
        logger.warning("检索索引缓存不可用，将重新建立：%s", exc)
        return None
    table = _load_table(folder / TABLE, len(chunks))
    snapshot = Snapshot(words, bigrams, matrix, table)
    if table is None:
        try:
            _save_table(snapshot.table, folder / TABLE)
        except OSError:
            pass  # read-only folder: the table is rebuilt by each process
    return snapshot


TABLE = "table.pkl"


def _table_version() -> str:
    """The table is computed by features.py: a copy saved by another version of it is stale."""
    source = sys.modules[ChunkTable.__module__].__file__ or ""
    return hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _save_table(table: ChunkTable | None, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        pickle.dump({"version": _table_version(), "table": table}, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _load_table(path: Path, rows: int) -> ChunkTable | None:
    """The saved table when ``features.py`` is unchanged since and its rows match; else None."""
    try:
        with path.open("rb") as f:
            saved = pickle.load(f)
        table = saved["table"] if saved["version"] == _table_version() else None
    except (OSError, ValueError, KeyError, TypeError, EOFError, AttributeError, pickle.UnpicklingError):
        return None
    return table if isinstance(table, ChunkTable) and len(table.law_code) == rows else None


def _chunks(rows: dict) -> list[StoredChunk]:
    from assistant.adapters.store import StoredChunk

    return [
        StoredChunk(cid, text, meta)
        for cid, text, meta in zip(rows["ids"], rows["texts"], rows["metadata"], strict=True)
    ]
