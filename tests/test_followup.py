"""落实对照: last year's plan items against this year's measures."""

from __future__ import annotations

from assistant.core.drafting import DraftingService, facts_from_dict
from assistant.core.drafting.followup import DONE, NOT_SEEN, FollowUp, plan_lead


def _facts(measures):
    return facts_from_dict({
        "organization": "示例区城管执法局", "year": 2024, "measures": measures,
        "shortcomings": ["执法力量不足"], "first_responsible_person": ["主要负责人带头学法"],
        "next_year_plans": ["完善执法制度"],
    })


def test_a_plan_is_done_only_with_the_measure_that_shows_it():
    facts = _facts([{"area": "违法建设治理", "text": "全年拆除违法建设6.2万平方米。"},
                    {"area": "执法规范化", "items": ["为一线执法人员配发执法记录仪220台"]}])
    checks = FollowUp().check(["（一）开展违法建设专项治理，年内拆除违法建设不少于5万平方米。加大巡查力度。",
                               "2.推进婚姻登记“跨省通办”"], facts)
    assert checks[0].plan == "开展违法建设专项治理，年内拆除违法建设不少于5万平方米"
    assert checks[0].status == DONE and "6.2万平方米" in checks[0].evidence
    assert checks[1].status == NOT_SEEN and checks[1].evidence == ""
    assert "请说明原因" in checks[1].line()


def test_generic_words_alone_never_make_a_plan_done():
    facts = _facts([{"area": "普法", "text": "进一步加强和推进依法行政工作，不断提升工作水平。"}])
    (check,) = FollowUp().check(["进一步加强政务公开工作"], facts)
    assert check.status == NOT_SEEN
    assert plan_lead("1．依法做好接诉即办工作。落实为民办事要求。") == "依法做好接诉即办工作"


def test_the_draft_lists_follow_up_in_its_drafting_notes():
    service = DraftingService()
    previous = _facts([{"area": "执法", "text": "开展执法检查"}])
    previous.year, previous.next_year_plans = 2023, ["开展违法建设专项治理", "推进婚姻登记“跨省通办”"]
    draft = service.draft(_facts([{"area": "违法建设治理", "text": "全年拆除违法建设6.2万平方米。"}]),
                          previous=previous)
    assert [c.status for c in draft.followup] == [DONE, NOT_SEEN]
    assert "落实对照：上年安排 2 项，已落实 1 项，未见落实 1 项。" in draft.notes
    assert "落实对照" not in draft.text()  # a drafting note, never report text


def test_last_years_measures_copied_unchanged_do_not_carry_out_last_years_plans():
    measures = [{"area": "违法建设治理", "text": "全年拆除违法建设6.2万平方米，新生违法建设零增长，巡查覆盖全部街乡社区。"}]
    last_year = _facts(measures)
    (check,) = FollowUp().check(["开展违法建设专项治理"], _facts(measures), last_year)
    assert check.status == NOT_SEEN
    (fresh,) = FollowUp().check(["开展违法建设专项治理"], _facts(measures))
    assert fresh.status == DONE and len(fresh.evidence) <= 62
