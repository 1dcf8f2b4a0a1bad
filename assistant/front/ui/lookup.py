"""法规查询 page: exact article lookup or keyword search, and citation checking of any text."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

import gradio as gr

from assistant.front.ui.formatting import CHECK_HEADERS, check_rows, cite_markdown, hits_markdown

if TYPE_CHECKING:
    from assistant.app import Assistant

log = logging.getLogger(__name__)

SEARCH_K = 8
LOOKUP_EXAMPLES = ["行政处罚法第三十二条", "《中华人民共和国人民防空法》第四十九条", "人防工程 平时使用 管理"]


def lookup(assistant: Assistant, query: str) -> str:
    """Article text for a citation, otherwise the top search hits, as Markdown."""
    query = (query or "").strip()
    if not query:
        return "请输入法条引用（如“行政处罚法第三十二条”）或关键词。"
    try:
        if assistant.resolver.is_citation(query):
            return cite_markdown(assistant.cite(query).to_json())
        hits = assistant.search(query, k=SEARCH_K)
    except Exception as exc:  # show the problem, keep the page alive
        log.exception("lookup failed")
        return f"查询出错：{exc}"
    header = f"未识别为法条引用，以下是与“{query}”最相关的 {len(hits)} 条内容：\n\n" if hits else ""
    return header + hits_markdown(h.to_json() for h in hits)


def verify(assistant: Assistant, text: str) -> tuple[list[list[str]], str]:
    """Check every citation in a pasted text: rows 引用 | 结果 | 说明 and a summary line."""
    text = (text or "").strip()
    if not text:
        return [], "请粘贴需要核验的文字。"
    try:
        checks = assistant.resolver.verify(text)
    except Exception as exc:  # show the problem, keep the page alive
        log.exception("verify failed")
        return [], f"核验出错：{exc}"
    if not checks:
        return [], "文中没有识别到“《法规名称》第X条”形式的引用。"
    rows = check_rows(c.to_json() for c in checks)
    bad = sum(1 for c in checks if c.status != "ok")
    summary = f"共识别 {len(checks)} 处引用，" + (f"{bad} 处需要注意。" if bad else "全部正确。")
    return rows, summary


def build_lookup_tab(assistant: Assistant) -> None:
    """Lay out the 法规查询 tab inside the current Blocks."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=1):
            gr.Markdown("#### 查法条 / 搜索")
            query = gr.Textbox(label="法条引用或关键词", placeholder="例如：行政处罚法第三十二条",
                               elem_id="lookup-query")
            go = gr.Button("查询", variant="primary", elem_id="lookup-btn")
            gr.Examples(LOOKUP_EXAMPLES, inputs=[query], label="示例")
            result = gr.Markdown(elem_id="lookup-result", container=True, padding=True,
                                 max_height=640, line_breaks=True)
        with gr.Column(scale=1):
            gr.Markdown("#### 引用核验")
            text = gr.Textbox(label="粘贴文字", lines=8, elem_id="verify-text",
                              placeholder="粘贴报告或文件段落，核验其中所有“《法规》第X条”引用")
            check = gr.Button("核验引用", elem_id="verify-btn")
            summary = gr.Markdown()
            table = gr.Dataframe(headers=CHECK_HEADERS, label="核验结果", interactive=False,
                                 wrap=True, elem_id="verify-table", buttons=[],
                                 column_widths=["32%", "16%", "52%"])
    fn = partial(lookup, assistant)
    for trigger in (query.submit, go.click):
        trigger(fn, [query], [result], api_visibility="private")
    check.click(partial(verify, assistant), [text], [table, summary], api_visibility="private")
