"""The Chroma-backed chunk store: the only module that talks to Chroma.

Embedded (persistent folder) by default; an HTTP client when ``chroma.host`` is set.
Writes are batched so a long ingest is saved as it goes and can resume.

An embedded store whose collection exists opens its Chroma client on first use: a search
served from the saved index snapshot (:mod:`assistant.core.retrieval.persist`) needs only the
store's fingerprint, which is read from the database file itself (:func:`_peek`), and neither
imports nor starts Chroma (about a second of a cold start).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.messages import UserError

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

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
        self, vectorstore: Chroma | None, embeddings: Embeddings, write_batch: int = 64,
        where: str = "", reconnect: Callable[[], Chroma] | None = None,
        open_client: Callable[[], Chroma] | None = None, peek: Callable[[], str | None] | None = None,
    ) -> None:
        """Args:
        vectorstore: The Chroma client; None to open it with ``open_client`` on first use.
        reconnect: Builds a fresh client (embedded Chroma only): another process's writes
            are visible to this one only through a new client.
        peek: Reads the fingerprint from the database files while no client is open (None
            when it cannot tell; the client is then opened).
        """
        if vectorstore is None and open_client is None:
            raise ValueError("KnowledgeStore 需要 vectorstore 或 open_client")
        self._vectorstore = vectorstore
        self._open_client = open_client
        self._peek = peek
        self._open_lock = threading.Lock()
        self.embeddings = embeddings
        self.write_batch = write_batch
        self.where = where  # shown in connection errors, e.g. "127.0.0.1:8000"
        self._reconnect = reconnect
        self._seen: str | None = None  # the fingerprint after this process's last look or write

    @property
    def vectorstore(self) -> Chroma:
        """The LangChain Chroma wrapper (the client is opened here on first use)."""
        if self._vectorstore is None:
            with self._open_lock:
                if self._vectorstore is None:
                    assert self._open_client is not None
                    self._vectorstore = self._open_client()
        return self._vectorstore

    @vectorstore.setter
    def vectorstore(self, value: Chroma) -> None:
        self._vectorstore = value

    @property
    def is_open(self) -> bool:
        """Whether the Chroma client has been opened (a search from the saved snapshot never does)."""
        return self._vectorstore is not None

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
        if self._reconnect is not None and self.is_open:  # an unopened client will see it anyway
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
        Read from the database file while the embedded client is not open.
        """
        if not self.is_open and self._peek is not None:
            peeked = self._peek()
            if peeked is not None:
                return peeked
        with _translated(self):
            meta = self._fresh_collection().metadata or {}
            count = self._collection.count()
        return _fingerprint(meta.get(_GENERATION, 0), count, meta.get("embedding", ""))

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


def _fingerprint(generation: Any, count: int, embedding: Any) -> str:
    return f"g{int(generation or 0)}-n{count}-{embedding or ''}"


@dataclass(frozen=True)
class _Peeked:
    """What the embedded database file says about a collection, read without Chroma."""

    generation: int
    count: int
    embedding: str

    @property
    def fingerprint(self) -> str:
        return _fingerprint(self.generation, self.count, self.embedding)


def _peek(path: Path, collection: str) -> _Peeked | None:
    """The collection's generation, chunk count and model name from Chroma's SQLite file.

    Read-only and about a millisecond, against a second to import and start the client. None
    (the caller opens the client) when the file, the collection or a table is missing, or when
    writes wait in Chroma's log that the metadata segment, which holds the count, has not
    applied yet. Checked against the client by ``tests/test_store.py`` for the pinned Chroma.
    """
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except (sqlite3.Error, ValueError):
        return None
    try:
        row = db.execute(
            "SELECT c.id FROM collections c JOIN databases d ON c.database_id = d.id"
            " WHERE c.name = ? AND d.name = 'default_database'", (collection,)
        ).fetchone()
        if row is None:
            return None
        cid = row[0]
        meta = {
            key: str_value if str_value is not None else int_value
            for key, str_value, int_value in db.execute(
                "SELECT key, str_value, int_value FROM collection_metadata WHERE collection_id = ?",
                (cid,),
            )
        }
        segment = db.execute(
            "SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'", (cid,)
        ).fetchone()
        if segment is None:
            return None
        applied = db.execute(
            "SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (segment[0],)
        ).fetchone()
        logged = db.execute(
            "SELECT MAX(seq_id) FROM embeddings_queue WHERE topic LIKE ?", (f"%/{cid}",)
        ).fetchone()[0]
        if logged is not None and (
            applied is None or not isinstance(applied[0], int) or applied[0] < logged
        ):
            return None
        (count,) = db.execute(
            "SELECT COUNT(*) FROM embeddings WHERE segment_id = ?", (segment[0],)
        ).fetchone()
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        db.close()
    generation = meta.get(_GENERATION, 0)
    if not isinstance(generation, int):
        return None
    return _Peeked(generation, int(count), str(meta.get("embedding") or ""))


