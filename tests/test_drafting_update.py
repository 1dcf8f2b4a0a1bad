"""Update mode on the real 2021 report: years moved, new figures in, stale sentences marked."""

from __future__ import annotations

from assistant.core.drafting import DraftingService, check_draft
from tests.drafting_cases import report_text


def _update(new_values):
    text = report_text()
    service = DraftingService()
    facts = service.extract(text, next_year=True)
    facts.indicators.update(new_values)
    return service.draft(facts, from_report=text), facts


def test_years_move_forward_and_headings_are_kept():
    draft, _ = _update({"行政检查": "620人次"})
    assert draft.title == "2022年法治政府建设年度情况报告"
    headings = [s.heading for s in draft.sections if s.heading]
    assert headings[0] == "一、2022年推进法治政府建设的主要举措和成效"
    assert headings[1] == "二、推进法治政府建设存在的不足和原因"  # "2、" fixed
    assert headings[3] == "四、2023年推进法治政府建设的主要安排"
    assert draft.section("opening").text.startswith("2022年，在区委区政府的领导下")
    assert "（2021—2025年）" in draft.text()  # a period, not last year's date


def test_new_values_replace_old_and_carried_figures_are_listed():
    draft, facts = _update({"行政检查": "620人次", "办公会": "30次", "罚款": "1.2万元",
                            "解决率": "92%", "满意率": "90%", "执法人员": "9名"})
    text = draft.text()
    # Carried figures nobody updated are marked 【待更新】 in the body itself, not only in 起草提示.
    assert "开展行政检查620人次，查处人防违法违规案件4件【待更新】，罚款1.2万元，同比增长118%" in text
    assert "共组织召开办公会30次（同比增长20%）、党组会27次【待更新】" in text
    assert "500余人次" not in text and "伍千伍百元" not in text and "办公会25次" not in text
    # One figure stood for two indicators: each now has its own value, in the same sentence.
    assert "取得了响应率100%【待更新】、解决率为92%（同比提高7个百分点）、满意率为90%的优良成绩" in text
    assert "均为85%" not in text
    # Year-on-year in natural words for the few notable changes, never after every figure.
    assert "较上年" not in text and text.count("同比") <= 3
    # An indicator the old text never mentions goes into the paragraph of its area, no dump list.
    assert "其他工作情况" not in text
    team = next(p for p in draft.section("measures").paragraphs if "全年现有执法人员9名。" in p)
    assert team.startswith("11.积极推进法治队伍建设")
    # Carried figures without a new value are 待更新 in the 起草提示 and marked in the body.
    assert text.count("【待更新】") >= 4 and "620人次【待更新】" not in text
    stale = [w for w in draft.warnings if w.startswith("待更新：")]
    assert any("“4件”、“50余人次”" in w for w in stale)
    assert any("“近290余件”" in w for w in stale)
    assert any("“27次”" in w for w in stale)
    assert any("“罚款伍千伍百元”已改为“罚款1.2万元”" in w for w in draft.warnings)
    assert any("《信访工作条例》" in w for w in draft.warnings)
    codes = {w.code for w in check_draft(draft, facts)}
    assert not codes & {"figure_missing", "figure_invented", "section_missing", "section_order",
                        "figure_conflict"}


def test_rewritten_parts_are_drafted_from_facts():
    text = report_text()
    service = DraftingService()
    facts = service.extract(text, next_year=True)
    facts.next_year_plans = ["推进人防工程“疏整促”专项行动"]
    draft = service.draft(facts, from_report=text)
    plans = draft.section("plans")
    assert plans.heading == "四、2023年推进法治政府建设的主要安排"
    assert plans.paragraphs[-1] == "1.推进人防工程“疏整促”专项行动。"
    # Part 三 still holds last year's wording and is kept as it was.
    assert draft.section("responsible").paragraphs[0] == "（一）强化法治意识，推进法治政府建设"
