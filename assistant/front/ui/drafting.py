"""报告起草 page handlers: last year's report as a starting point, draft, edit, regenerate, export.

The layout lives in :mod:`assistant.front.ui.drafting_tab`; everything here is callable from tests.
Each click is one service call: the drafting service drafts, checks once and writes the files;
which report is "last year's" is decided by :meth:`assistant.app.Assistant.previous_report`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.drafting import Facts, FactsError, follow_up_summary
from assistant.front.ui import draft_editor as editor
from assistant.front.ui.factsform import FactsForm, facts_to_form, form_to_facts
from assistant.front.ui.formatting import warnings_markdown
from assistant.front.ui.uploads import UploadError, sanitize_filename

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.core.drafting import Draft, DraftPackage, PreviousReport

log = logging.getLogger(__name__)

SESSIONS_DIRNAME = "ui-sessions"
OFFLINE_MODE = "模板起草（离线）"
LLM_MODE = "大模型润色"
MODES = {OFFLINE_MODE: "offline", LLM_MODE: "llm"}


@dataclass
class DraftSession:
    """Per-browser-session drafting state."""

    folder: Path
    draft: Draft | None = None
    facts: Facts | None = None
    files: dict[str, Path] = field(default_factory=dict)


def sessions_root(assistant: Assistant) -> Path:
    """Folder holding every session's exported files (served by Gradio)."""
    return assistant.settings.data_dir / SESSIONS_DIRNAME


def new_session(assistant: Assistant) -> DraftSession:
    """A session with its own folder under ``data_dir``."""
    folder = sessions_root(assistant) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    return DraftSession(folder)


def _form_outputs(form: FactsForm) -> tuple[Any, ...]:
    return (form.organization, form.year, form.indicators, form.measures, form.shortcomings,
            form.first_responsible_person, form.next_year_plans, form.other, form.reasons, form.duties)


def mode_choices(assistant: Assistant) -> list[str]:
    """起草方式 offered: 大模型润色 only when a model is configured."""
    return [OFFLINE_MODE, LLM_MODE] if assistant.llm is not None else [OFFLINE_MODE]


def _previous_info(prev: PreviousReport | None, draft_year: int | None = None) -> str:
    if prev is None:
        when = f"{draft_year}年以前的" if draft_year else ""
        return (f"知识库中没有{when}往年报告：请手动填写；上传上年报告后可自动预填指标并生成同比对比。")
    year = f"{prev.year}年" if prev.year else "年度未知"
    note = "" if prev.facts else "（未能从中提取指标）"
    if prev.sample:
        return (f"知识库中只有随程序提供的**示例**报告：**{prev.source}**（{year}）{note}，"
                "未预填单位和年度。上传本单位往年报告后，将以本单位报告为上年报告。")
    return f"已载入上年报告：**{prev.source}**（{year}）{note}。指标表右列为上年数值，供填写本年数值时参考。"


def on_load(assistant: Assistant):
    """Page load: find last year's report and pre-fill unit, year and indicator names.

    The demo report pre-fills nothing: its unit and year are not the office's.
    """
    prev = assistant.previous_report()
    facts = prev.facts if prev and not prev.sample else None
    form = facts_to_form(None, facts, assistant.drafting.catalogue)
    if facts:
        form.organization, form.year = facts.organization, facts.year + 1
    return (prev, _previous_info(prev), *_form_outputs(form))


def on_year(assistant: Assistant, prev: PreviousReport | None, year: float | None):
    """The report year changed: last year's report is the newest one before it."""
    draft_year = int(year) if year else None
    if prev is not None and draft_year and prev.year and prev.year < draft_year:
        return prev, _previous_info(prev, draft_year)
    prev = assistant.previous_report(draft_year)
    return prev, _previous_info(prev, draft_year)


def prefill_all(assistant: Assistant, prev: PreviousReport | None):
    """Copy all of last year's content into the form as this year's starting point."""
    if prev is None or prev.facts is None:
        gr.Warning("没有可用的上年报告")
        return _form_outputs(FactsForm())
    current = assistant.drafting.extract(prev.text, next_year=True)
    if prev.sample:
        gr.Warning("预填内容来自随程序提供的示例报告，请逐项改为本单位的情况")
    current.indicators = {}  # this year's figures must be entered, never carried over
    return _form_outputs(facts_to_form(current, prev.facts, assistant.drafting.catalogue))


def read_form(*values: Any) -> FactsForm:
    """Form field values in :func:`_form_outputs` order → :class:`FactsForm`."""
    return FactsForm(*values)


def _package(assistant: Assistant, session: DraftSession, draft: Draft) -> DraftPackage:
    try:
        stem = sanitize_filename(draft.title)
    except UploadError:
        stem = "法治政府建设年度情况报告"
    package = assistant.drafting.package(draft, session.folder, stem)
    session.draft, session.files = package.draft, package.files
    return package


