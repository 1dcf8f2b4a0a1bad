"""Answers: what the assistant says, and the numbered sources its [n] markers point at."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.documents import Hit

NOT_FOUND = "未在知识库中找到依据。"


@dataclass
class Answer:
    """What the assistant says, with the sources its [n] markers point at."""

    answer: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mode: str = "offline"  # 'offline' | 'llm' | 'citation'
    found: bool = True
    question: str = ""  # the standalone question actually answered

    def to_json(self) -> dict[str, Any]:
        """Serialisable form for ``--json`` output and the UI."""
        return {
            "answer": self.answer,
            "sources": self.sources,
            "warnings": self.warnings,
            "mode": self.mode,
            "found": self.found,
        }


def format_context(hits: list[Hit]) -> str:
    """Number passages for the prompt: ``[1] 《…》第X条`` then the passage text."""
    blocks = []
    for n, hit in enumerate(hits, 1):
        status = "（已被替代，仅供参考）" if hit.metadata.get("status") == "superseded" else ""
        blocks.append(f"[{n}] {hit.label}{status}\n{hit.text.strip()}")
    return "\n\n".join(blocks)


def hit_source(n: int, hit: Hit) -> dict[str, Any]:
    """Source entry for the answer's n-th marker."""
    data = hit.to_json()
    keys = ("law", "article", "title", "source", "page", "section", "text", "label", "doc_type")
    return {"n": n, **{k: data.get(k) for k in keys}, "status": data.get("status") or "current"}


def citation_source(cite: Any) -> dict[str, Any]:
    """Source entry for an exactly resolved citation (``CiteResult``)."""
    return {
        "n": 1,
        "law": cite.law,
        "article": cite.article,
        "title": cite.law,
        "source": cite.source,
        "page": None,
        "section": cite.chapter,
        "text": cite.full_text or cite.text,
        "label": cite.label(),
        "doc_type": "regulation",
        "status": cite.status,
    }
