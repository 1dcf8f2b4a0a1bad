"""The unit's own voice: claims with a source, self-reference, foreign words, the user's headings, reasons."""

from __future__ import annotations

from assistant.core.drafting import Drafter, facts_from_dict
from assistant.core.drafting.claims import load_claim_rules, unflagged_claims
from assistant.core.drafting.facts import split_shortcoming
from assistant.core.drafting.phrases import load_phrases
from assistant.core.drafting.quality import duplicate_clauses
from assistant.core.drafting.units import load_units, same_organization

FACTS = {
    "organization": "样例区应急管理局", "year": 2024,
    "measures": [{"area": "安全生产执法", "text": "检查生产经营单位300家次"},
                 {"area": "普法宣传", "text": "开展安全生产宣传12场"}],
    "shortcomings": [{"text": "执法装备不足", "reason": "经费保障有限"}, "基层执法力量薄弱"],
    "responsible_duties": {"study_sessions": "4", "court": "主要负责人出庭应诉1次"},
    "next_year_plans": ["年底前完成执法装备更新"],
}


def test_phrase_library_unconditional_sentences_assert_nothing_checkable():
    """Every sentence the composer writes without a source is framing; specific ones are claims."""
    rules, library = load_claim_rules(), load_phrases()
    unconditional = [*library.opening, *library.responsible_intro, *library.responsible_closing]
    for g in library.groups:
        unconditional += [*g.headings, *g.leads]
    for a in library.areas:
        unconditional += [*a.framings]  # effects are outcomes: always written marked 【待确认】
        assert all(rules.is_specific(c) for c in a.claims), a.key
    units = load_units()
    unconditional += [*units.common_framings, *(f for t in units.types for f in t.framings)]
    unconditional += [*units.common_meanings, *units.area_basis.values(), *library.opening_summary]
    unconditional += [s for t in units.types for s in (t.basis, t.approach, *t.meanings)]
    assert [s for s in unconditional if rules.unsupported(s, "")] == []


def test_unit_framing_data_speaks_only_for_its_own_type():
    """A type's basis, approach and meanings use no other type's words; shared ones use none at all."""
    units = load_units()
    for t in units.types:
        own = "".join((t.basis, t.approach, *t.meanings, *t.framings))
        assert t.basis and t.approach and len(t.meanings) >= 2, t.key
        assert units.foreign_words(own, t.match[0] if t.match else "示例区某某中心") == [], t.key
    shared = "".join((*units.common_meanings, *units.common_framings, *units.area_basis.values()))
    assert not [w for t in units.types for w in t.terms if w in shared]
    assert len(units.common_meanings) >= 6


def test_claim_rules_flag_specific_actions():
    rules = load_claim_rules()
    assert rules.unsupported("建立健全监管台账，开展经常性检查。", "")
    assert rules.unsupported("推行告知承诺和容缺受理。", "")
    assert not rules.unsupported("推行告知承诺。", "推行告知承诺制度")
    assert not rules.is_specific("坚持以习近平法治思想为指导。")


def test_voice_from_the_organisation_name():
    units = load_units()
    assert units.voice("示例区卫生健康委员会").self_ref == "我委"
    assert units.voice("示例区卫生健康委员会").party == "委党委"
    assert units.voice("示例区人民防空办公室").self_ref == "我办"
    assert units.voice("示例区民政局").party == "局党组"
    assert units.unit_type("示例区生态环境局").key == "shengtai"
    assert units.foreign_words("推进人防工程合法使用", "示例区卫生健康委员会") == ["人防", "人防工程"]
    assert same_organization("2021年东城区人防办法治政府建设年度情况报告", "北京市东城区人民防空办公室")
    assert not same_organization("2021年东城区人防办法治政府建设年度情况报告", "东城区卫生健康委员会")


def test_draft_of_an_unknown_unit_type_speaks_for_itself():
    facts = facts_from_dict(FACTS)
    draft = Drafter().draft(facts)
    text = draft.text()
    assert "我局" in text and "我办" not in text and "办党组" not in text
    assert load_units().foreign_words(text, facts.organization, "".join(facts.all_texts())) == []
    assert unflagged_claims(draft, facts.all_texts()) == []
    assert duplicate_clauses(text, facts.all_texts()) == []
    headings = [p for p in draft.section("measures").paragraphs if p.startswith("（")]
    assert len(headings) == 2 and "安全生产执法" in headings[0] + headings[1]
    short = draft.section("shortcomings").paragraphs
    first = next(p for p in short if p.startswith("一是"))
    second = next(p for p in short if p.startswith("二是"))
    assert "究其原因，主要是经费保障有限。下一步" in first  # the staff's reason, not marked
    # the guessed reason and each suggested remedy are marked for the writer
    assert second.count("【待确认】") == 2 and first.count("【待确认】") == 1
    opening = draft.section("opening").text
    assert "安全生产执法、普法宣传等方面" in opening and opening.endswith("现将有关情况报告如下。")
    resp = draft.section("responsible").text
    assert "会前学法4次" in resp and "主要负责人出庭应诉1次" in resp
    plan = next(p for p in draft.section("plans").paragraphs if p.startswith("年底前完成执法装备更新。"))
    assert plan.count("【待确认】") <= 1 and "现将" not in plan


def test_shortcoming_reason_in_facts():
    facts = facts_from_dict(FACTS)
    assert split_shortcoming(facts.shortcomings[0]) == ("执法装备不足", "经费保障有限")
    assert split_shortcoming(facts.shortcomings[1]) == ("基层执法力量薄弱", "")