FOLLOW_UP_HINT = "*知识库中有上年报告时，生成初稿后在此逐项对照上年“下一年度主要安排”是否已在本年举措中落实。*"


def follow_up_markdown(draft: Draft) -> str:
    """落实对照 beside the facts: one line per plan item of last year's report."""
    if not draft.followup:
        return FOLLOW_UP_HINT
    return "\n".join([f"**{follow_up_summary(draft.followup)}**", "",
                      *(f"- {c.line()}" for c in draft.followup)])


def _result(assistant: Assistant, session: DraftSession, package: DraftPackage, status: str):
    """Outputs in :data:`OUTPUTS` order: section boxes and buttons, 起草提示, files, chart, status."""
    draft = package.draft
    warn = warnings_markdown(draft.warnings) or "√ 检查通过：结构完整，数字均来自填写的材料。"
    labels = assistant.drafting.structure.labels
    chart = str(package.chart) if package.chart else None
    return (*editor.section_box_updates(draft, labels), *editor.section_button_updates(draft), warn,
            session, gr.update(value=str(session.files["docx"]), interactive=True),
            gr.update(value=str(session.files["md"]), interactive=True),
            gr.update(value=chart, visible=chart is not None), package.table,
            follow_up_markdown(draft), status)


def _unchanged(session: DraftSession | None, message: str):
    gr.Warning(message.replace("\n", " "))
    keep = [gr.update()] * (2 * editor.SECTION_COUNT)
    return (*keep, gr.update(), session, gr.update(), gr.update(), gr.update(), gr.update(),
            gr.update(), f"**※ 无法生成**\n\n{message}")


def _facts_or_error(assistant: Assistant, values: tuple[Any, ...]) -> Facts:
    return form_to_facts(read_form(*values), assistant.drafting.catalogue, assistant.drafting.structure)


def _previous_for(assistant: Assistant, prev: PreviousReport | None, year: int) -> PreviousReport | None:
    """Last year's report for a draft of ``year``: the loaded one if it is earlier, else look again."""
    if prev is not None and prev.year and prev.year < year:
        return prev
    return assistant.previous_report(year)


def generate(assistant: Assistant, session: DraftSession | None, prev: PreviousReport | None,
             mode_label: str, use_report: bool, *values: Any):
    """Draft the whole report from the form; bad facts give a Chinese message, nothing crashes."""
    session = session or new_session(assistant)
    try:
        facts = _facts_or_error(assistant, values)
        mode = MODES.get(mode_label, "offline")
        prev = _previous_for(assistant, prev, facts.year)
        if use_report and prev is None:
            raise ValueError(f"知识库中没有{facts.year}年以前的报告，无法按上年报告更新")
        from_report = prev.text if use_report and prev is not None else None
        previous = assistant.drafting.previous_facts(prev, facts)
        session.facts = facts
        package = _package(assistant, session,
                           assistant.drafting.draft(facts, mode, from_report=from_report, previous=previous))
    except (FactsError, ValueError) as exc:
        return _unchanged(session, str(exc))
    except Exception as exc:  # keep the page alive whatever the drafter does
        log.exception("draft failed")
        return _unchanged(session, f"起草出错：{exc}")
    return _result(assistant, session, package, f"已生成初稿（{len(package.draft.sections)} 个部分）。")


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
        previous = assistant.drafting.previous_facts(_previous_for(assistant, prev, facts.year), facts)
        mode = MODES.get(mode_label, "offline")
        edited = editor.apply_edits(session.draft, texts)
        session.facts = facts
        package = _package(assistant, session,
                           assistant.drafting.regenerate(edited, key, facts, mode, previous))
    except (FactsError, ValueError) as exc:
        return _unchanged(session, str(exc))
    except Exception as exc:  # keep the page alive whatever the drafter does
        log.exception("regenerate failed")
        return _unchanged(session, f"重新生成出错：{exc}")
    return _result(assistant, session, package, f"已重新生成“{label}”，其他部分保持不变。")


def save_edits(assistant: Assistant, session: DraftSession | None, prev: PreviousReport | None,
               *texts: str, auto: bool = False):
    """Put the edited section texts into the draft, check its figures again and re-export.

    ``auto`` is set when leaving a text box saved the edits (only the status differs).
    """
    if session is None or session.draft is None or session.facts is None:
        return _unchanged(session, "请先点击“生成初稿”。")
    try:
        package = _package(assistant, session, editor.apply_edits(session.draft, texts))
    except Exception as exc:  # keep the page alive whatever the checks do
        log.exception("save edits failed")
        return _unchanged(session, f"保存修改出错：{exc}")
    done = "已自动保存修改" if auto else "已保存修改并重新检查"
    return _result(assistant, session, package, f"{done}，下载的文件包含修改后的文字。")
