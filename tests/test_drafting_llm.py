"""LLM drafting with GenericFakeChatModel: accepted when faithful, template fallback otherwise."""

from __future__ import annotations

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.core.drafting import Drafter, DraftingService
from tests.drafting_cases import case


def _replies(draft, edit=None):
    """One scripted reply per section: the template text, lightly reworded, optionally edited."""
    out = []
    for s in draft.sections:
        text = s.heading + "\n" + ("经认真总结，" + s.text if s.key == "opening" else s.text)
        if edit and s.key in edit:
            text = edit[s.key](text)
        out.append(AIMessage(content=text))
    return out


def test_faithful_model_output_is_used_and_exemplars_requested():
    facts, _ = case("renfang_small")
    offline = Drafter().draft(facts)
    topics = []

    def exemplars(topic):
        topics.append(topic)
        return ["往年报告示例段落"]

    llm = GenericFakeChatModel(messages=iter(_replies(offline)))
    draft = DraftingService(llm=llm, exemplars=exemplars).draft(facts, mode="llm")
    assert draft.section("opening").text.startswith("经认真总结，2023年，示例区人民防空办公室")
    # The repeated heading line was stripped from the model output.
    assert not draft.section("measures").text.startswith("一、")
    assert not any("大模型" in w for w in draft.warnings)
    assert topics[0] == "开头段" and topics[1] == "一、2023年推进法治政府建设的主要举措和成效"


def test_invented_or_missing_figure_falls_back_to_template():
    facts, _ = case("renfang_small")
    offline = Drafter().draft(facts)
    replies = _replies(offline, {
        "shortcomings": lambda t: t.replace("二是", "此外，全年培训达到45人次。二是"),
        "measures": lambda t: t.replace("620人次", "600余人次"),
    })
    draft = DraftingService(llm=GenericFakeChatModel(messages=iter(replies))).draft(facts, mode="llm")
    assert draft.section("shortcomings").text == offline.section("shortcomings").text
    assert draft.section("measures").text == offline.section("measures").text
    assert draft.section("opening").text != offline.section("opening").text  # good section kept
    assert "二、存在的不足和原因：大模型输出出现材料中没有的数字“45人次”，已改用模板文本" in draft.warnings
    assert any("缺少数据“620人次”" in w for w in draft.warnings)
    assert "45人次" not in draft.text()


def test_model_failure_keeps_template():
    class Broken(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            raise RuntimeError("连接被拒绝")

    facts, _ = case("jiedao_small")
    draft = DraftingService(llm=Broken(messages=iter([]))).draft(facts, mode="llm")
    assert draft.text() == Drafter().draft(facts).text()
    assert any("大模型调用失败" in w for w in draft.warnings)


def test_llm_mode_without_model_uses_templates():
    facts, _ = case("jiedao_small")
    draft = DraftingService().draft(facts, mode="llm")
    assert "未配置大模型，已使用模板起草" in draft.warnings
