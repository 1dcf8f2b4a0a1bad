"""Offline composition: a real first draft from facts, phrase library, area classification."""

from __future__ import annotations

import re

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.core.drafting import Drafter, check_draft, facts_from_dict
from assistant.core.drafting.areas import AreaClassifier
from assistant.core.drafting.checks import entered_figures, invented_numbers
from assistant.core.drafting.compose import Composer
from assistant.core.drafting.indicators import load_catalogue
from assistant.core.drafting.pastwording import framing_sentences
from assistant.core.drafting.phrases import Picker, is_two_clause, load_phrases
from assistant.core.drafting.quality import (
    char_count,
    repeated_sentences,
    two_clause_share,
)
from assistant.prompts import PromptError
from tests.drafting_cases import case

ISSUE_AREAS = ("重大决策", "规范性文件与合法性审核", "学法用法", "普法宣传", "行政执法", "复议应诉", "信访",
               "接诉即办", "审批服务与营商环境", "工程、设施与行业监管", "权力运行监督", "法治队伍", "政务公开")


def test_phrase_library_is_complete_and_figure_free():
    library = load_phrases()
    names = {a.name for a in library.areas}
    assert set(ISSUE_AREAS) <= names and library.areas[-1].key == "other"
    for area in library.areas:
        assert len(area.headings) >= 2 and len(area.framings) >= 3 and len(area.effects) >= 3, area.key
        assert all(is_two_clause(h) for h in area.headings)
    assert not [s for s in library.all_sentences() if re.search(r"\d", s)]
    assert {f.key for f in library.duty_fields} == {"study_sessions", "briefings", "court", "report_on_law",
                                                     "instructions"}


def test_phrase_library_rejects_figures(tmp_path):
    text = load_phrases.__globals__["load_yaml"]("drafting/phrases_v1.yaml")
    text["areas"][0]["effects"][0] = "召开会议12次。"
    from assistant.core.drafting.phrases import library_from_dict

    with pytest.raises(PromptError, match="含有数字"):
        library_from_dict(text)


def test_acceptance_draft_from_six_measures():
    """6 measures with figures, 2 shortcomings, 2 items for 三, 3 plans (区司法局)."""
    facts, _ = case("sifaju_full")
    assert (len(facts.measures), len(facts.shortcomings), len(facts.first_responsible_person),
            len(facts.next_year_plans)) == (6, 2, 2, 3)
    draft = Drafter().draft(facts)
    text = draft.text()
    assert char_count(text) >= 3000
    good, share = two_clause_share(draft)
    assert good >= 4 and share == 1.0
    # 三 is the person's own duties with at most two stock sentences.
    assert len(draft.section("responsible").paragraphs) <= 2 + len(facts.first_responsible_person)
    assert repeated_sentences(text) == []
    for _, figure in entered_figures(facts, load_catalogue()):
        assert figure in text, figure
    assert invented_numbers(text, facts) == []
    assert check_draft(draft, facts) == []
    for entry in facts.first_responsible_person:
        assert entry.rstrip("。") in draft.section("responsible").text


def test_same_facts_same_draft_and_seeded_variation():
    facts, _ = case("sifaju_full")
    composer = Composer()
    first = composer.compose(facts).draft.text()
    assert composer.compose(facts).draft.text() == first
    other = composer.compose(facts, seed="另一稿").draft.text()
    assert other != first
    assert all(f in other for _, f in entered_figures(facts, load_catalogue()))


def test_no_sentence_repeats_when_many_measures_share_an_area():
    measures = [{"area": "行政执法", "text": f"开展第{n}批专项检查{n * 10}次"} for n in range(1, 9)]
    facts = facts_from_dict({"organization": "测试局", "year": 2023, "measures": measures,
                             "shortcomings": ["执法力量不足"], "first_responsible_person": ["带头学法"],
                             "next_year_plans": ["规范执法", "加强执法", "提升执法"]})
    text = Drafter().draft(facts).text()
    assert repeated_sentences(text) == []
    assert invented_numbers(text, facts) == []


