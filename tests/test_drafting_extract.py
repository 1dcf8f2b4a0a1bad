"""Facts extracted from the real 2021 report (text and PDF)."""

from __future__ import annotations

import pytest

from assistant.core.drafting import extract_facts, next_year_facts
from assistant.core.drafting.numbers import parse_quantity
from assistant.core.drafting.report import parse_report
from tests.drafting_cases import REPORT_PDF, report_text

EXPECTED = {
    "办公会": "25次", "党组会": "27次", "行政检查": "500余人次", "维护维修": "18处",
    "接诉即办": "近290余件", "响应率": "100%", "行政许可": "326余件", "会前学法": "4次",
    "志愿者队伍": "88支", "解决率": "85%", "满意率": "85%", "回填治理": "674.68余平方米",
}


def _assert_figures(facts):
    assert len(facts.indicators) >= 15
    for key, value in EXPECTED.items():
        assert facts.indicators[key] == value, key
    assert facts.indicators["罚款"] == "伍千伍百元"
    assert parse_quantity(facts.indicators["罚款"]).value == 5500


def test_extract_from_text():
    facts = extract_facts(report_text())
    assert facts.year == 2021 and facts.organization == "东城区人防办"
    _assert_figures(facts)
    assert [m.area for m in facts.measures] == ["明确指导思想，健全工作机制", "增强依法行政意识，积极开展各项工作"]
    assert len(facts.measures[1].items) == 11
    assert facts.measures[1].items[0].startswith("健全民主决策机制")
    assert len(facts.shortcomings) == 2 and facts.shortcomings[1].startswith("行政处罚工作需要进一步突破")
    assert len(facts.first_responsible_person) == 3
    assert facts.next_year_plans[1].startswith("按照区疫情防控办")
    assert facts.warnings == []


def test_organization_argument_wins_and_next_year():
    facts = extract_facts(report_text(), organization="北京市东城区人民防空办公室")
    assert facts.organization == "北京市东城区人民防空办公室"
    nxt = next_year_facts(facts)
    assert nxt.year == 2022 and nxt.indicators == facts.indicators
    assert any("摘自2021年报告" in w for w in nxt.warnings)


def test_report_structure_normalises_heading_numeral():
    report = parse_report(report_text())
    assert [s.key for s in report.sections] == ["measures", "shortcomings", "responsible", "plans"]
    # The real report writes "2、" for part 二.
    assert report.section("shortcomings").heading == "二、推进法治政府建设存在的不足和原因"


def test_extract_from_pdf_text():
    if not REPORT_PDF.is_file():
        pytest.skip("缺少 ../shared/corpus 中的 PDF 报告")
    from assistant.core.ingest import loaders
    facts = extract_facts(loaders.load_file(REPORT_PDF).text)
    assert facts.year == 2021
    _assert_figures(facts)
    assert len(facts.measures) == 2 and len(facts.next_year_plans) >= 5


def test_extract_from_raw_pypdf_text():
    """Kangxi radicals and hard line breaks straight from pypdf are normalised by the parser."""
    if not REPORT_PDF.is_file():
        pytest.skip("缺少 ../shared/corpus 中的 PDF 报告")
    from pypdf import PdfReader

    raw = "\n".join(page.extract_text() for page in PdfReader(REPORT_PDF).pages)
    facts = extract_facts(raw)
    _assert_figures(facts)
    assert len(facts.first_responsible_person) == 3
