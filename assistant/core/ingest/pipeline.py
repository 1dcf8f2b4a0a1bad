"""Ingestion pipeline: files and law-library profiles into the chunk store.

Chunk ids are content hashes, so re-ingesting adds nothing, an interrupted run resumes
by skipping ids already written, and a changed file's old chunks are removed only after
its new chunks are safely stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.ingest.files import (
    SUPPORTED_SUFFIXES,
    check_length,
    check_size,
    collect_files,
    expand_paths,
)
from assistant.core.ingest.identity import SourceNames
from assistant.core.ingest.results import FileResult, IngestReport, NullProgress, Progress
from assistant.core.ingest.versions import refresh_versions
from assistant.documents import LAWLIB_PREFIX, chunk_id, content_hash

if TYPE_CHECKING:
    from assistant.adapters.lawlib import LawArticle, LawLibrary
    from assistant.adapters.store import KnowledgeStore
    from assistant.config import IngestSettings
    from assistant.core.citations import LawNames
    from assistant.core.ingest.scans import ScanReader

_ARTICLE_MAX_CHARS = 600
__all__ = [
    "SUPPORTED_SUFFIXES", "FileResult", "IngestReport", "Ingestor", "NullProgress", "Progress",
    "collect_files", "expand_paths", "split_article",
]


@dataclass
class _Pending:
    result: FileResult
    doc_id: str
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    vectors: dict[str, list[float]] = field(default_factory=dict)  # precomputed, by chunk id
    stored_ids: set[str] | None = None  # ids already stored under this source, when prefetched


class Ingestor:
    """Writes files and law profiles into a :class:`KnowledgeStore`.

    Args:
        store: Where chunks go.
        lawlib: The built-in law library (for :meth:`import_laws`).
        names: Law names, to canonicalise the law a regulation file holds.
        scans: OCR for PDF pages without a text layer; None leaves such pages out.
        limits: File size and text length limits; None means the defaults.
        law_vectors: Precomputed law-library vectors; None = the file shipped in the package.
    """

    def __init__(
        self,
        store: KnowledgeStore,
        lawlib: LawLibrary | None = None,
        names: LawNames | None = None,
        scans: ScanReader | None = None,
        limits: IngestSettings | None = None,
        law_vectors: Path | None = None,
    ) -> None:
        from assistant.config import IngestSettings

        self.store = store
        self.lawlib = lawlib
        self.names = names
        self.scans = scans
        self.limits = limits or IngestSettings()
        self.law_vectors = law_vectors

    def ingest_paths(
        self, paths: Iterable[Path | str], progress: Progress | None = None, replace: bool = False
    ) -> IngestReport:
        """Ingest files and folders (recursively); a bad file never stops the batch.

        Args:
            paths: Files and folders.
            progress: Progress sink.
            replace: A file replaces a stored document of the same file name even when it
                comes from another folder (otherwise both are kept under distinct names).
        """
        from assistant.adapters.store import StoreError

        progress = progress or NullProgress()
        t0 = time.perf_counter()
        report = IngestReport()
        pending: list[_Pending] = []
        files, skipped = collect_files(paths)
        for result in skipped:
            report.results.append(result)
            progress.file_done(result)
        names = SourceNames(self.store, replace)
        for path in files:
            item = self._prepare_file(path, names, progress)
            if isinstance(item, FileResult):
                report.results.append(item)
                progress.file_done(item)
            else:
                pending.append(item)
        report.chunks_written = self._write_all(pending, report, progress, "向量化文档")
        try:
            if not report.error:
                refresh_versions(self.store, self.names)
        except StoreError as exc:
            report.error = str(exc)
        report.seconds = time.perf_counter() - t0
        return report

    def import_laws(
        self, law_names: Iterable[str], progress: Progress | None = None
    ) -> IngestReport:
        """Import current articles of the given laws from the built-in law library."""
        if self.lawlib is None:
            raise RuntimeError("未配置内置法律库")
        progress = progress or NullProgress()
        t0 = time.perf_counter()
        report = IngestReport()
        by_law: dict[str, list[LawArticle]] = {}
        for art in self.lawlib.articles(list(law_names)):
            by_law.setdefault(art.law, []).append(art)
        pending = [self._prepare_law(law, arts) for law, arts in by_law.items()]
        self._attach_law_vectors(pending, report)
        self._prefetch_stored_ids(pending)
        report.chunks_written = self._write_all(pending, report, progress, "导入法律库")
        refresh_versions(self.store, self.names)
        report.seconds = time.perf_counter() - t0
        return report

    def remove(self, source: str) -> int:
        """Remove every chunk of one document (by its source name); returns the chunk count."""
        n = self.store.delete(where={"source": source})
        if n:
            refresh_versions(self.store, self.names)
        return n

    def _attach_law_vectors(self, pending: list[_Pending], report: IngestReport) -> None:
        """Use the shipped law-library vectors where they fit; otherwise note why not."""
        from assistant.adapters.embeddings import embedding_name
        from assistant.adapters.lawvectors import matching_vectors

        if not pending or self.lawlib is None:
            return
        vectors, note = matching_vectors(
            self.law_vectors, embedding_name(self.store.embeddings), self.lawlib.db_path
        )
        if vectors is None:
            report.notes.append(note)
            return
        found = vectors.lookup([cid for item in pending for cid in item.ids])
        for item in pending:
            item.vectors = {cid: found[cid] for cid in item.ids if cid in found}

    def _prefetch_stored_ids(self, pending: list[_Pending]) -> None:
        """One scan of the stored law-library ids instead of two queries per law."""
        by_source: dict[str, set[str]] = {}
        for chunk in self.store.iter_chunks({"origin": "lawlib"}, include_text=False):
            by_source.setdefault(chunk.metadata.get("source", ""), set()).add(chunk.id)
        for item in pending:
            item.stored_ids = by_source.get(item.result.source, set())

    def _write_all(
        self, pending: list[_Pending], report: IngestReport, progress: Progress, label: str
    ) -> int:
        from assistant.adapters.store import StoreError

        progress.start(sum(len(item.ids) for item in pending), label)
        saved = _Counted(progress)  # counts every batch stored, even of a file cut off midway
        for item in pending:
            if report.error:
                # The store is gone: say so for every file left instead of retrying each.
                item.result.status, item.result.message = "error", f"未写入：{report.error}"
            else:
                try:
                    self._write_one(item, saved)
                except StoreError as exc:
                    report.error = str(exc)
                    item.result.status, item.result.message = "error", f"写入中断：{exc}"
                except Exception as exc:  # noqa: BLE001 - one failure must not stop the batch
                    item.result.status = "error"
                    item.result.message = f"写入知识库失败：{exc}"
            report.results.append(item.result)
            progress.file_done(item.result)
        return saved.written

    def _write_one(self, item: _Pending, progress: _Counted) -> int:
        stored = item.stored_ids
        have = stored & set(item.ids) if stored is not None else self.store.existing_ids(item.ids)
        missing = [i for i, cid in enumerate(item.ids) if cid not in have]
        progress.skipped(len(item.ids) - len(missing))
        # Precomputed vectors first, then whatever has none is embedded.
        known = [i for i in missing if item.ids[i] in item.vectors]
        rest = [i for i in missing if item.ids[i] not in item.vectors]
        written = 0
        for part, vectors in ((known, [item.vectors[item.ids[i]] for i in known]), (rest, None)):
            if part:
                written += self.store.add(
                    [item.texts[i] for i in part],
                    [item.metas[i] for i in part],
                    [item.ids[i] for i in part],
                    on_batch=progress.stored,
                    vectors=vectors,
                )
        stale = self._stale_ids(item)
        if stale:
            # Only now that the new version is fully stored is the old one dropped.
            self.store.delete(ids=stale)
            if item.result.status == "added":
                item.result.status = "replaced"
        elif not missing:
            item.result.status = "unchanged"
        return written

    def _stale_ids(self, item: _Pending) -> list[str]:
        current = set(item.ids)
        stored = item.stored_ids
        if stored is None:
            stored = set(self.store.ids({"source": item.result.source}))
        return [cid for cid in stored if cid not in current]

    def _prepare_file(self, path: Path, names: SourceNames, progress: Progress) -> _Pending | FileResult:
        from assistant.adapters.store import StoreError
        from assistant.core.ingest.detect import classify
        from assistant.core.ingest.loaders import IngestError, load_file
        from assistant.core.ingest.splitters import split_document

        name = path.name
        if not path.is_file():
            return FileResult(name, "error", message=f"找不到文件：{path}", path=str(path))
        try:
            check_size(path, self.limits.max_file_mb)
            doc = load_file(path, self.scans, progress)
            check_length(name, doc.text, self.limits.max_text_chars)
            info = classify(doc)
            chunks = split_document(doc, info)
            source, note = names.assign(path)
        except (IngestError, StoreError) as exc:
            return FileResult(name, "error", message=str(exc), path=str(path))
        except Exception as exc:  # noqa: BLE001 - unknown parser failures are per-file errors
            return FileResult(name, "error", message=f"处理文件“{name}”时出错：{exc}", path=str(path))
        if not chunks:
            return FileResult(name, "error", message=f"文件“{name}”中没有可用的文字内容", path=str(path))
        return self._pending_file(path, doc.raw_bytes_hash, info, chunks, source, note)

    def _pending_file(self, path: Path, file_hash: str, info: Any, chunks: list[Any],
                      source: str, note: str) -> _Pending:
        law = info.law
        if law and self.names is not None:
            law = self.names.canonical(law) or law
        base = {
            "doc_id": file_hash,
            "source": source,
            "source_path": str(path.resolve()),
            "origin": "file",
            "status": "current",
            # Lets the document list tell a finished document from an interrupted one.
            "chunks_total": len(chunks),
        }
        if law:
            base["law"] = law
        # The source is part of each id: a copy under another name is its own document.
        salt = f"{file_hash}|{source}"
        texts, metas, ids = [], [], []
        for i, chunk in enumerate(chunks):
            texts.append(chunk.page_content)
            metas.append({**chunk.metadata, **base, "chunk_index": i})
            ids.append(chunk_id(content_hash(salt), i, chunk.page_content))
        result = FileResult(source, "added", len(chunks), note, info.doc_type, info.title, str(path))
        return _Pending(result, file_hash, ids, texts, metas)

    def _prepare_law(self, law: str, articles: list[LawArticle]) -> _Pending:
        version = articles[0].version_date or ""
        doc_id = content_hash(f"{law}|{version}|{len(articles)}")
        source = f"{LAWLIB_PREFIX}{law}"
        texts, metas, ids = [], [], []
        for art in articles:
            for part_text, paragraph in split_article(art.article, art.text):
                meta = {
                    "doc_id": doc_id,
                    "source": source,
                    "origin": "lawlib",
                    "doc_type": "regulation",
                    "title": law,
                    "law": law,
                    "article": art.article,
                    "article_no": art.article_no,
                    "chapter": art.chapter or "",
                    "version_date": version,
                    "year": int(version[:4]) if version[:4].isdigit() else 0,
                    "status": "current",
                    "chunk_index": len(texts),
                }
                if paragraph:
                    meta["paragraph"] = paragraph
                ids.append(chunk_id(doc_id, len(texts), part_text))
                texts.append(part_text)
                metas.append(meta)
        result = FileResult(source, "added", len(texts), "", "regulation", law)
        return _Pending(result, doc_id, ids, texts, metas)


class _Counted:
    """Progress that also counts the chunks actually stored (batch by batch)."""

    def __init__(self, progress: Progress) -> None:
        self.progress, self.written = progress, 0

    def stored(self, n: int) -> None:
        self.written += n
        self.progress.advance(n)

    def skipped(self, n: int) -> None:
        self.progress.advance(n)


def split_article(article: str, text: str, max_chars: int = _ARTICLE_MAX_CHARS) -> list[tuple[str, int]]:
    """Split a long article at 款 boundaries; each part keeps the article heading.

    Returns ``(chunk_text, first_paragraph)`` pairs; the paragraph is 0 when not split.
    """
    full = f"{article} {text}"
    if len(full) <= max_chars:
        return [(full, 0)]
    paragraphs = [p for p in text.split("\n") if p.strip()]
    parts: list[tuple[str, int]] = []
    buf: list[str] = []
    first = 1
    for n, para in enumerate(paragraphs, start=1):
        if buf and sum(len(b) for b in buf) + len(para) > max_chars:
            parts.append((_article_part(article, buf, first), first))
            buf, first = [], n
        buf.append(para)
    if buf:
        parts.append((_article_part(article, buf, first), first))
    return parts


def _article_part(article: str, paragraphs: list[str], first: int) -> str:
    head = article if first == 1 else f"{article}（续，第{first}款起）"
    return head + " " + "\n".join(paragraphs)