def test_classifier_keywords_then_nearest_exemplar():
    library = load_phrases()
    plain = AreaClassifier(library)
    assert plain.classify("开展行政检查620人次，查处违法案件6件", "严格规范行政执法").area.key == "enforcement"
    assert plain.classify("受理行政复议申请168件", "行政复议").area.key == "review"
    assert plain.classify("完成年度目标", "重点工作").method == "fallback"
    embedded = AreaClassifier(library, DeterministicFakeEmbedding(size=32))
    found = embedded.classify("完成年度目标", "重点工作")
    assert found.method == "embedding" and found.area in library.areas


def test_unclassified_measure_is_noted_for_the_writer():
    facts = facts_from_dict({"organization": "测试局", "year": 2023,
                             "measures": [{"area": "重点工作", "text": "完成年度目标任务"}],
                             "shortcomings": ["不足"], "first_responsible_person": ["履职"],
                             "next_year_plans": ["安排"]})
    notes = Composer(embeddings=DeterministicFakeEmbedding(size=32)).compose(facts).notes
    assert any(n.startswith("举措“重点工作”按向量相似度归入") for n in notes)


def test_past_report_lends_framing_without_its_figures():
    past_paragraph = ("严格执法程序，确保文字记录的完整性、规范性，执法工作有了新的提升。"
                      "开展行政检查500余人次，查处案件4件。今年以来共约谈50余人次。")
    assert framing_sentences(past_paragraph) == ["严格执法程序，确保文字记录的完整性、规范性，执法工作有了新的提升。"]
    calls = []
    facts, _ = case("minimal_dev")
    source = f"2021年{facts.organization}法治政府建设年度情况报告"

    def past(query):
        calls.append(query)
        return [(past_paragraph, source)]

    composition = Composer(past=past).compose(facts)
    text = composition.draft.text()
    assert "严格执法程序，确保文字记录的完整性、规范性" in text
    assert "500余人次" not in text and invented_numbers(text, facts) == []
    assert composition.sources == [source]
    assert any(f"沿用往年报告《{source}》" in n for n in composition.notes)
    assert "行政执法" in calls or any("执法" in c for c in calls)
    # Another organisation's report, or a 不足 passage of our own, lends nothing.
    for hit in ((past_paragraph, "2021年示例区卫生健康委员会法治政府建设年度情况报告"),
                (past_paragraph, source, "二、存在的不足和原因")):
        other = Composer(past=lambda q, hit=hit: [hit]).compose(facts).draft.text()
        assert "严格执法程序，确保文字记录的完整性、规范性" not in other


def test_past_wording_of_another_office_is_not_carried():
    paragraph = "依法推进人防管理法治化建设，严格执法程序，确保执法规范有序。"

    def past(query):
        return [(paragraph, "2021年东城区人防办法治政府建设年度情况报告")]

    facts, _ = case("sifaju_full")
    assert Composer(past=past).compose(facts).sources == []
    own = facts.model_copy(update={"organization": "东城区人防办"})
    assert Composer(past=past).compose(own).sources == ["2021年东城区人防办法治政府建设年度情况报告"]


def test_past_search_failure_does_not_stop_the_draft():
    def broken(query):
        raise RuntimeError("知识库不可用")

    facts, _ = case("minimal_dev")
    assert Composer(past=broken).compose(facts).draft.text() == Composer().compose(facts).draft.text()


def test_picker_never_repeats_and_renders_strictly():
    picker = Picker("seed", {"organization": "测试局"})
    pool = ["甲。", "乙。", "{{ organization }}丙。"]
    chosen = {picker.pick(pool) for _ in range(3)}
    assert chosen == {"甲。", "乙。", "测试局丙。"} and picker.pick(pool) == ""
    with pytest.raises(PromptError):
        Picker("seed").pick(["{{ year }}年。"])
