"""Time-bound wording carried into a new year's draft is marked 【待确认】 and listed."""

from __future__ import annotations

from assistant.core.drafting import Draft, DraftSection
from assistant.core.drafting.timebound import CONFIRM_MARK, load_time_bounds, mark_outdated

PLANS = ("（二）依法开展好人防重点工作\n"
         "1.按照区疫情防控办联防联控工作要求，做好疫情防控常态化工作。加强人防工程管理。\n"
         "2.以冬奥会、党的二十大等重要时期为重点，开展行政检查。\n"
         "3.落实“八五”普法规划，学习贯彻党的二十大精神。")


def _draft() -> Draft:
    return Draft("x", [DraftSection("measures", "一、2022年主要举措", "保障冬奥会期间人防工程安全。"),
                       DraftSection("plans", "四、2023年主要安排", PLANS)])


def test_events_that_are_over_for_the_year_spoken_of_are_marked_and_listed():
    draft, notes = mark_outdated(_draft(), 2022, load_time_bounds())
    plans = draft.section("plans").text
    assert "做好疫情防控常态化工作【待确认】。加强人防工程管理。" in plans
    assert "开展行政检查【待确认】。" in plans
    assert "学习贯彻党的二十大精神。" in plans and plans.count(CONFIRM_MARK) == 2  # 八五 runs to 2025
    assert draft.section("measures").text == "保障冬奥会期间人防工程安全。"  # 2022's own work
    assert len(notes) == 2 and all(n.startswith("待确认：四、2023年主要安排") for n in notes)
    assert "对2023年已不适用" in notes[0]
    again, notes_again = mark_outdated(draft, 2022, load_time_bounds())
    assert again.section("plans").text == plans and len(notes_again) == 2  # never marked twice


def test_a_plan_period_ends_with_its_last_year():
    text = "落实“十四五”规划，推进“八五”普法。"
    for year, marked in ((2024, False), (2025, True)):  # plans of the 2025 report speak of 2026
        draft = Draft("x", [DraftSection("plans", "四、", text)])
        out, _ = mark_outdated(draft, year, load_time_bounds())
        assert (CONFIRM_MARK in out.section("plans").text) is marked
