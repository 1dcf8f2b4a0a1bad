"""Facts: loading, validation messages in Chinese, YAML round trip."""

from __future__ import annotations

import json

import pytest
import yaml

from assistant.core.drafting import FactsError, facts_from_dict, facts_to_yaml, load_facts
from assistant.core.drafting.numbers import chinese_to_number, parse_quantity

GOOD = {
    "organization": "示例区人民防空办公室",
    "year": 2023,
    "indicators": {"行政检查": "620人次", "主任办公会": "24次"},
    "measures": [{"area": "行政执法", "text": "开展行政检查620人次，查处违法案件6件，罚款1.2万元"}],
    "shortcomings": ["执法力量不足，专职执法人员仅7名"],
    "first_responsible_person": ["主要负责人带头讲法治课2次"],
    "next_year_plans": ["修订行政处罚裁量基准"],
}


def test_load_yaml_and_aliases(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8")
    facts = load_facts(path)
    assert facts.organization == "示例区人民防空办公室" and facts.year == 2023
    # 主任办公会 is an alias: stored under the catalogue key.
    assert facts.indicators == {"行政检查": "620人次", "办公会": "24次"}
    assert facts.other == [] and facts.warnings == []


def test_load_json(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    assert load_facts(path).measures[0].area == "行政执法"


def test_every_problem_listed_with_field_names():
    bad = dict(GOOD, organization="", year=1990, shortcomings=[], measures=[],
               indicators={"行政检查": 620, "罚款": "5件"})
    with pytest.raises(FactsError) as err:
        facts_from_dict(bad)
    message = str(err.value)
    assert "“organization”（单位名称）不能为空" in message
    assert "“year”为 1990，超出合理范围" in message
    assert "“measures”（一、主要举措和成效）至少需要填写一项" in message
    assert "“shortcomings”（二、存在的不足和原因）至少需要填写一项" in message
    assert "“indicators.行政检查”缺少单位：请写成“620人次”" in message
    assert "“indicators.罚款”的单位“件”不适用，可用单位：元、万元" in message
    assert len(err.value.problems) == 6


def test_missing_year_and_empty_measure_text():
    bad = dict(GOOD, measures=[{"area": "行政执法"}])
    del bad["year"]
    with pytest.raises(FactsError) as err:
        facts_from_dict(bad)
    assert any("“year”（报告年度）不能为空" in p for p in err.value.problems)
    assert any("“measures[1].text”（举措内容）不能为空" in p for p in err.value.problems)


def test_unknown_indicator_is_a_warning_not_an_error():
    facts = facts_from_dict(dict(GOOD, indicators={"法律顾问进社区": "48次"}))
    assert facts.indicators == {"法律顾问进社区": "48次"}
    assert any("不在指标目录中" in w for w in facts.warnings)


def test_inconsistent_text_and_indicator_warns():
    facts = facts_from_dict(dict(GOOD, indicators={"行政检查": "700人次"}))
    assert any("620人次" in w and "700人次" in w for w in facts.warnings)


def test_file_errors(tmp_path):
    with pytest.raises(FactsError, match="找不到事实材料文件"):
        load_facts(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("organization: [未闭合", encoding="utf-8")
    with pytest.raises(FactsError, match="无法解析 broken.yaml"):
        load_facts(broken)


def test_yaml_round_trip():
    facts = facts_from_dict(GOOD)
    text = facts_to_yaml(facts, header="请核对")
    assert text.startswith("# 请核对\n") and "620人次" in text
    assert facts_from_dict(yaml.safe_load(text)) == facts


@pytest.mark.parametrize("text,value,unit", [
    ("伍千伍百元", 5500, "元"), ("1.2万元", 12000, "元"), ("2千余人次", 2000, "人次"),
    ("近290余件", 290, "件"), ("674.68平方米", 674.68, "平方米"), ("85%", 85, "%"),
])
def test_quantities(text, value, unit):
    q = parse_quantity(text)
    assert q.base == (value, unit)


def test_chinese_numerals():
    assert chinese_to_number("二十三") == 23
    assert chinese_to_number("壹万贰仟") == 12000
    assert chinese_to_number("abc") is None
