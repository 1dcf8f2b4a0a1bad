"""What the knowledge base holds: one summary per document, and its regulation articles.

:class:`KnowledgeArticles` lets the citation resolver look up articles of regulations that
exist only as ingested files (e.g. 北京市人民防空条例), not in the built-in law library.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.documents import DOC_TYPE_LABELS, STATUS_LABELS, Hit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from assistant.adapters.store import KnowledgeStore, StoredChunk


_CONTINUED = re.compile(r"^.*（续）$")
# File-name prefix of the bundled demo reports in knowledge/.
SAMPLE_PREFIX = "示例"


@dataclass
class DocumentSummary:
    """One stored document (a file or one law from the library)."""

    source: str
    doc_type: str
    title: str
    year: int | None
    chunks: int
    status: str
    origin: str
    law: str | None = None
    version_date: str | None = None
    replaced_by: str | None = None
    path: str | None = None

    @property
    def is_sample(self) -> bool:
        """The bundled demo report (knowledge/示例…): never taken for the office's own report."""
        return self.doc_type == "report" and self.source.rsplit("/", 1)[-1].startswith(SAMPLE_PREFIX)

    def to_json(self) -> dict[str, Any]:
        """Serialisable form with Chinese labels."""
        d = asdict(self)
        d["is_sample"] = self.is_sample
        d["doc_type_label"] = DOC_TYPE_LABELS.get(self.doc_type, self.doc_type)
        d["status_label"] = STATUS_LABELS.get(self.status, self.status)
        return d


def list_documents(
    store: KnowledgeStore, chunks: Iterable[StoredChunk] | None = None
) -> list[DocumentSummary]:
    """Summaries of every stored document, files first, then law-library laws.

    ``chunks`` (e.g. the retriever's in-memory snapshot) saves reading every chunk's metadata
    from the store again.

    A document whose stored chunks fall short of its ``chunks_total`` was interrupted while
    being written and is listed as ``incomplete`` whatever its regulation status.
    """
    docs: dict[str, DocumentSummary] = {}
    versions: dict[tuple[str, str], list[int]] = {}  # (source, doc_id) -> [stored, total]
    if chunks is None:
        chunks = store.iter_chunks(include_text=False)
    for chunk in chunks:
        m = chunk.metadata
        src = m.get("source", "")
        doc = docs.get(src)
        if doc is None:
            docs[src] = _summary(src, m)
        else:
            doc.chunks += 1
        count = versions.setdefault((src, str(m.get("doc_id", ""))), [0, int(m.get("chunks_total") or 0)])
        count[0] += 1
    for (src, _), (stored, total) in versions.items():
        if total and stored < total:
            docs[src].status = "incomplete"
    return sorted(docs.values(), key=lambda d: (d.origin == "lawlib", d.doc_type, d.source))


def _summary(src: str, m: dict[str, Any]) -> DocumentSummary:
    return DocumentSummary(
        source=src,
        doc_type=m.get("doc_type", "other"),
        title=m.get("title") or src,
        year=m.get("year") or None,
        chunks=1,
        status=m.get("status", "current"),
        origin=m.get("origin", "file"),
        law=m.get("law"),
        version_date=m.get("version_date") or None,
        replaced_by=m.get("replaced_by") or None,
        path=m.get("source_path") or None,
    )


