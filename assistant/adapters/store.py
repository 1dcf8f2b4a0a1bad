"""The Chroma-backed chunk store: the only module that talks to Chroma.

Embedded (persistent folder) by default; an HTTP client when ``chroma.host`` is set.
Writes are batched so a long ingest is saved as it goes and can resume.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from assistant.messages import UserError

if TYPE_CHECKING:
    from langchain_chroma import Chroma

    from assistant.config import Settings

_READ_BATCH = 5000
_GENERATION = "generation"  # collection metadata key bumped on every write (see fingerprint)
# Below Chroma's maximum batch size (5461 on the embedded client).
_PRECOMPUTED_BATCH = 2000


class StoreError(UserError, RuntimeError):
    """A store problem with a message for users (Chinese)."""


@dataclass
class StoredChunk:
    """One chunk as stored: id, text and flat metadata."""

    id: str
    text: str
    metadata: dict[str, Any]
    vector: Any = None  # numpy array when read with include_vectors=True


def build_where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    """Translate simple ``{key: value or [values]}`` filters into a Chroma ``where`` clause."""
    if not filters:
        return None
    clauses = []
    for key, value in filters.items():
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            clauses.append({key: {"$in": list(value)}})
        elif isinstance(value, dict):
            clauses.append({key: value})
        else:
            clauses.append({key: {"$eq": value}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class KnowledgeStore:
    """Chunks with embeddings and metadata, plus the few queries the app needs."""

    def __init__(
        self, vectorstore: Chroma, embeddings: Embeddings, write_batch: int = 64, where: str = "",
        reconnect: Callable[[], Chroma] | None = None,
    ) -> None:
        """Args:
        reconnect: Builds a fresh client (embedded Chroma only): another process's writes
            are visible to this one only through a new client.
        """
        self.vectorstore = vectorstore
        self.embeddings = embeddings
        self.write_batch = write_batch
        self.where = where  # shown in connection errors, e.g. "127.0.0.1:8000"
        self._reconnect = reconnect
        self._seen: str | None = None  # the fingerprint after this process's last look or write

    def sync(self) -> bool:
        """Whether another process changed the store since this one last looked or wrote.

        Cheap (the collection's metadata and count). On a change the embedded client is
        reopened, since its index segments are cached per process and would be stale.
        """
        current = self.fingerprint()
        first, changed = self._seen is None, current != self._seen
        self._seen = current
        if first or not changed:
            return False
        if self._reconnect is not None:
            self.vectorstore = self._reconnect()
        return True

    @property
    def _collection(self) -> Any:
        return self.vectorstore._collection

    def count(self) -> int:
        """Number of stored chunks."""
        with _translated(self):
            return self._collection.count()

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are already stored (used to resume and to skip duplicates)."""
        found: set[str] = set()
        with _translated(self):
            for i in range(0, len(ids), _READ_BATCH):
                got = self._collection.get(ids=list(ids[i : i + _READ_BATCH]), include=[])
                found.update(got["ids"])
        return found

    def add(
        self,
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        ids: Sequence[str],
        on_batch: Any = None,
        vectors: Sequence[list[float]] | None = None,
    ) -> int:
        """Embed and write chunks in batches; ``on_batch(n)`` is called after each write.

        With ``vectors`` (precomputed, aligned with ``texts``) nothing is embedded, and the
        batches are larger because a write then costs only Chroma's indexing.
        """
        written = 0
        step = self.write_batch if vectors is None else _PRECOMPUTED_BATCH
        for i in range(0, len(texts), step):
            batch_texts = list(texts[i : i + step])
            if vectors is None:
                batch_vectors = self.embeddings.embed_documents(batch_texts)
            else:
                batch_vectors = list(vectors[i : i + step])
            with _translated(self):
                self._collection.upsert(
                    ids=list(ids[i : i + step]),
                    documents=batch_texts,
                    metadatas=[_clean_meta(m) for m in metadatas[i : i + step]],
                    embeddings=batch_vectors,
                )
            self._bump_generation()
            written += len(batch_texts)
            if on_batch:
                on_batch(len(batch_texts))
        return written

    def delete(self, ids: Sequence[str] | None = None, where: dict[str, Any] | None = None) -> int:
        """Delete chunks by ids or metadata filter; returns how many were removed."""
        if ids is None and not where:
            raise ValueError("delete 需要 ids 或 where 条件")
        targets = list(ids) if ids is not None else self.ids(where)
        with _translated(self):
            for i in range(0, len(targets), _READ_BATCH):
                self._collection.delete(ids=targets[i : i + _READ_BATCH])
        if targets:
            self._bump_generation()
        return len(targets)

    def first_metadata(self, where: dict[str, Any]) -> dict[str, Any] | None:
        """Metadata of one chunk matching ``where`` (None when nothing matches)."""
        with _translated(self):
            got = self._collection.get(where=build_where(where), include=["metadatas"], limit=1)
        return dict(got["metadatas"][0] or {}) if got["ids"] else None

    def ids(self, where: dict[str, Any] | None = None) -> list[str]:
        """Ids of the chunks matching a filter (all when ``where`` is None)."""
        return [c.id for c in self.iter_chunks(where, include_text=False)]

    def update_metadata(self, ids: Sequence[str], changes: dict[str, Any]) -> None:
        """Set metadata keys on the given chunks (e.g. mark a regulation superseded)."""
        for i in range(0, len(ids), _READ_BATCH):
            part = list(ids[i : i + _READ_BATCH])
            got = self._collection.get(ids=part, include=["metadatas"])
            metas = [{**(m or {}), **changes} for m in got["metadatas"]]
            self._collection.update(ids=got["ids"], metadatas=metas)
        if ids:
            self._bump_generation()

    def fingerprint(self) -> str:
        """Cheap identity of the stored content: changes with every write through this class.

        A generation counter kept in the collection's own metadata (so every client of a shared
        Chroma server sees it) plus the chunk count (which catches writes by other programs).
        """
        with _translated(self):
            meta = self._fresh_collection().metadata or {}
            count = self._collection.count()
        return f"g{int(meta.get(_GENERATION, 0))}-n{count}-{meta.get('embedding', '')}"

    def _fresh_collection(self) -> Any:
        client = self.vectorstore._client
        return client.get_collection(self._collection.name)

    def _bump_generation(self) -> None:
        with _translated(self):
            meta = dict(self._fresh_collection().metadata or {})
            # The distance function lives in the collection's configuration; Chroma refuses
            # to see ``hnsw:*`` keys again in a metadata update.
            meta = {k: v for k, v in meta.items() if not k.startswith("hnsw:")}
            meta[_GENERATION] = int(meta.get(_GENERATION, 0)) + 1
            self._collection.modify(metadata=meta)
        if self._seen is not None:
            self._seen = self.fingerprint()  # our own write is not a change made elsewhere

    def iter_chunks(
        self,
        where: dict[str, Any] | None = None,
        include_text: bool = True,
        include_vectors: bool = False,
    ) -> Iterator[StoredChunk]:
        """All chunks matching ``where``, read in pages."""
        include = ["metadatas", "documents"] if include_text else ["metadatas"]
        if include_vectors:
            include.append("embeddings")
        offset = 0
        while True:
            with _translated(self):
                got = self._collection.get(
                    where=build_where(where), include=include, limit=_READ_BATCH, offset=offset
                )
            if not got["ids"]:
                return
            n = len(got["ids"])
            docs = got.get("documents") or [""] * n
            vectors = got.get("embeddings") if include_vectors else None
            if vectors is None:
                vectors = [None] * n
            for cid, text, meta, vec in zip(got["ids"], docs, got["metadatas"], vectors, strict=True):
                yield StoredChunk(cid, text or "", dict(meta or {}), vec)
            offset += len(got["ids"])

    def dense_search(
        self, vector: list[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks by cosine similarity (1 = identical)."""
        n = self.count()
        if n == 0:
            return []
        res = self._collection.query(
            query_embeddings=[vector],
            n_results=min(k, n),
            where=build_where(where),
            include=["metadatas", "documents", "distances"],
        )
        out = []
        for cid, text, meta, dist in zip(
            res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
        ):
            out.append((StoredChunk(cid, text or "", dict(meta or {})), 1.0 - float(dist)))
        return out


@contextmanager
def _translated(store: KnowledgeStore) -> Iterator[None]:
    """Turn a lost connection to a Chroma server into a :class:`StoreError` in Chinese."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        if not _is_connection_error(exc):
            raise
        where = f"（{store.where}）" if store.where else ""
        raise StoreError(
            f"向量数据库{where}连接中断：请确认 Chroma 服务正在运行后重试；已完成的部分已保存，重试时会自动跳过"
        ) from exc


def _is_connection_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConnectionError) or type(exc).__module__.split(".")[0] in ("httpx", "httpcore"):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    # Chroma rejects None and non-scalar values.
    return {k: v for k, v in meta.items() if isinstance(v, str | int | float | bool)}


def make_store(settings: Settings, embeddings: Embeddings) -> KnowledgeStore:
    """Open (or create) the collection: embedded folder, or a Chroma server if configured."""
    import chromadb
    from chromadb.config import Settings as ChromaClientSettings
    from langchain_chroma import Chroma

    client_settings = ChromaClientSettings(anonymized_telemetry=False)
    cfg = settings.chroma
    try:
        if cfg.host:
            client = chromadb.HttpClient(host=cfg.host, port=cfg.port, settings=client_settings)
            client.heartbeat()
        else:
            from assistant.adapters.datadir import private_dir, private_tree

            private_dir(settings.data_dir)
            private_tree(settings.chroma_dir)
            private_dir(settings.chroma_dir)
            client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=client_settings)
    except Exception as exc:  # noqa: BLE001 - any client failure becomes one clear message
        where = f"{cfg.host}:{cfg.port}" if cfg.host else str(settings.chroma_dir)
        raise StoreError(f"无法连接向量数据库（{where}）：{exc}") from exc
    from assistant.adapters.embeddings import embedding_name

    name = embedding_name(embeddings)
    collection = client.get_or_create_collection(
        cfg.collection, metadata={"hnsw:space": "cosine", "embedding": name}
    )
    stored = (collection.metadata or {}).get("embedding")
    if stored and stored != name:
        raise StoreError(
            f"知识库是用向量模型“{stored}”建立的，当前配置为“{name}”。"
            "请改回原模型，或换一个 chroma.collection / data_dir 重新建立知识库。"
        )
    vs = Chroma(client=client, collection_name=cfg.collection, embedding_function=embeddings)
    where = f"{cfg.host}:{cfg.port}" if cfg.host else ""
    reconnect = None if cfg.host else _reconnector(settings.chroma_dir, cfg.collection, embeddings)
    store = KnowledgeStore(vs, embeddings, write_batch=cfg.write_batch, where=where, reconnect=reconnect)
    store.sync()  # what this client sees now: later writes by other processes show as changes
    return store


def _reconnector(path: Path, collection: str, embeddings: Embeddings) -> Callable[[], Chroma]:
    """A fresh embedded client for ``path``: Chroma shares one client system per folder and
    process, so the cached one is dropped (not stopped: a request may still be reading it)."""

    def reconnect() -> Chroma:
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient
        from chromadb.config import Settings as ChromaClientSettings
        from langchain_chroma import Chroma

        SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        client = chromadb.PersistentClient(
            path=str(path), settings=ChromaClientSettings(anonymized_telemetry=False)
        )
        return Chroma(client=client, collection_name=collection, embedding_function=embeddings)

    return reconnect
