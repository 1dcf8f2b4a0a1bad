"""One value per figure in every mode: the figure check on the final text, and the
edited-facts workflow on the real 2021 report (indicators changed, measure texts kept)."""

from __future__ import annotations

import docx
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.core.drafting import DraftingService, facts_from_dict
from assistant.core.drafting.figures import FigureCheck, FigureReport
from assistant.core.drafting.indicators import load_catalogue
from assistant.core.report.structure import load_structure
from tests.drafting_cases import case, report_text


def _check() -> FigureCheck:
    return FigureCheck(load_catalogue(), load_structure())


def _facts(indicators: dict, text: str = "召开主任办公会24次") -> object:
    return facts_from_dict({
        "organization": "区司法局", "year": 2023, "indicators": indicators,
        "measures": [{"area": "依法决策", "text": text}],
        "shortcomings": ["甲"], "first_responsible_person": ["乙"], "next_year_plans": ["丙"],
    })


def _edited():
    """facts extract of the 2021 report; 办公会 → 23次, 党组会 → 30次; measure texts kept."""
    service = DraftingService()
    facts = service.extract(report_text())
    facts.indicators.update({"办公会": "23次", "党组会": "30次"})
    facts = facts_from_dict(facts.model_dump(), service.catalogue)  # as `draft facts.yaml` reads it
    return service, facts


def test_figures_are_tied_to_the_indicator_named_next_to_them():
    check = _check()
    keys = [(m.key, m.quantity.text) for m in check.mentions(
        "召开主任办公会25次、党组会27次，办理行政应诉案件57件，解决率、满意率均为85%")]
    assert keys == [("办公会", "25次"), ("党组会", "27次"), ("行政应诉", "57件"),
                    ("解决率", "85%"), ("满意率", "85%")]


def test_other_value_is_replaced_inside_the_sentence():
    report = FigureReport()
    text = _check().fix_text("全年召开主任办公会25次、党组会27次，集体研究重大事项。",
                             _facts({"办公会": "23次", "党组会": "30次"}), "一、", report)
    assert text == "全年召开主任办公会23次、党组会30次，集体研究重大事项。"
    assert report.changes == ["一、：“主任办公会25次”已改为“主任办公会23次”，与填写的“主任办公会”一致",
                              "一、：“党组会27次”已改为“党组会30次”，与填写的“党组会”一致"]


def test_one_figure_for_two_indicators_is_split_when_they_differ():
    report = FigureReport()
    text = _check().fix_text("取得了响应率100%、解决率、满意率均为85%的优良成绩。",
                             _facts({"解决率": "92%", "满意率": "93%"}), "一、", report)
    assert text == "取得了响应率100%、解决率为92%、满意率为93%的优良成绩。"


def test_two_values_without_a_fact_are_flagged_and_block_nothing_else():
    facts = _facts({}, "召开主任办公会24次")
    assert _check().conflicts("召开主任办公会24次。全年召开主任办公会22次。", facts) == ["主任办公会：24次、22次"]
    assert _check().conflicts("召开主任办公会24次。", facts) == []


def test_edited_facts_workflow_new_values_inside_measure_text_no_dump_list(tmp_path):
    service, facts = _edited()
    draft = service.draft(facts)
    text = draft.text()
    assert "办公会25次" not in text and "党组会27次" not in text
    assert "共组织召开办公会23次、党组会30次，确保了“三重一大”工作依法依规落到实处" in text
    assert "其他工作情况" not in text
    assert text.count("办公会23次") == 1 and text.count("党组会30次") == 1
    changed = [w for w in draft.warnings if "已改为" in w]
    assert any("“办公会25次”已改为“办公会23次”" in w for w in changed)
    assert any("“党组会27次”已改为“党组会30次”" in w for w in changed)
    # Zero conflicting values reach an export.
    md = service.export_markdown(draft, tmp_path / "a.md").read_text("utf-8")
    body = "\n".join(p.text for p in docx.Document(str(service.export_docx(draft, tmp_path / "a.docx"))).paragraphs)
    check = _check()
    assert check.conflicts(md.split("**起草提示**")[0], facts) == []
    assert check.conflicts(body, facts) == []
    assert "办公会23次" in body


def test_indicator_no_measure_mentions_goes_into_its_area_as_a_sentence():
    facts, _ = case("renfang_small")
    facts.measures[0].text = "严格落实“三重一大”集体决策制度，重大事项均经集体讨论决定"
    draft = DraftingService().draft(facts)
    paragraphs = draft.section("measures").paragraphs
    # the 决策 block (its place in the 督察 order is not necessarily first) holds both figures
    at = next(i for i, p in enumerate(paragraphs) if p.startswith("（") and "决策" in p)
    block = "".join(paragraphs[at:at + 2])
    assert "召开主任办公会24次" in block and "召开党组会26次" in block
    assert "其他工作情况" not in draft.text()


def test_llm_output_with_last_years_figure_is_fixed():
    service, facts = _edited()
    offline = service.draft(facts)

    def reply(section):
        text = section.text.replace("办公会23次", "办公会25次")  # the model copied the old text
        return AIMessage(content=section.heading + "\n" + text)

    llm = GenericFakeChatModel(messages=iter([reply(s) for s in offline.sections]))
    draft = DraftingService(llm=llm).draft(facts, mode="llm")
    assert "办公会25次" not in draft.text() and "办公会23次" in draft.text()
    assert any("“办公会25次”已改为“办公会23次”" in w for w in draft.warnings)


def test_edited_text_is_checked_again_before_export(tmp_path):
    service, facts = _edited()
    draft = service.draft(facts)
    measures = draft.section("measures")
    measures.text = measures.text.replace("党组会30次", "党组会27次")  # a writer's slip in the UI
    body = "\n".join(p.text for p in docx.Document(str(service.export_docx(draft, tmp_path / "b.docx"))).paragraphs)
    assert "党组会27次" not in body and "党组会30次" in body


def test_comparison_table_is_attached_to_docx_and_markdown(tmp_path):
    facts, previous = case("renfang_small")
    service = DraftingService()
    draft = service.draft(facts, previous=previous)
    comparisons = service.compare(previous, facts)
    doc = docx.Document(str(service.export_docx(draft, tmp_path / "t.docx", comparisons)))
    texts = [p.text for p in doc.paragraphs]
    assert "附件" in texts and "主要指标对比表" in texts
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["指标", "2022年", "2023年", "变化"]
    assert ["行政检查", "500余人次", "620人次", "约数，不计算同比"] in rows
    assert len(rows) == len(comparisons) + 1
    md = service.export_markdown(draft, tmp_path / "t.md", comparisons).read_text("utf-8")
    assert "## 附件：主要指标对比表" in md and "| 行政检查 | 500余人次 | 620人次 | 约数，不计算同比 |" in md
    # The prose mentions only the few notable changes, in natural words.
    body = draft.section("measures").text
    assert 1 <= body.count("同比") <= 3 and "较上年" not in body
