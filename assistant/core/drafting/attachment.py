"""The 主要指标对比表 (上年 / 本年 / 变化) attached to the report in Word and Markdown.

The prose mentions only the few notable changes (:func:`assistant.core.drafting.compare.weave_changes`);
every comparable indicator is in this table, after the body, headed 附件.
"""

from __future__ import annotations

from typing import Any

from assistant.core.drafting.compare import Comparison

TABLE_TITLE = "主要指标对比表"


def table_rows(comparisons: list[Comparison], previous_year: int | None,
               current_year: int | None) -> list[list[str]]:
    """Header and one row per indicator: 指标 | 上年 | 本年 | 变化."""
    prev_h = f"{previous_year}年" if previous_year else "上年"
    cur_h = f"{current_year}年" if current_year else "本年"
    rows = [["指标", prev_h, cur_h, "变化"]]
    rows += [[c.label, c.previous, c.current, c.phrase or "—"] for c in comparisons]
    return rows


def add_comparison_table(doc: Any, comparisons: list[Comparison], previous_year: int | None,
                         current_year: int | None, font: Any) -> None:
    """Append 附件 + title + a bordered table to a python-docx document.

    Args:
        font: ``(paragraph_or_run, text, bold)`` callback that writes text in the body font,
            so the table follows the document's font set-up.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_page_break()
    font(doc.add_paragraph(), "附件", False)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(title, TABLE_TITLE, True)
    rows = table_rows(comparisons, previous_year, current_year)
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            font(paragraph, value, r == 0)
