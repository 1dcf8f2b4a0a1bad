"""Markdown export of a draft (for review in any editor or the web UI)."""

from __future__ import annotations

from pathlib import Path

from assistant.core.drafting.attachment import TABLE_TITLE
from assistant.core.drafting.compare import Comparison, comparison_table_markdown
from assistant.core.drafting.draft import Draft


def draft_markdown(draft: Draft, comparisons: list[Comparison] | None = None) -> str:
    """The draft as Markdown, with an optional year-over-year table at the end."""
    text = draft.markdown()
    if comparisons:
        year = getattr(draft.facts, "year", None)
        table = comparison_table_markdown(comparisons, year - 1 if year else None, year)
        text = text.rstrip("\n") + f"\n\n## 附件：{TABLE_TITLE}\n\n" + table
    return text


def export_markdown(draft: Draft, path: Path | str, comparisons: list[Comparison] | None = None) -> Path:
    """Write the draft as a UTF-8 Markdown file (parent folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(draft_markdown(draft, comparisons), encoding="utf-8")
    return path
