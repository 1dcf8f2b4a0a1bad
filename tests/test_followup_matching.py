"""落实对照 matching: synonyms, work words, the unit's own field words, and rules as data."""

from __future__ import annotations

from assistant.core.drafting.followup import DONE, NOT_SEEN, FollowUp
from assistant.core.drafting.plan_match import Vocabulary, pairs


def test_a_plan_said_in_other_words_is_done_and_quotes_the_measure(measures_facts):
    facts = measures_facts([{"area": "柔性执法", "text": "编制城管领域首次轻微违法免罚事项清单32项。"},
                    {"area": "规范执法", "items": ["全面推行执法公示、执法全过程记录和重大执法决定法制审核"]}])
    first, second = FollowUp().check(["推行柔性执法，制定首违不罚事项清单", "严格落实行政执法三项制度"], facts)
    assert first.status == DONE and first.evidence == "柔性执法：编制城管领域首次轻微违法免罚事项清单32项。"
    assert second.status == DONE and second.evidence.startswith("规范执法：全面推行执法公示")
    assert "（本年举措：规范执法：全面推行执法公示" in second.line()


def test_the_plans_words_in_an_unrelated_measure_do_not_deliver_it(measures_facts):
    facts = measures_facts([{"area": "户外广告", "text": "开展户外广告设施安全检查，拆除安全隐患广告牌匾86块。"},
                    {"area": "养老服务", "text": "对全区养老机构开展消防安全风险排查，整改隐患52处。"}])
    checks = FollowUp().check(["加强燃气安全执法检查", "加强养老服务领域非法集资风险排查"], facts)
    assert [c.status for c in checks] == [NOT_SEEN, NOT_SEEN]
    assert all(c.evidence == "" for c in checks)


def test_words_several_plans_share_weigh_less_than_a_plans_own_object(measures_facts):
    words = Vocabulary()
    plans = ["加强人防工程维护管理，年底前完成全区人防工程安全隐患排查全覆盖", "修订人防工程使用管理办法",
             "组织人防志愿者队伍培训"]
    weights = words.plan_weights(plans)
    assert weights["人防"] == 1 / 3 and weights["工程"] == 1 / 2 and weights["隐患"] == 1.0 and weights["办法"] == 1.0
    said = pairs("人防工程管理：对全区138处人防工程逐一开展安全巡查，督促整改隐患41处")
    assert words.share(plans[1], said) == 0.5  # 人防工程 of 人防工程使用管理办法
    assert words.share(plans[1], said, weights) == 0.0  # none of 使用, 办法: only this plan's words
    facts = measures_facts([{"area": "人防工程管理", "text": "对全区138处人防工程逐一开展安全巡查，覆盖率100%，整改隐患41处。"}])
    upkeep, rules, volunteers = FollowUp().check(plans, facts)
    assert upkeep.status == DONE and "覆盖率100%" in upkeep.evidence
    assert rules.status == volunteers.status == NOT_SEEN


def test_a_plan_of_work_words_only_is_matched_when_its_object_is_said(measures_facts):
    facts = measures_facts([{"area": "队伍建设", "text": "组织全体执法队员分4批次开展业务轮训，参训560人次。"}])
    (check,) = FollowUp().check(["开展执法人员全员轮训"], facts)
    assert check.status == DONE and "轮训" in check.evidence


def test_synonyms_and_cut_words_come_from_the_rule_table(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "followup_v2.yaml").write_text(
        "version: 2\ngeneric_words: [推进]\nwork_words: [检查]\nsynonyms: [[全程网办, 掌上办]]\n"
        "threshold: 0.5\n", encoding="utf-8")
    words = Vocabulary(tmp_path)
    assert words.normalise("申请实现“掌上办”") == "申请实现“全程网办”"
    assert words.content_pairs("推进燃气检查") == {"燃气"}
    assert words.share("推进全程网办", pairs(words.normalise("低保申请掌上办"))) == 1.0
