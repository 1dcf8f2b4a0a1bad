"""落实对照: 部分落实 — a target not reached, or one task of a plan that no measure says."""

from __future__ import annotations

from assistant.core.drafting.followup import DONE, FollowUp, PlanCheck, summary
from assistant.core.drafting.plan_targets import Targets


def test_a_target_not_reached_is_partly_done_with_both_figures(measures_facts):
    facts = measures_facts([{"area": "特种设备安全", "text": "检查特种设备使用单位523家，消除安全隐患97项。"},
                    {"area": "违法建设治理", "text": "全年拆除违法建设6.2万平方米。"}])
    short, reached = FollowUp().check(
        ["开展特种设备安全专项整治，检查电梯、锅炉等特种设备使用单位不少于800家",
         "开展违法建设专项治理，年内拆除违法建设不少于5万平方米"], facts)
    assert short.status == DONE and short.partly == "上年目标800家，本年523家"
    assert short.line() == ("部分落实：开展特种设备安全专项整治，检查电梯、锅炉等特种设备使用单位不少于800家"
                            "（本年举措：特种设备安全：检查特种设备使用单位523家，消除安全隐患97项；"
                            "上年目标800家，本年523家）")
    assert reached.status == DONE and reached.partly == ""  # 6.2万 ≥ 5万平方米
    assert reached.line().startswith("已落实：")


def test_a_task_no_measure_says_is_named_but_not_the_plans_heading_or_aim(measures_facts):
    facts = measures_facts([{"area": "控烟", "text": "开展控烟执法检查4800户次，处罚违法吸烟个人52人。"},
                    {"area": "公共卫生监督", "text": "完成全区公共场所卫生监督量化分级评定1840户。"}])
    smoke, grading = FollowUp().check(
        ["落实控烟条例，开展无烟党政机关创建",
         "推进公共卫生监督，年底前完成公共场所卫生监督量化分级管理，提高监督覆盖精准度"], facts)
    assert smoke.status == DONE and smoke.partly == "其中“开展无烟党政机关创建”未见"
    assert grading.status == DONE and grading.partly == ""  # heading and aim (提高…) are not tasks
    assert summary([smoke, grading]) == "落实对照：上年安排 2 项，已落实 2 项（其中部分落实 1 项），未见落实 0 项。"


def test_figures_are_read_with_their_units():
    targets = Targets()
    assert targets.figures("拆除6.2万平方米，培训620人次，覆盖率100%") == [
        (62000.0, "平方米", "6.2万平方米"), (620.0, "人次", "620人次"), (100.0, "%", "100%")]
    assert targets.shortfall("新建固定警报器8台", "新建人防警报器5台，警报鸣响率100%") == "上年目标8台，本年5台"
    assert targets.shortfall("培训不少于500人次", "培训调解员620人次") == ""
    assert targets.shortfall("新建固定警报器8台", "检查单位52家") == ""  # no figure of the unit: not judged


def test_a_partly_done_line_keeps_the_evidence_quoted():
    check = PlanCheck("新建固定警报器8台", DONE, "警报建设：新建人防警报器5台", 1.0, "上年目标8台，本年5台")
    assert "本年举措：警报建设：新建人防警报器5台" in check.line() and check.line().startswith("部分落实：")
