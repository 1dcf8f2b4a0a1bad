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
from typing import TYPE_CHECKING, Any, Protocol

from assistant.documents import LAWLIB_PREFIX, chunk_id, content_hash
from assistant.ingest.versions import refresh_versions

if TYPE_CHECKING:
    from assistant.citations import LawNames
    from assistant.lawlib import LawArticle, LawLibrary
    from assistant.store import KnowledgeStore

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".txt", ".md", ".markdown"}
_ARTICLE_MAX_CHARS = 600


@dataclass
class FileResult:
    """Outcome of one file (or one law) in a batch."""

    source: str
    status: str  # added | replaced | unchanged | error | skipped
    chunks: int = 0
    message: str = ""
    doc_type: str | None = None
    title: str | None = None

    @property
    def ok(self) -> bool:
        """True unless the file failed."""
        return self.status != "error"


@dataclass
class IngestReport:
    """All per-file results of one ingest call."""

    results: list[FileResult] = field(default_factory=list)
    chunks_written: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> list[FileResult]:
        """Failed files."""
        return [r for r in self.results if r.status == "error"]


class Progress(Protocol):
    """Progress sink; the CLI renders it with rich, the UI with gr.Progress."""

    def start(self, total: int, description: str) -> None: ...  # noqa: D102
    def advance(self, n: int) -> None: ...  # noqa: D102
    def file_done(self, result: FileResult) -> None: ...  # noqa: D102


class NullProgress:
    """Progress sink that ignores everything."""

    def start(self, total: int, description: str) -> None:  # noqa: D102
        pass

    def advance(self, n: int) -> None:  # noqa: D102
        pass

    def file_done(self, result: FileResult) -> None:  # noqa: D102
        pass


@dataclass
class _Pending:
    result: FileResult
    doc_id: str
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]


class Ingestor:
    """Writes files and law profiles into a :class:`KnowledgeStore`."""

    def __init__(
        self,
        store: KnowledgeStore,
        lawlib: LawLibrary | None = None,
        names: LawNames | None = None,
    ) -> None:
        self.store = store
        self.lawlib = lawlib
        self.names = names

    def ingest_paths(self, paths: Iterable[Path | str], progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders (recursively); a bad file never stops the batch."""
        progress = progress or NullProgress()
        t0 = time.perf_counter()
        report = IngestReport()
        pending: list[_Pending] = []
        for path in expand_paths(paths):
            item = self._prepare_file(path)
            if isinstance(item, FileResult):
                report.results.append(item)
                progress.file_done(item)
            else:
                pending.append(item)
        report.chunks_written = self._write_all(pending, report, progress, "向量化文档")
        refresh_versions(self.store, self.names)
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

    def _write_all(
        self, pending: list[_Pending], report: IngestReport, progress: Progress, label: str
    ) -> int:
        missing_per_item = []
        for item in pending:
            have = self.store.existing_ids(item.ids)
            missing_per_item.append([i for i, cid in enumerate(item.ids) if cid not in have])
        progress.start(sum(len(m) for m in missing_per_item), label)
        written = 0
        for item, missing in zip(pending, missing_per_item, strict=True):
            try:
                written += self.store.add(
                    [item.texts[i] for i in missing],
                    [item.metas[i] for i in missing],
                    [item.ids[i] for i in missing],
                    on_batch=progress.advance,
                )
                stale = self._stale_ids(item)
                if stale:
                    # Only now that the new version is fully stored is the old one dropped.
                    self.store.delete(ids=stale)
                    item.result.status = "replaced"
                elif not missing:
                    item.result.status = "unchanged"
            except Exception as exc:  # noqa: BLE001 - one failure must not stop the batch
                item.result.status = "error"
                item.result.message = f"写入知识库失败：{exc}"
            report.results.append(item.result)
            progress.file_done(item.result)
        return written

    def _stale_ids(self, item: _Pending) -> list[str]:
        current = set(item.ids)
        return [cid for cid in self.store.ids({"source": item.result.source}) if cid not in current]

    def _prepare_file(self, path: Path) -> _Pending | FileResult:
        from assistant.ingest.detect import classify
        from assistant.ingest.loaders import IngestError, load_file
        from assistant.ingest.splitters import split_document

        source = path.name
        if not path.is_file():
            return FileResult(source, "error", message=f"找不到文件：{path}")
        try:
            doc = load_file(path)
            info = classify(doc)
            chunks = split_document(doc, info)
        except IngestError as exc:
            return FileResult(source, "error", message=str(exc))
        except Exception as exc:  # noqa: BLE001 - unknown parser failures are per-file errors
            return FileResult(source, "error", message=f"处理文件“{source}”时出错：{exc}")
        if not chunks:
            return FileResult(source, "error", message=f"文件“{source}”中没有可用的文字内容")
        law = info.law
        if law and self.names is not None:
            law = self.names.canonical(law) or law
        base = {
            "doc_id": doc.raw_bytes_hash,
            "source": source,
            "source_path": str(path.resolve()),
            "origin": "file",
            "status": "current",
        }
        if law:
            base["law"] = law
        texts, metas, ids = [], [], []
        for i, chunk in enumerate(chunks):
            meta = {**chunk.metadata, **base, "chunk_index": i}
            texts.append(chunk.page_content)
            metas.append(meta)
            ids.append(chunk_id(doc.raw_bytes_hash, i, chunk.page_content))
        result = FileResult(source, "added", len(chunks), "", info.doc_type, info.title)
        return _Pending(result, doc.raw_bytes_hash, ids, texts, metas)

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


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files named directly, plus supported files found under named folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith(".")
            )
        else:
            out.append(p)
    return out
