"""报告起草 page layout: the facts form, the draft beside its check warnings, downloads, chart."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.ui import drafting as handlers
from assistant.ui.factsform import INDICATOR_HEADERS, MEASURE_HEADERS

if TYPE_CHECKING:
    from assistant.app import Assistant

_LIST_HINT = "每行一条"


def _facts_form() -> list[Any]:
    """The form fields, in :func:`assistant.ui.drafting.read_form` order."""
    with gr.Row():
        org = gr.Textbox(label="单位名称", placeholder="例如：北京市东城区人民防空办公室",
                         scale=3, elem_id="f-org")
        year = gr.Number(label="报告年度", precision=0, scale=1, elem_id="f-year")
    indicators = gr.Dataframe(
        headers=INDICATOR_HEADERS, datatype=["str", "str", "str"], column_count=3,
        row_count=3, interactive=True, label="主要指标（数值须带单位，如“620人次”；未填数值的行不写入报告）",
        static_columns=[2], elem_id="f-indicators", wrap=True,
    )
    measures = gr.Dataframe(
        headers=MEASURE_HEADERS, datatype=["str", "str"], column_count=2, row_count=3,
        interactive=True, label="一、主要举措和成效（同一领域可写多行；以“- ”开头的行作为分条目）",
        column_widths=["20%", "80%"], elem_id="f-measures", wrap=True,
    )
    with gr.Row():
        shortcomings = gr.Textbox(label="二、存在的不足和原因", lines=4, info=_LIST_HINT,
                                  elem_id="f-shortcomings")
        responsible = gr.Textbox(label="三、党政主要负责人履行第一责任人职责情况", lines=4,
                                 info=_LIST_HINT, elem_id="f-responsible")
    with gr.Row():
        plans = gr.Textbox(label="四、下一年度主要安排", lines=4, info=_LIST_HINT, elem_id="f-plans")
        other = gr.Textbox(label="五、其他需要报告的情况（可不填）", lines=4, info=_LIST_HINT,
                           elem_id="f-other")
    return [org, year, indicators, measures, shortcomings, responsible, plans, other]


def build_drafting_tab(assistant: Assistant) -> tuple[Any, list[Any]]:
    """Lay out the 报告起草 tab inside the current Blocks.

    Returns:
        The on-load handler and its outputs, for the app to run when a page opens.
    """
    previous = gr.State(None)
    session = gr.State(None)
    info = gr.Markdown(elem_id="previous-info")
    with gr.Accordion("填写事实材料", open=True):
        with gr.Row():
            mode = gr.Radio(list(handlers.MODES), value=next(iter(handlers.MODES)), label="起草方式",
                            scale=2)
            use_report = gr.Checkbox(label="在上年报告原文基础上更新（保留原文段落，刷新数字）",
                                     value=False, scale=2)
            prefill = gr.Button("用上年报告内容预填全部字段", scale=1)
        form = _facts_form()
    generate = gr.Button("生成初稿", variant="primary", elem_id="generate-btn")
    status = gr.Markdown(elem_id="draft-status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            draft_md = gr.Markdown("*初稿将在这里按部分显示。*", elem_id="draft-output",
                                   container=True, padding=True, max_height=720, buttons=["copy"])
        with gr.Column(scale=2):
            gr.Markdown("#### 检查提示")
            warnings = gr.Markdown(elem_id="draft-warnings", container=True, padding=True)
            with gr.Row():
                section = gr.Dropdown(list(assistant.drafting.structure.labels.values()), label="重新生成某一部分",
                                      scale=3, elem_id="section-pick")
                regen = gr.Button("重新生成", scale=1, elem_id="regen-btn")
            with gr.Row():
                docx_btn = gr.DownloadButton("下载 Word（.docx）", interactive=False,
                                             variant="primary", elem_id="download-docx")
                md_btn = gr.DownloadButton("下载 Markdown（.md）", interactive=False,
                                           elem_id="download-md")
            gr.Markdown("#### 主要指标同比")
            chart = gr.Image(label="同比变化", type="filepath", interactive=False, elem_id="chart",
                             visible=False)
            table = gr.Markdown(elem_id="compare-table")

    outputs = [draft_md, warnings, session, docx_btn, md_btn, chart, table, section, status]
    generate.click(partial(handlers.generate, assistant), [session, previous, mode, use_report, *form],
                   outputs, api_visibility="private")
    regen.click(partial(handlers.regenerate, assistant), [session, previous, mode, section, *form],
                outputs, api_visibility="private")
    prefill.click(partial(handlers.prefill_all, assistant), [previous], form, api_visibility="private")
    return partial(handlers.on_load, assistant), [previous, info, *form]
