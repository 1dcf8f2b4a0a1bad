"""Which version of a regulation is current.

Two documents are versions of the same regulation when their law names canonicalise to
the same name (e.g. a file and the law library, or two dated files); the newest is current.
A regulation replaced by another one (信访条例 → 信访工作条例) is superseded regardless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.adapters.store import KnowledgeStore
    from assistant.core.citations import LawNames


@dataclass
class _Doc:
    source: str
    law: str
    version_date: str
    origin: str
    status: str
    replaced_by: str


def refresh_versions(store: KnowledgeStore, names: LawNames | None) -> dict[str, str]:
    """Recompute ``status``/``replaced_by`` of every regulation document; returns source→status."""
    docs: dict[str, _Doc] = {}
    for chunk in store.iter_chunks({"doc_type": "regulation"}, include_text=False):
        m = chunk.metadata
        src = m.get("source", "")
        if src not in docs:
            docs[src] = _Doc(
                src,
                m.get("law") or m.get("title") or src,
                str(m.get("version_date") or ""),
                m.get("origin", "file"),
                m.get("status", "current"),
                m.get("replaced_by", ""),
            )
    wanted = _decide(list(docs.values()), names)
    for src, (status, replaced_by) in wanted.items():
        doc = docs[src]
        if (doc.status, doc.replaced_by) != (status, replaced_by):
            ids = store.ids({"source": src})
            store.update_metadata(ids, {"status": status, "replaced_by": replaced_by})
    return {src: status for src, (status, _) in wanted.items()}


def _decide(docs: list[_Doc], names: LawNames | None) -> dict[str, tuple[str, str]]:
    groups: dict[str, list[_Doc]] = {}
    for d in docs:
        key = (names.canonical(d.law) if names else None) or d.law
        groups.setdefault(key, []).append(d)
    out: dict[str, tuple[str, str]] = {}
    for law, members in groups.items():
        replacement = names.replaced_by(law) if names else None
        # Newest version wins; on equal dates the curated law library copy wins.
        members.sort(key=lambda d: (d.version_date, d.origin == "lawlib"), reverse=True)
        for i, d in enumerate(members):
            if replacement:
                out[d.source] = ("superseded", replacement[0])
            elif i == 0:
                out[d.source] = ("current", "")
            else:
                label = f"{law}（{members[0].version_date}版）" if members[0].version_date else law
                out[d.source] = ("superseded", label)
    return out
