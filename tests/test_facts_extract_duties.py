"""Facts from a past report: 三's duty fields and the reasons 二 states."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.drafting.extract import extract_facts
from assistant.core.drafting.facts import split_shortcoming
from assistant.core.drafting.reportduties import duties_from_report, with_reason

REPORT = Path(__file__).resolve().parents[2] / "shared/corpus/reports/2021年东城区人防办法治政府建设年度情况报告.txt"


def test_duty_counts_and_texts_from_the_responsible_part():
    entries = ["局主要负责人主持党组会会前学法8次，专题听取法治建设工作汇报3次",
               "主要负责人出庭应诉行政诉讼案件2件，对执法监督工作作出批示5次。年终在述职中报告法治建设情况"]
    duties, left = duties_from_report(entries, "")
    assert duties["study_sessions"] == "8" and duties["briefings"] == "3"
    assert duties["court"] == "主要负责人出庭应诉行政诉讼案件2件"
    assert duties["instructions"] == "对执法监督工作作出批示5次"
    assert duties["report_on_law"] == "年终在述职中报告法治建设情况"
    # the entries stay whole (the staff's wording); the draft skips a field an entry already says
    assert left == entries


def test_counts_elsewhere_in_the_report_and_none_invented():
    duties, left = duties_from_report(["主要负责人带头学法"], "办党组会、办公会会前学法4次。")
    assert duties == {"study_sessions": "4"} and left == ["主要负责人带头学法"]
    assert duties_from_report(["定期听取工作汇报"], "") == ({}, ["定期听取工作汇报"])


def test_reason_stated_by_the_report_becomes_the_entrys_reason():
    entry = with_reason("执法信息化水平不高。究其原因，主要是系统建设投入不足。")
    assert split_shortcoming(entry) == ("执法信息化水平不高", "系统建设投入不足")
    assert split_shortcoming(with_reason("我办因单位人员编制较少的原因，执法人员少"))[1] == "单位人员编制较少"
    assert with_reason("普法形式较为单一") == "普法形式较为单一"


def test_extract_from_the_real_2021_report():
    if not REPORT.is_file():
        pytest.skip("缺少 ../shared/corpus 中的 2021 年报告")
    facts = extract_facts(REPORT.read_text(encoding="utf-8"))
    assert facts.responsible_duties["study_sessions"] == "4"
    assert facts.responsible_duties["report_on_law"] == "法治政府建设第一责任人年终在全员大会上作履职述评"
    assert "履职述评" in "".join(facts.first_responsible_person)  # the entry kept whole
    reasons = [split_shortcoming(s)[1] for s in facts.shortcomings]
    assert "单位人员编制较少" in reasons
