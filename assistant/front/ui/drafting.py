"""报告起草 page handlers: last year's report as a starting point, draft, edit, regenerate, export.

The layout lives in :mod:`assistant.front.ui.drafting_tab`; everything here is callable from tests.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.drafting.facts import Facts, FactsError
from assistant.front.ui import draft_editor as editor
from assistant.front.ui.factsform import FactsForm, facts_to_form, form_to_facts
from assistant.front.ui.formatting import warnings_markdown
from assistant.front.ui.uploads import UploadError, sanitize_filename

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.core.drafting.draft import Draft

log = logging.getLogger(__name__)

SESSIONS_DIRNAME = "ui-sessions"
MODES = {"模板起草（离线）": "offline", "大模型润色（需配置大模型）": "llm"}
_CONTINUED = re.compile(r"^.*（续）$")


@dataclass
class PreviousReport:
    """The newest report in the knowledge base and the facts extracted from it."""

    source: str
    year: int | None
    text: str
    facts: Facts | None


@dataclass
class DraftSession:
    """Per-browser-session drafting state."""

    folder: Path
    draft: Draft | None = None
    facts: Facts | None = None
    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # 起草提示 that are not check results


def sessions_root(assistant: Assistant) -> Path:
    """Folder holding every session's exported files (served by Gradio)."""
    return assistant.settings.data_dir / SESSIONS_DIRNAME


def new_session(assistant: Assistant) -> DraftSession:
    """A session with its own folder under ``data_dir``."""
    folder = sessions_root(assistant) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    return DraftSession(folder)


def document_text(assistant: Assistant, source: str) -> str:
    """A stored document's text rebuilt from its chunks (continuation headings removed)."""
    chunks = sorted(assistant.store.iter_chunks({"source": source}),
                    key=lambda c: int(c.metadata.get("chunk_index", 0)))
    lines: list[str] = []
    title = chunks[0].metadata.get("title") if chunks else None
    if title:
        lines.append(str(title))
    for chunk in chunks:
        body = chunk.text.split("\n")
        if body and _CONTINUED.match(body[0].strip()):
            body = body[1:]
        lines.extend(body)
    return "\n".join(lines)


def load_previous(assistant: Assistant) -> PreviousReport | None:
    """The newest report (by year) in the knowledge base, with its extracted facts."""
    reports = [d for d in assistant.documents() if d.doc_type == "report"]
    if not reports:
        return None
    newest = max(reports, key=lambda d: (d.year or 0, d.source))
    text = document_text(assistant, newest.source)
    try:
        facts = assistant.drafting.extract(text)
    except Exception:  # a report that cannot be parsed must not block drafting
        log.exception("extract failed for %s", newest.source)
        facts = None
    year = newest.year or (facts.year if facts else None)
    return PreviousReport(newest.source, year, text, facts)


def _form_outputs(form: FactsForm) -> tuple[Any, ...]:
    return (form.organization, form.year, form.indicators, form.measures, form.shortcomings,
            form.first_responsible_person, form.next_year_plans, form.other)


def _previous_info(prev: PreviousReport | None) -> str:
    if prev is None:
        return "知识库中没有往年报告：请手动填写；上传往年报告后可自动预填指标并生成同比对比。"
    year = f"{prev.year}年" if prev.year else "年度未知"
    note = "" if prev.facts else "（未能从中提取指标）"
    return f"已载入上年报告：**{prev.source}**（{year}）{note}。指标表右列为上年数值，供填写本年数值时参考。"


def on_load(assistant: Assistant):
    """Page load: find last year's report and pre-fill unit, year and indicator names."""
    prev = load_previous(assistant)
    facts = prev.facts if prev else None
    form = facts_to_form(None, facts, assistant.drafting.catalogue)
    if facts:
        form.organization, form.year = facts.organization, facts.year + 1
    return (prev, _previous_info(prev), *_form_outputs(form))


def prefill_all(assistant: Assistant, prev: PreviousReport | None):
    """Copy all of last year's content into the form as this year's starting point."""
    if prev is None or prev.facts is None:
        gr.Warning("没有可用的上年报告")
        return _form_outputs(FactsForm())
    current = assistant.drafting.extract(prev.text, next_year=True)
    current.indicators = {}  # this year's figures must be entered, never carried over
    return _form_outputs(facts_to_form(current, prev.facts, assistant.drafting.catalogue))


def read_form(*values: Any) -> FactsForm:
    """Form field values in :func:`_form_outputs` order → :class:`FactsForm`."""
    return FactsForm(*values)


def _export(assistant: Assistant, session: DraftSession, draft: Draft, comparisons: list) -> None:
    try:
        stem = sanitize_filename(draft.title)
    except UploadError:
        stem = "法治政府建设年度情况报告"
    session.files = {
        "docx": assistant.drafting.export_docx(draft, session.folder / f"{stem}.docx", comparisons),
        "md": assistant.drafting.export_markdown(draft, session.folder / f"{stem}.md", comparisons),
    }


