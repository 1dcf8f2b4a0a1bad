"""Update mode on the real 2021 report: years moved, new figures in, stale sentences marked."""

from __future__ import annotations

import re

from assistant.drafting import DraftingService, check_draft
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


def test_new_values_replace_old_and_stale_sentences_are_marked():
    draft, facts = _update({"行政检查": "620人次", "办公会": "30次", "罚款": "1.2万元", "满意率": "90%"})
    text = draft.text()
    assert "【待更新】开展行政检查620人次，较上年增长24%，查处人防违法违规案件4件，罚款1.2万元，较上年增长118%" in text
    assert "共组织召开办公会30次（较上年增长20%）、党组会27次" in text
    assert "500余人次" not in text and "伍千伍百元" not in text
    # Every sentence still holding an old figure is marked.
    for sentence in re.split(r"(?<=[。；])", text):
        if re.search(r"\d+余?(?:人次|次|件|处|支|场|册)", sentence) and "【待更新】" not in sentence:
            assert any(v in sentence for v in ("620人次", "30次", "1.2万元", "90%")), sentence
    # 解决率 and 满意率 shared "85%": the changed 满意率 gets its own sentence, 85% stays marked.
    assert "【待更新】“接诉即办”累计处置事件近290余件，取得了响应率100%、解决率、满意率均为85%" in text
    assert "全年，满意率达到90%。" in text
    assert any("已标注“【待更新】”" in w for w in draft.warnings)
    assert any("《信访工作条例》" in w for w in draft.warnings)
    codes = {w.code for w in check_draft(draft, facts)}
    assert not codes & {"figure_missing", "figure_invented", "section_missing", "section_order"}


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
