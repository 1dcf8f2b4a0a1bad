"""Pure helpers turning service results into Markdown and table rows for the web UI.

Nothing here imports gradio, so every function is unit-tested directly.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.documents import DOC_TYPE_LABELS, STATUS_LABELS

PASSAGE_CHARS = 400
OFFLINE_LABEL = "回答方式：离线摘录"
CHECK_LABELS = {
    "ok": "√ 正确",
    "article_missing": "× 条文不存在",
    "law_unknown": "× 法规未找到",
    "superseded": "△ 已被替代",
    "quote_mismatch": "△ 引文不符",
    "unverifiable": "？ 未能核对",
}
INGEST_LABELS = {
    "added": "已新增",
    "replaced": "已更新",
    "unchanged": "未变化",
    "skipped": "已跳过",
    "error": "失败",
}
DOCUMENT_HEADERS = ["来源", "类型", "标题", "年份", "片段数", "状态"]
INGEST_HEADERS = ["文件", "结果", "片段数", "说明"]
CHECK_HEADERS = ["引用", "结果", "说明"]


def status_markdown(line: str) -> str:
    """The status line at the top of every page, with the offline mode in bold."""
    return line.replace(OFFLINE_LABEL, f"**【{OFFLINE_LABEL}】**")


def escape(text: str) -> str:
    """Document text shown as text: HTML in it (``<img src=…>``, ``<script>``) is not rendered."""
    return html.escape(str(text or ""), quote=False)


def quote(text: str, limit: int = PASSAGE_CHARS) -> str:
    """A passage as a Markdown block quote, shortened to ``limit`` characters (HTML escaped)."""
    text = escape((text or "").strip())
    if len(text) > limit:
        text = text[:limit].rstrip() + "……"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return "\n".join(f"> {ln}" for ln in lines) if lines else "> （无原文）"


def status_label(status: str | None) -> str:
    """现行有效 / 已被替代 for a chunk or citation status."""
    return STATUS_LABELS.get(status or "current", status or "")


def source_heading(source: Mapping[str, Any]) -> str:
    """``[n] label`` plus where it comes from (law status, or report section/page)."""
    n = source.get("n")
    label = escape(source.get("label") or source.get("title") or source.get("source") or "未知来源")
    head = f"**[{n}] {label}**" if n is not None else f"**{label}**"
    details = []
    if source.get("law"):
        details.append(status_label(source.get("status")))
    else:
        parts = [p for p in escape(source.get("section") or "").split(" &gt; ") if p and p not in label]
        if parts:
            details.append(" › ".join(parts))
        if source.get("page") and f"第{source['page']}页" not in label:
            details.append(f"第{source['page']}页")
    kind = DOC_TYPE_LABELS.get(source.get("doc_type") or "", "")
    if kind:
        details.insert(0, kind)
    return head + (f"（{'，'.join(details)}）" if details else "")


def sources_markdown(sources: Iterable[Mapping[str, Any]]) -> str:
    """Numbered sources of an answer with their quoted passages."""
    blocks = [f"{source_heading(s)}\n\n{quote(str(s.get('text') or ''))}" for s in sources]
    return "\n\n".join(blocks) if blocks else "*（本回答没有引用来源）*"


def warnings_markdown(warnings: Iterable[str]) -> str:
    """Verification warnings as a list, or an empty string when there are none."""
    items = [w for w in warnings if w]
    if not items:
        return ""
    return "**※ 核验提示**\n\n" + "\n".join(f"- {w}" for w in items)


def answer_panel(answer: Mapping[str, Any]) -> str:
    """Side panel for one answer (``Answer.to_json()``): mode, warnings, then the sources."""
    modes = {"offline": "离线摘录", "llm": "大模型生成", "citation": "法条精确查询"}
    parts = [f"**回答方式：** {modes.get(answer.get('mode', ''), answer.get('mode', ''))}"]
    warn = warnings_markdown(answer.get("warnings") or [])
    if warn:
        parts.append(warn)
    parts.append("### 来源\n\n" + sources_markdown(answer.get("sources") or []))
    return "\n\n".join(parts)


def cite_markdown(cite: Mapping[str, Any]) -> str:
    """An exact article lookup (``CiteResult.to_json()``): text, law, chapter and status."""
    if not cite.get("found"):
        message = cite.get("message") or "未找到该条文。"
        return f"**未找到：** {message}"
    parts = [f"### {cite.get('label') or cite.get('law')}"]
    meta = [f"**法规：** 《{cite.get('law')}》"]
    if cite.get("chapter"):
        meta.append(f"**章节：** {cite['chapter']}")
    status = status_label(cite.get("status"))
    if cite.get("status") == "superseded" and cite.get("replaced_by"):
        status += f"，现行规定见《{cite['replaced_by']}》"
    meta.append(f"**效力：** {status}")
    parts.append("  \n".join(meta))
    if cite.get("message"):
        parts.append(f"※ {cite['message']}")
    text = cite.get("text") or ""
    full = cite.get("full_text") or ""
    parts.append(quote(text, limit=4000))
    if full and full.split(" ", 1)[-1].strip() != text.strip():
        parts.append("**全条：**\n\n" + quote(full, limit=4000))
    return "\n\n".join(parts)


def hits_markdown(hits: Iterable[Mapping[str, Any]]) -> str:
    """Search hits (``Hit.to_json()``) numbered, with status and passage."""
    blocks = []
    for n, hit in enumerate(hits, 1):
        blocks.append(f"{source_heading({**hit, 'n': n})}\n\n{quote(str(hit.get('text') or ''))}")
    return "\n\n".join(blocks) if blocks else "未在知识库中找到相关内容。"


def check_rows(checks: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """Rows 引用 | 结果 | 说明 for ``CitationCheck.to_json()`` items."""
    rows = []
    for c in checks:
        note = c.get("message") or ""
        if c.get("replaced_by") and c["replaced_by"] not in note:
            note = f"{note} 现行规定见{c['replaced_by']}".strip()
        raw = c.get("raw") or c.get("label") or ""
        rows.append([raw, CHECK_LABELS.get(c.get("status", ""), c.get("status", "")), note])
    return rows


def document_rows(documents: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """Rows 来源 | 类型 | 标题 | 年份 | 片段数 | 状态 for ``DocumentSummary.to_json()`` items."""
    rows = []
    for d in documents:
        kind = d.get("doc_type_label") or DOC_TYPE_LABELS.get(d.get("doc_type", ""), "")
        if d.get("is_sample"):
            kind = "示例报告"  # the bundled demo: never to be taken for the office's own report
        status = d.get("status_label") or status_label(d.get("status"))
        if d.get("replaced_by"):
            status += f"（由《{d['replaced_by']}》替代）"
        year = d.get("year")
        rows.append([d.get("source", ""), kind, d.get("title", ""), "" if year is None else str(year),
                     int(d.get("chunks") or 0), status])
    return rows


def ingest_rows(results: Iterable[Any]) -> list[list[Any]]:
    """Rows 文件 | 结果 | 片段数 | 说明 for ingest ``FileResult`` objects."""
    rows = []
    for r in results:
        rows.append([r.source, INGEST_LABELS.get(r.status, r.status), int(r.chunks or 0), r.message or ""])
    return rows


def ingest_summary(results: list[Any], seconds: float = 0.0) -> str:
    """One line: how many files went in, how many failed."""
    if not results:
        return "没有可导入的文件。"
    failed = sum(1 for r in results if r.status == "error")
    done = len(results) - failed
    line = f"共处理 {len(results)} 个文件：成功 {done} 个"
    line += f"，失败 {failed} 个（见下表说明）" if failed else ""
    return line + (f"，用时 {seconds:.1f} 秒。" if seconds else "。")


def table_cells(value: Any) -> list[list[str]]:
    """Every row of a Gradio Dataframe value (pandas DataFrame, list of lists, dict or None) as
    strings, empty rows and cells included."""
    if value is None:
        return []
    if hasattr(value, "values") and hasattr(value, "columns"):  # pandas without importing it
        raw = value.values.tolist()
    elif isinstance(value, Mapping) and "data" in value:
        raw = value["data"]
    else:
        raw = list(value)
    return [["" if c is None or (isinstance(c, float) and c != c) else str(c) for c in row] for row in raw]


def table_rows(value: Any) -> list[list[str]]:
    """Non-empty rows of a Gradio Dataframe value, cells stripped."""
    rows = ([c.strip() for c in row] for row in table_cells(value))
    return [row for row in rows if any(row)]


def lines(text: str | None) -> list[str]:
    """Non-empty lines of a textarea (one item per line), list markers removed."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-•·*").strip()
        if line:
            out.append(line)
    return out