def _comparison(assistant: Assistant, session: DraftSession, prev: PreviousReport | None,
                facts: Facts) -> tuple[list, str | None, str]:
    if prev is None or prev.facts is None or prev.facts.year >= facts.year:
        return [], None, ""
    comparisons = assistant.drafting.compare(prev.facts, facts)
    if not comparisons:
        return [], None, "本年与上年没有可比的指标。"
    chart = assistant.drafting.comparison_chart(comparisons, session.folder / f"同比-{uuid.uuid4().hex[:8]}.png")
    table = assistant.drafting.comparison_table(comparisons, prev.facts.year, facts.year)
    return comparisons, str(chart), table


def _result(assistant: Assistant, session: DraftSession, prev: PreviousReport | None, status: str):
    """Outputs in :data:`OUTPUTS` order: section boxes and buttons, 起草提示, files, chart, status."""
    draft = session.draft
    assert draft is not None and session.facts is not None
    comparisons, chart, table = _comparison(assistant, session, prev, session.facts)
    _export(assistant, session, draft, comparisons)
    warn = warnings_markdown(draft.warnings) or "√ 检查通过：结构完整，数字均来自填写的材料。"
    labels = assistant.drafting.structure.labels
    return (*editor.section_box_updates(draft, labels), *editor.section_button_updates(draft), warn,
            session, gr.update(value=str(session.files["docx"]), interactive=True),
            gr.update(value=str(session.files["md"]), interactive=True),
            gr.update(value=chart, visible=chart is not None), table, status)


def _unchanged(session: DraftSession | None, message: str):
    gr.Warning(message.replace("\n", " "))
    keep = [gr.update()] * (2 * editor.SECTION_COUNT)
    return (*keep, gr.update(), session, gr.update(), gr.update(), gr.update(), gr.update(),
            f"**※ 无法生成**\n\n{message}")


def _facts_or_error(assistant: Assistant, values: tuple[Any, ...]) -> Facts:
    return form_to_facts(read_form(*values), assistant.drafting.catalogue, assistant.drafting.structure)


def generate(assistant: Assistant, session: DraftSession | None, prev: PreviousReport | None,
             mode_label: str, use_report: bool, *values: Any):
    """Draft the whole report from the form; bad facts give a Chinese message, nothing crashes."""
    session = session or new_session(assistant)
    try:
        facts = _facts_or_error(assistant, values)
        mode = MODES.get(mode_label, "offline")
        from_report = prev.text if use_report and prev is not None else None
        previous = prev.facts if prev and prev.facts and prev.facts.year < facts.year else None
        session.draft = assistant.drafting.draft(facts, mode, from_report=from_report, previous=previous)
        session.facts = facts
        session.notes = editor.drafting_notes(assistant.drafting, session.draft, facts)
    except (FactsError, ValueError) as exc:
        return _unchanged(session, str(exc))
    except Exception as exc:  # keep the page alive whatever the drafter does
        log.exception("draft failed")
        return _unchanged(session, f"起草出错：{exc}")
    return _result(assistant, session, prev, f"已生成初稿（{len(session.draft.sections)} 个部分）。")


def regenerate_section(assistant: Assistant, key: str, session: DraftSession | None,
                       prev: PreviousReport | None, mode_label: str, *args: Any):
    """Redraft one section from the form; the other sections keep their (edited) text.

    ``args`` are the section boxes' texts (in :data:`SECTION_KEYS` order), then the form values.
    """
    if session is None or session.draft is None:
        return _unchanged(session, "请先点击“生成初稿”。")
    texts, values = editor.split_section_args(args)
    label = assistant.drafting.structure.labels.get(key, key)
    try:
        facts = _facts_or_error(assistant, values)
        previous = prev.facts if prev and prev.facts and prev.facts.year < facts.year else None
        mode = MODES.get(mode_label, "offline")
        edited = editor.apply_edits(session.draft, texts)
        session.draft = assistant.drafting.regenerate(edited, key, facts, mode, previous)
        session.facts = facts
        session.notes = editor.drafting_notes(assistant.drafting, session.draft, facts)
    except (FactsError, ValueError) as exc:
        return _unchanged(session, str(exc))
    except Exception as exc:  # keep the page alive whatever the drafter does
        log.exception("regenerate failed")
        return _unchanged(session, f"重新生成出错：{exc}")
    return _result(assistant, session, prev, f"已重新生成“{label}”，其他部分保持不变。")


def save_edits(assistant: Assistant, session: DraftSession | None, prev: PreviousReport | None,
               *texts: str, auto: bool = False):
    """Put the edited section texts into the draft, check its figures again and re-export.

    ``auto`` is set when leaving a text box saved the edits (only the status differs).
    """
    if session is None or session.draft is None or session.facts is None:
        return _unchanged(session, "请先点击“生成初稿”。")
    try:
        draft = editor.apply_edits(session.draft, texts)
        session.draft = editor.recheck(assistant.drafting, draft, session.facts, session.notes)
    except Exception as exc:  # keep the page alive whatever the checks do
        log.exception("save edits failed")
        return _unchanged(session, f"保存修改出错：{exc}")
    done = "已自动保存修改" if auto else "已保存修改并重新检查"
    return _result(assistant, session, prev, f"{done}，下载的文件包含修改后的文字。")