def make_store(settings: Settings, embeddings: Embeddings) -> KnowledgeStore:
    """Open (or create) the collection: embedded folder, or a Chroma server if configured.

    An embedded collection that exists is checked from its database file and its client is
    opened on first use (see the module docstring).
    """
    from assistant.adapters.embeddings import embedding_name

    cfg = settings.chroma
    if not cfg.host:
        from assistant.adapters.datadir import private_dir, private_tree

        private_dir(settings.data_dir)
        private_tree(settings.chroma_dir)
        private_dir(settings.chroma_dir)
        db = settings.chroma_dir / "chroma.sqlite3"
        peeked = _peek(db, cfg.collection)
        if peeked is not None:
            _check_model(peeked.embedding, embedding_name(embeddings))

            def peek() -> str | None:
                found = _peek(db, cfg.collection)
                return found.fingerprint if found is not None else None

            store = KnowledgeStore(
                None, embeddings, write_batch=cfg.write_batch, peek=peek,
                open_client=_opener(settings.chroma_dir, cfg.collection, embeddings, fresh=False),
                reconnect=_opener(settings.chroma_dir, cfg.collection, embeddings, fresh=True),
            )
            store.sync()  # what this process sees now: later writes by others show as changes
            return store
    return _open_store(settings, embeddings)


def _check_model(stored: str, name: str) -> None:
    if stored and stored != name:
        raise StoreError(
            f"知识库是用向量模型“{stored}”建立的，当前配置为“{name}”。"
            "请改回原模型，或换一个 chroma.collection / data_dir 重新建立知识库。"
        )


def _open_store(settings: Settings, embeddings: Embeddings) -> KnowledgeStore:
    """Open the client now: a Chroma server, or an embedded collection to be created."""
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
            client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=client_settings)
    except Exception as exc:  # noqa: BLE001 - any client failure becomes one clear message
        where = f"{cfg.host}:{cfg.port}" if cfg.host else str(settings.chroma_dir)
        raise StoreError(f"无法连接向量数据库（{where}）：{exc}") from exc
    from assistant.adapters.embeddings import embedding_name, langchain_embeddings

    name = embedding_name(embeddings)
    collection = client.get_or_create_collection(
        cfg.collection, metadata={"hnsw:space": "cosine", "embedding": name}
    )
    _check_model((collection.metadata or {}).get("embedding"), name)
    vs = Chroma(
        client=client, collection_name=cfg.collection, embedding_function=langchain_embeddings(embeddings)
    )
    where = f"{cfg.host}:{cfg.port}" if cfg.host else ""
    reconnect = None if cfg.host else _opener(settings.chroma_dir, cfg.collection, embeddings, fresh=True)
    store = KnowledgeStore(vs, embeddings, write_batch=cfg.write_batch, where=where, reconnect=reconnect)
    store.sync()  # what this client sees now: later writes by other processes show as changes
    return store


def _opener(path: Path, collection: str, embeddings: Embeddings, fresh: bool) -> Callable[[], Chroma]:
    """Opens an embedded client for ``path``. ``fresh``: Chroma shares one client system per
    folder and process, so the cached one is dropped first (not stopped: a request may still be
    reading it) and the new client sees what other processes wrote."""

    def open_client() -> Chroma:
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient
        from chromadb.config import Settings as ChromaClientSettings
        from langchain_chroma import Chroma

        from assistant.adapters.embeddings import langchain_embeddings

        if fresh:
            SharedSystemClient._identifier_to_system.pop(str(path), None)
            SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        try:
            client = chromadb.PersistentClient(
                path=str(path), settings=ChromaClientSettings(anonymized_telemetry=False)
            )
        except Exception as exc:  # noqa: BLE001 - any client failure becomes one clear message
            raise StoreError(f"无法连接向量数据库（{path}）：{exc}") from exc
        return Chroma(
            client=client, collection_name=collection,
            embedding_function=langchain_embeddings(embeddings),
        )

    return open_client
