"""Offline template drafting: structure, every figure present, nothing invented; checks; compare."""

from __future__ import annotations

import re

import pytest

from assistant.core.drafting import (
    Drafter,
    DraftingService,
    check_draft,
    compare,
    comparison_chart,
    comparison_table_markdown,
    facts_from_dict,
)
from assistant.core.drafting.checks import invented_numbers
from assistant.core.drafting.facts import split_shortcoming
from assistant.core.drafting.numbers import find_figures
from tests.drafting_cases import case, case_names

HEADINGS_2023 = [
    "一、2023年推进法治政府建设的主要举措和成效",
    "二、推进法治政府建设存在的不足和原因",
    "三、党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
    "四、2024年推进法治政府建设的主要安排",
]


@pytest.mark.parametrize("name", case_names())
def test_every_case_complete_and_nothing_invented(name):
    facts, previous = case(name)
    with_changes = Drafter().draft(facts, previous=previous)
    assert check_draft(with_changes, facts) == []
    assert invented_numbers(with_changes.text(), facts) == []
    # Without last year's facts the staff's text is kept verbatim.
    draft = Drafter().draft(facts)
    text = draft.text()
    assert check_draft(draft, facts) == []
    for value in facts.indicators.values():
        assert value in text
    for m in facts.measures:
        for part in [m.text, *m.items]:
            assert part.rstrip("。") in text
    for entry in facts.shortcomings:
        for part in split_shortcoming(entry):
            assert part.rstrip("。") in text
    for item in facts.first_responsible_person + facts.next_year_plans + facts.other:
        assert item.rstrip("。") in text
    assert invented_numbers(text, facts) == []


def test_house_style_layout():
    facts, _ = case("renfang_small")
    draft = Drafter().draft(facts)
    assert draft.title == "示例区人民防空办公室2023年法治政府建设年度情况报告"
    assert [s.heading for s in draft.sections[1:]] == HEADINGS_2023
    measures = draft.section("measures").paragraphs
    # Each area the user entered is a two-clause （N） heading naming it; no single "1." item.
    headings = [p for p in measures if re.match(r"^（[一二三四五六七八九十]+）", p)]
    assert len(headings) == len(facts.measures)
    assert all(re.fullmatch(r"（[一二三四五六七八九十]+）[^，。]{3,18}，[^，。]{3,18}", h) for h in headings)
    for m in facts.measures:
        topic = re.sub(r"^(?:健全|加强|做好|优化|规范|强化)", "", m.area)
        assert any(topic in h for h in headings), m.area
    assert not [p for p in measures if p.startswith("1.")] or [p for p in measures if p.startswith("2.")]
    # The staff's sub-points stay verbatim.
    assert "利用宪法宣传日、防空警报试鸣日开展人防法治宣传。" in draft.section("measures").text
    # 维护维修 is in no measure text: it joins an area as a sentence, never a dump list.
    assert "全年，完成工程维护维修20处。" in draft.section("measures").text
    assert "其他工作情况" not in draft.text()
    shortcomings = draft.section("shortcomings").paragraphs
    assert shortcomings[1].startswith("一是执法力量不足") and shortcomings[2].startswith("二是")
    assert draft.section("other") is None
    # A reason nobody entered is marked in the body and listed in the 起草提示.
    assert any(w.startswith("二、中以下原因为按不足的主题选用的通用表述") for w in draft.warnings)
    assert "【待确认】" in draft.section("shortcomings").text
    # Outcome sentences of the phrase library assert something checkable: marked, and listed.
    marks = re.findall(r"【[^】]*】", draft.section("measures").text)
    assert marks and set(marks) == {"【待确认】"}
    assert any(w.startswith("一、各条目末尾标【待确认】的成效句") for w in draft.warnings)


def test_other_section_only_when_given():
    facts, _ = case("sifaju_large")
    draft = Drafter().draft(facts)
    assert draft.sections[-1].heading == "五、其他需要报告的情况"


def test_year_over_year_phrases_in_draft():
    facts, previous = case("renfang_small")
    text = Drafter().draft(facts, previous=previous).text()
    # Only the few largest changes, in natural words, at most one per paragraph.
    assert "罚款1.2万元，同比增长118%" in text  # 1.2万元 vs 5500元
    assert "解决率达到92%，同比提高7个百分点" in text
    assert "较上年" not in text
    assert 1 <= text.count("同比") <= 3
    assert "620人次，同比" not in text  # same paragraph as the larger 罚款 change


