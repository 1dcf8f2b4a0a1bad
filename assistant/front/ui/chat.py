"""智能问答 page: streamed answers, numbered sources beside the chat, multi-turn history."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.answering import Conversation
from assistant.front.ui.formatting import answer_panel, escape

if TYPE_CHECKING:
    from assistant.app import Assistant

log = logging.getLogger(__name__)

EXAMPLES = [
    "2023年开展了多少次行政检查？",
    "人防工程被侵占，依据哪条处罚？",
    "行政处罚法第三十二条怎么规定的？",
]
PANEL_HINT = "*提问后，这里会显示回答所依据的来源和核验提示。*"
THINKING = "正在检索知识库……"


def sources_history(panels: list[tuple[str, str]], current: str | None = None) -> str:
    """Every answer's sources, newest first, each under its question; ``current`` is the panel
    text of the answer being written (shown on top)."""
    parts = [current] if current else []
    for n, (question, panel) in reversed(list(enumerate(panels, 1))):
        parts.append(f"#### 第{n}问：{escape(question)}\n\n{panel}")
    return "\n\n---\n\n".join(parts) or PANEL_HINT


def respond(
    assistant: Assistant, message: str, history: list[Any] | None,
    conversation: Conversation | None, panels: list[tuple[str, str]] | None = None,
) -> Iterator[tuple[list[Any], str, Conversation, str, list[tuple[str, str]]]]:
    """Stream one answer: yields (chat messages, sources panel, conversation, input box, panels).

    The final ``Answer`` replaces the streamed text, since guards may have changed it. The panel
    keeps the sources of earlier answers below the newest one's.
    """
    history = list(history or [])
    panels = list(panels or [])
    conversation = conversation if isinstance(conversation, Conversation) else Conversation()
    question = (message or "").strip()
    if not question:
        gr.Warning("请先输入问题")
        yield history, sources_history(panels), conversation, "", panels
        return
    history += [{"role": "user", "content": question}, {"role": "assistant", "content": THINKING}]
    yield list(history), sources_history(panels, "*正在检索……*"), conversation, "", panels
    text = ""
    try:
        for item in assistant.qa.stream(question, conversation):
            if isinstance(item, str):
                text += item
                history[-1] = {"role": "assistant", "content": escape(text)}
                yield list(history), sources_history(panels, "*正在生成回答……*"), conversation, "", panels
            else:
                history[-1] = {"role": "assistant", "content": escape(item.answer)}
                panels.append((question, answer_panel(item.to_json())))
                yield history, sources_history(panels), conversation, "", panels
    except Exception as exc:  # the chat must survive any backend failure
        log.exception("answer failed")
        history[-1] = {"role": "assistant", "content": f"抱歉，回答时出错：{exc}"}
        panels.append((question, "**※ 出错**\n\n请稍后重试，或换一种问法。"))
        yield history, sources_history(panels), conversation, "", panels


def clear() -> tuple[list[Any], str, Conversation, str, list[tuple[str, str]]]:
    """Start a new conversation."""
    return [], PANEL_HINT, Conversation(), "", []


def ask_api(assistant: Assistant, question: str) -> dict:
    """One stateless question for API clients (``/ask``): the ``Answer`` as JSON."""
    try:
        return assistant.qa.ask(question).to_json()
    except Exception as exc:  # API clients get a JSON error, not a dropped request
        log.exception("api ask failed")
        return {"answer": f"回答时出错：{exc}", "sources": [], "warnings": [str(exc)],
                "mode": "error", "found": False}


def build_chat_tab(assistant: Assistant) -> None:
    """Lay out the 智能问答 tab inside the current Blocks."""
    conversation = gr.State(None)
    panels = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            # No visible label: a floating "对话" label sat over the scrolled messages.
            chatbot = gr.Chatbot(
                label="对话",
                show_label=False,
                height=520,
                buttons=["copy", "copy_all"],
                placeholder="请输入关于法治政府建设、法律法规或往年报告的问题。",
                feedback_options=None,
                elem_id="chatbot",
            )
            with gr.Row():
                box = gr.Textbox(label="问题", placeholder="输入问题，按回车发送", show_label=False, scale=5,
                                 elem_id="question", autofocus=True,
                                 max_length=assistant.settings.answering.max_question_chars)
                send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
                clear_btn = gr.Button("清空", scale=1, min_width=80, elem_id="clear")
            gr.Examples(EXAMPLES, inputs=[box], label="示例问题", elem_id="chat-examples")
        with gr.Column(scale=2):
            gr.Markdown("### 依据与核验")
            panel = gr.Markdown(PANEL_HINT, elem_id="sources-panel", height=560,
                                container=True, padding=True, line_breaks=True)

    fn = partial(respond, assistant)
    outputs = [chatbot, panel, conversation, box, panels]
    for trigger in (box.submit, send.click):
        trigger(fn, [box, chatbot, conversation, panels], outputs, api_visibility="private")
    clear_btn.click(clear, None, outputs, api_visibility="private")

    def ask(question: str) -> dict:
        """提问并返回 JSON：answer、sources、warnings、mode、found。"""
        return ask_api(assistant, question)

    gr.api(ask, api_name="ask")