class KnowledgeArticles:
    """Regulation articles held in ingested files, for the citation resolver.

    Read from the store once, or from the file :meth:`save` wrote when that was saved at the
    store's current fingerprint: a search or an offline ask then never opens the store.
    """

    def __init__(
        self, store: KnowledgeStore | None, saved: Path | None = None, legacy: Path | None = None
    ) -> None:
        """Args:
        saved: The file :meth:`save` writes (``data_dir/cache/knowledge_articles.json``).
        legacy: Where the articles alone are also written, as a list, for older versions
            sharing the data folder (``local_articles.json``).
        """
        self.store = store
        self.saved = saved
        self.legacy = legacy
        self.fingerprint: str | None = None  # of the store when the articles were read
        self._index: dict[str, dict[int, list[dict[str, Any]]]] | None = None
        self._shelf: list[dict[str, Any]] | None = None

    def save(self, path: Path, legacy: Path | None = None) -> None:
        """Write the articles and the reports held to ``path``, with the store's fingerprint,
        so ``cite``/``verify`` and a fresh process read them without the store; ``legacy``
        gets the articles alone, as a list (what versions before the fingerprint read)."""
        rows = [entry for by_no in self._articles.values() for parts in by_no.values() for entry in parts]
        if legacy is not None:
            _write_json(legacy, rows)
        _write_json(path, {"fingerprint": self.fingerprint, "articles": rows, "reports": self.holdings()})

    @classmethod
    def load(cls, path: Path) -> KnowledgeArticles:
        """Articles saved by :meth:`save` (read-only: no store behind them).

        Raises:
            OSError, ValueError: missing or unreadable file.
        """
        articles = cls(None)
        if not articles._read(path):
            raise ValueError(f"无法读取本地法规条文：{path}")
        return articles

    def _read(self, path: Path, fingerprint: str | None = None) -> bool:
        """Take the articles (and reports) saved in ``path``; with ``fingerprint``, only when they
        were saved at it. Raises OSError/ValueError/KeyError on an unreadable file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list):  # saved before the file held its fingerprint
            data = {"fingerprint": None, "articles": data, "reports": None}
        if fingerprint is not None and data.get("fingerprint") != fingerprint:
            return False
        index: dict[str, dict[int, list[dict[str, Any]]]] = {}
        for entry in data["articles"]:
            index.setdefault(entry["law"], {}).setdefault(int(entry["article_no"]), []).append(entry)
        self._index = index
        self._shelf = data.get("reports")
        self.fingerprint = data.get("fingerprint")
        return True

    def _read_saved(self) -> bool:
        """Whether the saved file matched the store's fingerprint and was read."""
        if self.saved is None or self.store is None or not self.saved.is_file():
            return False
        try:
            return self._read(self.saved, self.store.fingerprint())
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def reports(self) -> tuple[list[int], list[str]]:
        """Years and organizations of the annual reports stored (for 去年 and "our office")."""
        held = self.holdings()
        years = sorted({int(r["year"]) for r in held if r["year"]})
        return years, sorted({r["organization"] for r in held if r["organization"]})

    def holdings(self) -> list[dict[str, Any]]:
        """One entry per stored report: ``source``, ``organization``, ``year``, ``title``."""
        if self._shelf is None and self._index is None:
            self._read_saved()
        if self._shelf is None:
            by_source: dict[str, dict[str, Any]] = {}
            for chunk in self.store.iter_chunks({"doc_type": "report"}, include_text=False):
                m = chunk.metadata
                by_source.setdefault(str(m.get("source") or ""), {
                    "source": str(m.get("source") or ""),
                    "organization": str(m.get("organization") or ""),
                    "year": int(m["year"]) if m.get("year") else None,
                    "title": str(m.get("title") or ""),
                })
            self._shelf = list(by_source.values())
        return self._shelf

    def chunks_of(self, source: str) -> list[Hit]:
        """Every chunk of one stored document, in order (a whole report for its sections)."""
        chunks = [Hit(c.text, dict(c.metadata)) for c in self.store.iter_chunks({"source": source})]
        return sorted(chunks, key=lambda h: int(h.metadata.get("chunk_index") or 0))

    def document_text(self, source: str) -> str:
        """A stored document's text rebuilt from its chunks: title, then the bodies in order
        without the "（续）" headings a long section's later chunks repeat."""
        chunks = self.chunks_of(source)
        title = chunks[0].metadata.get("title") if chunks else None
        lines = [str(title)] if title else []
        for chunk in chunks:
            body = chunk.text.split("\n")
            if body and _CONTINUED.match(body[0].strip()):
                body = body[1:]
            lines.extend(body)
        return "\n".join(lines)

    def refresh(self) -> None:
        """Re-read the store (after ingest or removal)."""
        if self.store is None:
            return  # loaded from a saved file: nothing to re-read
        self._shelf = None
        # Read before the chunks: a write meanwhile then makes the saved copy stale, not wrong.
        self.fingerprint = self.store.fingerprint()
        index: dict[str, dict[int, list[dict[str, Any]]]] = {}
        where = {"doc_type": "regulation", "origin": "file"}
        for chunk in self.store.iter_chunks(where):
            m = chunk.metadata
            if not m.get("law") or not m.get("article_no"):
                continue
            entry = {**m, "text": chunk.text}
            index.setdefault(m["law"], {}).setdefault(int(m["article_no"]), []).append(entry)
        self._index = index

    @property
    def _articles(self) -> dict[str, dict[int, list[dict[str, Any]]]]:
        if self._index is None and not self._read_saved():
            self.refresh()
            if self.saved is not None:  # the next process reads them without the store
                try:
                    self.save(self.saved, self.legacy)
                except OSError:
                    pass
        assert self._index is not None
        return self._index

    def law_names(self) -> list[str]:
        """Regulations that have articles in ingested files."""
        return sorted(self._articles)

    def article_numbers(self, law: str) -> list[int]:
        """Article numbers present for a regulation."""
        return sorted(self._articles.get(law, {}))

    def find_article(self, law: str, article_no: int) -> dict[str, Any] | None:
        """The article's record (text without heading), newest current version first."""
        parts = self._articles.get(law, {}).get(int(article_no))
        if not parts:
            return None
        parts = sorted(parts, key=lambda p: (p.get("status") == "current", p.get("version_date") or ""), reverse=True)
        best_src = parts[0].get("source")
        chunks = sorted((p for p in parts if p.get("source") == best_src), key=lambda p: p.get("chunk_index", 0))
        head = chunks[0]
        body = "\n".join(_strip_heading(p["text"], p.get("article", "")) for p in chunks)
        return {
            "law": law,
            "article": head.get("article"),
            "article_no": int(article_no),
            "chapter": head.get("chapter") or None,
            "text": body,
            "source": best_src,
            "version_date": head.get("version_date"),
            "status": head.get("status", "current"),
            "replaced_by": head.get("replaced_by") or None,
        }


def _write_json(path: Path, data: Any) -> None:
    """Write ``data`` atomically, private (600); two processes may save at once."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                   encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    tmp.replace(path)


def _strip_heading(text: str, article: str) -> str:
    text = text.strip()
    if article and text.startswith(article):
        text = text[len(article):]
        if text.startswith("（续"):
            text = text.split("）", 1)[-1]
    return text.strip()