def test_compare_table_and_chart(tmp_path):
    facts, previous = case("renfang_small")
    rows = {c.indicator: c for c in compare(previous, facts)}
    # 500余人次 is no base for a percentage: year-on-year only from exact values.
    assert rows["行政检查"].change_pct is None and rows["行政检查"].phrase == "约数，不计算同比"
    assert rows["办公会"].phrase == "同比下降4%"
    assert rows["响应率"].phrase == "与上年相同（请核实是否已更新）"  # 100% copied: never "持平"
    table = comparison_table_markdown(list(rows.values()), 2022, 2023)
    assert "| 行政检查 | 500余人次 | 620人次 | 约数，不计算同比 |" in table
    png = comparison_chart(list(rows.values()), tmp_path / "chart.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_checks_find_problems():
    facts, _ = case("renfang_small")
    text = Drafter().draft(facts).text()
    broken = (text.replace("620人次", "600人次").replace("四、2024年", "四、")
              .replace("二、推进法治政府建设存在的不足和原因", "")
              + "\n依据《信访条例》第十条，共有第3条意见。")
    codes = {w.code: w.message for w in check_draft(broken, facts)}
    assert codes["figure_missing"] == "草稿中缺少填写的数据“620人次”（indicators.行政检查）"
    assert "600人次" in codes["figure_invented"]
    assert "“二、”部分" in codes["section_missing"]
    assert "《信访工作条例》" in codes["superseded"]
    # 第3条 is an article number, not an invented figure.
    assert not any("“3”" in w.message for w in check_draft(broken, facts))


def test_checks_out_of_order_and_loose_units():
    facts, _ = case("renfang_small")
    text = Drafter().draft(facts).text().replace("1.2万元", "12000元")
    assert check_draft(text, facts) == []
    sections = text.split("\n")
    i = next(n for n, s in enumerate(sections) if s.startswith("三、"))
    j = next(n for n, s in enumerate(sections) if s.startswith("四、"))
    sections[i], sections[j] = sections[j], sections[i]
    assert [w.code for w in check_draft("\n".join(sections), facts)] == ["section_order"]


class FakeCheck:
    def __init__(self, status, message):
        self.status, self.message = status, message


def test_injected_citation_verifier():
    facts, _ = case("chengguan_medium")
    seen = []

    def verify(text, as_of=None):
        seen.append(text)
        return [FakeCheck("ok", "核对无误"), FakeCheck("article_missing", "《中华人民共和国行政处罚法》没有第九百条")]

    service = DraftingService(verify=verify)
    draft = service.draft(facts)
    assert "第三十三条" in seen[0]
    assert "《中华人民共和国行政处罚法》没有第九百条" in draft.warnings
    assert [w.code for w in service.check(draft, facts)] == ["citation_article_missing"]


def test_regenerate_one_section_keeps_the_others():
    facts, _ = case("renfang_small")
    service = DraftingService()
    draft = service.draft(facts)
    draft.sections[1].text += "\n（人工补充的一段。）"
    changed = facts.model_copy(update={"next_year_plans": ["推进执法规范化建设", "开展普法宣传"]})
    new = service.regenerate(draft, 4, changed)
    assert any(p.startswith("开展普法宣传。") for p in new.section("plans").paragraphs)
    assert new.section("measures").text.endswith("（人工补充的一段。）")
    assert [s.key for s in new.sections] == [s.key for s in draft.sections]
    with pytest.raises(ValueError, match="没有第“9”部分"):
        service.regenerate(draft, 9, changed)


def test_figures_in_framing_text_are_only_years():
    facts = facts_from_dict({
        "organization": "测试局", "year": 2023, "measures": [{"area": "执法", "text": "开展检查"}],
        "shortcomings": ["不足"], "first_responsible_person": ["履职"], "next_year_plans": ["安排"],
    })
    text = Drafter().draft(facts).text()
    assert find_figures(text) == []
    assert invented_numbers(text, facts) == []
