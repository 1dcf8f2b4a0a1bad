"""Chunk metadata keys and the search hit shared by ingestion, retrieval, answers and the UI.

Chroma only stores flat scalar metadata, so every chunk carries these keys (absent = not known):

- ``doc_id``: content hash of the source document version (16 hex chars)
- ``source``: file name, or ``法律库/<法律全称>`` for the built-in law library
- ``doc_type``: one of :data:`DOC_TYPES`
- ``title``: law name, report title or file stem
- ``law``: full law name (regulations), e.g. ``中华人民共和国行政处罚法``
- ``article`` / ``article_no``: ``第三十二条`` / ``32``
- ``paragraph``: 款 number when a long article was split, else absent
- ``chapter``: chapter/section path, e.g. ``第四章 行政处罚的管辖和适用``
- ``section``: heading path of a report chunk, parts joined by `` > ``
- ``year``: report year, or version year of a regulation
- ``organization``: reporting office of a report
- ``page``: 1-based PDF page
- ``version_date``: ``YYYY-MM-DD`` version of a regulation
- ``status``: ``current`` or ``superseded``
- ``origin``: ``lawlib`` or ``file``
- ``chunk_index``: position within the document
- ``chunks_total``: chunks of the whole document version (fewer stored = interrupted ingest)
- ``source_path``: absolute path of the ingested file (files only)
- ``level``: 法律 / 行政法规 / 地方性法规 / 司法解释 / 部门规章 (regulation library articles)
- ``ranking``: ``lexical`` for regulation-library hits ranked by keywords only (no vectors yet)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

DOC_TYPES = ("regulation", "report", "other")
DOC_TYPE_LABELS = {"regulation": "法规", "report": "报告", "other": "其他"}
STATUS_LABELS = {
    "current": "现行有效",
    "superseded": "已被替代",
    "incomplete": "未完成（导入中断，请重新导入）",
    "removing": "正在删除",
}
LAWLIB_PREFIX = "法律库/"
# Hits and documents from the imported regulation library (LawRefBook), not from Chroma.
REGLIB_SOURCE = "法规库"
LEXICAL_NOTE = "法规库条文目前按关键词排序（尚未计算向量），排序可能不如知识库内容准确。"


def content_hash(data: bytes | str, length: int = 16) -> str:
    """Stable short hash used for document and chunk ids."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:length]


def chunk_id(doc_id: str, index: int, text: str) -> str:
    """Id of one chunk: same document version and text give the same id (idempotent ingest)."""
    return f"{doc_id}-{index:05d}-{content_hash(text, 8)}"


@dataclass
class Hit:
    """One retrieved chunk with its fused score."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0
    dense: float | None = None  # raw cosine of query vs chunk (configured embedding backend)

    @property
    def label(self) -> str:
        """Human-readable source label, e.g. 《中华人民共和国行政处罚法》第三十二条."""
        return source_label(self.metadata)

    def to_json(self) -> dict[str, Any]:
        """Serialisable form used by ``--json`` output and the UI."""
        m = self.metadata
        return {
            "law": m.get("law"),
            "article": m.get("article"),
            "title": m.get("title"),
            "doc_type": m.get("doc_type"),
            "source": m.get("source"),
            "section": m.get("section"),
            "page": m.get("page"),
            "year": m.get("year"),
            "status": m.get("status", "current"),
            "level": m.get("level"),
            "ranking": m.get("ranking"),
            "label": self.label,
            "text": self.text,
            "score": round(float(self.score), 6),
        }


def source_label(m: dict[str, Any]) -> str:
    """Format a chunk's provenance the way staff cite it."""
    if m.get("law") and m.get("article"):
        label = f"《{m['law']}》{m['article']}"
        if m.get("paragraph"):
            label += f"（第{m['paragraph']}款起）"
        return label
    parts = [m.get("title") or m.get("source") or "未知来源"]
    if m.get("section"):
        parts.append(str(m["section"]).split(" > ")[-1])
    if m.get("page"):
        parts.append(f"第{m['page']}页")
    return " · ".join(parts)
