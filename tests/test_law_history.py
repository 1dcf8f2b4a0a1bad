"""Repealed and replaced regulations: dated, from the curated list, the law library and local files."""

from __future__ import annotations

import pytest

from assistant.adapters.lawlib import LawLibrary
from assistant.core.citations import CitationResolver, LawHistory, LawNames
from assistant.core.citations.history import repeal_clauses
from assistant.core.drafting import DraftingService
from tests.drafting_cases import case
from tests.test_citations import XINFANG_17, DictSource

NEW_RULE = "北京市街巷管理条例"
OLD_RULE = "北京市胡同管理办法"


@pytest.fixture(scope="module")
def lib() -> LawLibrary:
    return LawLibrary()


@pytest.fixture(scope="module")
def resolver(lib) -> CitationResolver:
    # The knowledge base holds 信访工作条例 but not the old 信访条例 (as the default install).
    local = DictSource(
        {
            "信访工作条例": {17: XINFANG_17},
            NEW_RULE: {1: "为了加强街巷管理，制定本条例。",
                       2: f"本条例自2024年3月1日起施行。2001年公布的《{OLD_RULE}》同时废止。"},
        },
        {"信访工作条例": 17, NEW_RULE: 2},
        "test",
    )
    return CitationResolver(lib, LawNames.from_resources(lib.law_names()), local)


def test_repeal_clauses_are_read_with_their_dates():
    text = "本法自2021年1月1日起施行。《中华人民共和国婚姻法》、《中华人民共和国合同法》同时废止。"
    assert repeal_clauses(text) == [("中华人民共和国婚姻法", "2021-01-01"),
                                    ("中华人民共和国合同法", "2021-01-01")]
    assert repeal_clauses("本法自公布之日起施行，《甲法（试行）》同时废止。", "2007-06-01") == [
        ("甲法（试行）", "2007-06-01")]
    assert repeal_clauses("本条例自2022年5月1日起施行。") == []


def test_verify_names_successor_and_date_instead_of_unrelated_laws(resolver):
    [check] = resolver.verify("依据《信访条例》第十条办理。")
    assert check.status == "superseded"
    assert check.replaced_by == "信访工作条例" and check.since == "2022-05-01"
    assert "《信访条例》已被《信访工作条例》替代（2022年5月1日起施行）" in check.message
    assert "海关" not in check.message and "户口" not in check.message
    assert check.to_json()["since"] == "2022-05-01"


def test_cite_reports_the_repeal(resolver):
    res = resolver.resolve("《信访条例》第十条")
    assert not res.found and res.status == "superseded" and res.law == "信访条例"
    assert res.replaced_by == "信访工作条例" and res.since == "2022-05-01"
    assert res.suggestions == [] and "请改为引用《信访工作条例》的相应条款" in res.message


def test_supersession_is_judged_at_the_texts_year(resolver):
    [check] = resolver.verify("依据《信访条例》第十条办理。", as_of=2021)
    assert check.status == "unverifiable"
    assert "2021年有效" in check.message and "未能核对原文" in check.message
    [later] = resolver.verify("依据《信访条例》第十条办理。", as_of=2022)
    assert later.status == "superseded"


def test_law_library_repeal_clauses(resolver):
    [check] = resolver.verify("根据《合同法》第五十二条的规定")
    assert check.status == "superseded" and check.replaced_by == "中华人民共和国民法典"
    assert "2021年1月1日" in check.message
    assert resolver.verify("根据《合同法》第五十二条的规定", as_of=2020)[0].status == "unverifiable"


def test_law_library_repealed_status_without_successor(lib):
    history = LawHistory()
    from assistant.core.citations.history import add_library_history

    add_library_history(history, lib)
    entry = history.lookup("中华人民共和国乡镇企业法")
    assert entry is not None and entry.by is None and "已废止" in entry.note()


def test_ingested_regulation_repeal_clause(resolver):
    [check] = resolver.verify(f"按照《{OLD_RULE}》第三条")
    assert check.status == "superseded" and check.replaced_by == NEW_RULE
    assert "2024年3月1日" in check.message
    assert resolver.verify(f"按照《{OLD_RULE}》第三条", as_of=2023)[0].status == "unverifiable"


def _draft_citing_xinfang(year: int, resolver: CitationResolver) -> set[str]:
    facts, _ = case("renfang_small")
    facts = facts.model_copy(update={"year": year})
    facts.measures[0].items.append("依据《信访条例》第十条，规范信访事项办理")
    service = DraftingService(verify=resolver.verify, history=resolver.history)
    draft = service.draft(facts)
    return {w.code for w in service.check(draft, facts)}


def test_drafting_check_judges_supersession_at_the_report_year(resolver):
    assert not {"superseded", "citation_superseded"} & _draft_citing_xinfang(2021, resolver)
    assert {"superseded", "citation_superseded"} <= _draft_citing_xinfang(2023, resolver)
