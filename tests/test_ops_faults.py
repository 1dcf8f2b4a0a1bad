"""Faults found by probing: document HTML in the sources panel, over-long questions."""

from __future__ import annotations

from assistant.config import AnsweringSettings
from assistant.core.answering import AnswerService
from assistant.front.ui.formatting import answer_panel, sources_markdown

IMG = '<img src="http://203.0.113.9/track.png">'


def test_html_from_document_text_is_escaped_in_the_sources_panel():
    sources = [{"n": 1, "title": f"报告{IMG}", "section": "一、<b>举措</b> > （一）",
                "doc_type": "report", "text": f"全年开展检查620人次。{IMG}<script>alert(1)</script>"}]
    md = sources_markdown(sources)
    assert "<img" not in md and "<script" not in md and "<b>" not in md
    assert "&lt;img src=" in md and "620人次" in md
    panel = answer_panel({"mode": "offline", "sources": sources, "warnings": []})
    assert "<img" not in panel


class _NeverCalled:
    def __getattr__(self, name):
        raise AssertionError(f"{name} must not be reached for an over-long question")


def test_over_long_question_is_refused_before_any_retrieval():
    service = AnswerService.__new__(AnswerService)
    service.settings = AnsweringSettings(max_question_chars=100)
    service.retriever = service.resolver = service.llm = _NeverCalled()
    answer = service.ask("人防工程" * 200)
    assert not answer.found
    assert answer.answer.startswith("问题太长（800字），请控制在100字以内")
