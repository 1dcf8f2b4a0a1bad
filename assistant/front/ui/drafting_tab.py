"""报告起草 page layout: the facts form, the draft as editable sections beside its 起草提示, downloads."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.drafting import SECTION_KEYS
from assistant.front.ui import drafting as handlers
from assistant.front.ui.factsform import INDICATOR_HEADERS, MEASURE_HEADERS, add_row, remove_row

if TYPE_CHECKING:
    from assistant.app import Assistant

_LIST_HINT = "每行一条"


def _selected_row(evt: gr.SelectData) -> int | None:
    """Row index of the clicked cell (the row 删除选中行 removes)."""
    index = evt.index
    return index[0] if isinstance(index, (list, tuple)) and index else None


def _row_buttons(table: Any, width: int, name: str) -> None:
    """Visible 添加一行 / 删除选中行 buttons under a table (not only its ⋮ menu)."""
    selected = gr.State(None)
    with gr.Row():
        add = gr.Button("＋ 添加一行", size="sm", scale=0, min_width=120, elem_id=f"{name}-add")
        remove = gr.Button("－ 删除选中行", size="sm", scale=0, min_width=120, elem_id=f"{name}-remove")
    table.select(_selected_row, None, selected, api_visibility="private")
    add.click(partial(add_row, width=width), table, table, api_visibility="private")
    remove.click(lambda value, row: (remove_row(value, width, row), None), [table, selected],
                 [table, selected], api_visibility="private")


def _facts_form() -> list[Any]:
    """The form fields, in :func:`assistant.front.ui.drafting.read_form` order."""
    with gr.Row():
        org = gr.Textbox(label="单位名称", placeholder="例如：北京市东城区人民防空办公室",
                         scale=3, elem_id="f-org")
        year = gr.Number(label="报告年度", precision=0, scale=1, elem_id="f-year")
    # Columns are fixed ("fixed": no add/delete column in the ⋮ menu); rows via the buttons.
    indicators = gr.Dataframe(
        headers=INDICATOR_HEADERS, datatype=["str", "str", "str"], column_count=(3, "fixed"),
        row_count=3, interactive=True, label="主要指标（数值须带单位，如“620人次”；未填数值的行不写入报告）",
        static_columns=[2], elem_id="f-indicators", wrap=True, buttons=[],
    )
    _row_buttons(indicators, len(INDICATOR_HEADERS), "indicators")
    measures = gr.Dataframe(
        headers=MEASURE_HEADERS, datatype=["str", "str"], column_count=(2, "fixed"), row_count=3,
        interactive=True, label="一、主要举措和成效（同一领域可写多行；以“- ”开头的行作为分条目）",
        column_widths=["20%", "80%"], elem_id="f-measures", wrap=True, buttons=[],
    )
    _row_buttons(measures, len(MEASURE_HEADERS), "measures")
    with gr.Row():
        shortcomings = gr.Textbox(label="二、存在的不足和原因", lines=4, info=_LIST_HINT,
                                  elem_id="f-shortcomings")
        responsible = gr.Textbox(label="三、党政主要负责人履行第一责任人职责情况", lines=4,
                                 info=_LIST_HINT, elem_id="f-responsible")
    with gr.Row():
        plans = gr.Textbox(label="四、下一年度主要安排", lines=4, info=_LIST_HINT, elem_id="f-plans")
        other = gr.Textbox(label="五、其他需要报告的情况（可不填）", lines=4, info=_LIST_HINT,
                           elem_id="f-other")
    with gr.Row():
        reasons = gr.Textbox(label="二、不足的原因（与上面“不足”逐行对应，可留空；留空时正文给出待确认的原因）",
                             lines=3, elem_id="f-reasons")
        duties = gr.Dataframe(
            headers=["第一责任人履职栏目", "情况（次数栏只填数字，可不填）"], datatype=["str", "str"],
            column_count=(2, "fixed"), row_count=5, interactive=True, elem_id="f-duties", wrap=True,
            value=[["会前学法（次数）", ""], ["专题听取法治建设汇报（次数）", ""], ["出庭应诉", ""], ["述法", ""],
                   ["批示", ""]], label="三、第一责任人履职表单",
        )
    return [org, year, indicators, measures, shortcomings, responsible, plans, other, reasons, duties]


def _section_editors(labels: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """One text box and one 重新生成本部分 button per section, hidden until there is a draft."""
    boxes, buttons = [], []
    for key in SECTION_KEYS:
        with gr.Group():
            boxes.append(gr.Textbox(label=labels.get(key, key), lines=6, max_lines=40, visible=False,
                                    interactive=True, elem_id=f"sec-{key}", buttons=["copy"]))
            buttons.append(gr.Button(f"按当前填写重新生成“{labels.get(key, key)}”", size="sm",
                                     visible=False, elem_id=f"regen-{key}"))
    return boxes, buttons


def build_drafting_tab(assistant: Assistant) -> tuple[Any, list[Any]]:
    """Lay out the 报告起草 tab inside the current Blocks.

    Returns:
        The on-load handler and its outputs, for the app to run when a page opens.
    """
    labels = assistant.drafting.structure.labels
    previous = gr.State(None)
    session = gr.State(None)
    info = gr.Markdown(elem_id="previous-info")
    with gr.Accordion("填写事实材料", open=True):
        with gr.Row():
            choices = handlers.mode_choices(assistant)
            mode = gr.Radio(choices, value=choices[0], label="起草方式", scale=2,
                            info=None if len(choices) > 1 else "未配置大模型：用模板起草（配置 llm 后可选大模型润色）")
            use_report = gr.Checkbox(label="在上年报告原文基础上更新（保留原文段落，刷新数字）",
                                     value=False, scale=2)
            prefill = gr.Button("用上年报告内容预填全部字段", scale=1)
        form = _facts_form()
        gr.Markdown("#### 上年工作安排落实对照")
        followup = gr.Markdown(handlers.FOLLOW_UP_HINT, elem_id="followup")
    generate = gr.Button("生成初稿", variant="primary", elem_id="generate-btn")
    status = gr.Markdown(elem_id="draft-status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, elem_id="draft-output"):
            gr.Markdown("#### 初稿（可直接修改各部分文字，改完点击右侧“保存修改并检查”）")
            boxes, buttons = _section_editors(labels)
        with gr.Column(scale=2):
            gr.Markdown("#### 起草提示与检查结果（不写入报告正文）")
            warnings = gr.Markdown(elem_id="draft-warnings", container=True, padding=True)
            save = gr.Button("保存修改并检查", variant="secondary", elem_id="save-edits")
            with gr.Row():
                docx_btn = gr.DownloadButton("下载 Word（.docx）", interactive=False,
                                             variant="primary", elem_id="download-docx")
                md_btn = gr.DownloadButton("下载 Markdown（.md）", interactive=False,
                                           elem_id="download-md")
            gr.Markdown("#### 主要指标同比")
            chart = gr.Image(label="同比变化", type="filepath", interactive=False, elem_id="chart",
                             visible=False)
            table = gr.Markdown("*生成初稿后，这里列出本年与上年报告共有指标的对比；无法对比时说明原因。*",
                                elem_id="compare-table")

    outputs = [*boxes, *buttons, warnings, session, docx_btn, md_btn, chart, table, followup, status]
    generate.click(partial(handlers.generate, assistant), [session, previous, mode, use_report, *form],
                   outputs, api_visibility="private")
    for key, button in zip(SECTION_KEYS, buttons, strict=True):
        button.click(partial(handlers.regenerate_section, assistant, key),
                     [session, previous, mode, *boxes, *form], outputs, api_visibility="private")
    save.click(partial(handlers.save_edits, assistant), [session, previous, *boxes], outputs,
               api_visibility="private")
    for box in boxes:  # leaving a box saves it too, so a download right after an edit has it
        box.blur(partial(handlers.save_edits, assistant, auto=True), [session, previous, *boxes], outputs,
                 api_visibility="private", show_progress="hidden")
    prefill.click(partial(handlers.prefill_all, assistant), [previous], form, api_visibility="private")
    # form[1] is the 报告年度 box: last year's report is re-chosen for the year being drafted.
    form[1].change(partial(handlers.on_year, assistant), [previous, form[1]], [previous, info],
                   api_visibility="private")
    return partial(handlers.on_load, assistant), [previous, info, *form]
