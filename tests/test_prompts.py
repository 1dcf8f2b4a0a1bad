"""Prompt files: loading by name, strict rendering, plain templates."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.prompts import PromptError, load_prompt, load_template


def test_answer_prompt_renders_context_question_and_history():
    prompt = load_prompt("answer_v1")
    assert (prompt.name, prompt.version) == ("answer_v1", 1)
    parts = prompt.render(
        question="罚款上限是多少？", context="[1] 《某法》第一条\n条文", history=""
    )
    assert "[1]" in parts["system"] and "未在知识库中找到依据。" in parts["system"]
    assert parts["user"].startswith("资料：\n[1] 《某法》第一条\n条文")
    assert parts["user"].endswith("问题：罚款上限是多少？")
    with_history = prompt.render(question="q", context="c", history="用户：上一问")
    assert with_history["user"].startswith("此前的对话：\n用户：上一问")


def test_missing_variable_raises_in_chinese():
    prompt = load_prompt("answer_v1")
    with pytest.raises(PromptError, match="缺少变量：.*history"):
        prompt.render(question="q", context="c")


def test_undeclared_variable_used_by_template_raises(tmp_path):
    (tmp_path / "t_v1.yaml").write_text(
        "version: 2\nsystem: 系统\nuser: '{{ who }}你好'\n", "utf-8"
    )
    prompt = load_prompt("t_v1", prompts_dir=tmp_path)
    assert prompt.version == 2 and prompt.render(who="张三")["user"] == "张三你好"
    with pytest.raises(PromptError, match="缺少变量"):
        prompt.render()


def test_messages_are_langchain_messages():
    msgs = load_prompt("condense_v1").messages(
        history="用户：行政处罚法第三十二条", question="那第二款呢？"
    )
    assert isinstance(msgs[0], SystemMessage) and isinstance(msgs[1], HumanMessage)
    assert msgs[1].content.endswith("最新问题：那第二款呢？")


def test_missing_or_malformed_prompt_files(tmp_path):
    with pytest.raises(PromptError, match="找不到提示词文件"):
        load_prompt("no_such_prompt", prompts_dir=tmp_path)
    (tmp_path / "bad.yaml").write_text("system: x\n", "utf-8")
    with pytest.raises(PromptError, match="缺少 user"):
        load_prompt("bad", prompts_dir=tmp_path)
    with pytest.raises(PromptError, match="之内"):
        load_prompt("../outside", prompts_dir=tmp_path)


def test_load_template_renders_j2_with_includes(tmp_path):
    (tmp_path / "drafting").mkdir()
    (tmp_path / "drafting" / "head.j2").write_text("{{ org }}", "utf-8")
    (tmp_path / "drafting" / "report.md.j2").write_text(
        "{% include 'drafting/head.j2' %}{{ year }}年法治政府建设年度情况报告", "utf-8"
    )
    tpl = load_template("drafting/report.md.j2", prompts_dir=tmp_path)
    assert tpl.render(org="东城区人防办", year=2021) == "东城区人防办2021年法治政府建设年度情况报告"
    with pytest.raises(PromptError, match="year"):
        tpl.render(org="东城区人防办")
