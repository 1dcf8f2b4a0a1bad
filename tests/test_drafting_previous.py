"""Last year's report: one rule for the CLI and the UI, and one check per click."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.core.drafting import DraftingService, facts_from_dict
from assistant.core.drafting.previous import choose_previous, load_previous, previous_facts
from assistant.core.drafting.service import NO_COMMON, NO_PREVIOUS


@dataclass
class Entry:
    source: str
    year: int | None
    is_sample: bool = False


def _facts(org: str, year: int, **indicators: str):
    return facts_from_dict({
        "organization": org, "year": year, "indicators": indicators or {"行政检查": "620人次"},
        "measures": [{"area": "严格规范公正文明执法", "text": "全面推行行政执法三项制度"}],
        "shortcomings": ["执法人员专业能力有待提高"],
        "first_responsible_person": ["主要负责人带头学法"],
        "next_year_plans": ["完善执法制度"],
    })


def test_previous_is_the_newest_report_before_the_drafted_year():
    reports = [Entry("2021.txt", 2021), Entry("2023.txt", 2023), Entry("2022.txt", 2022)]
    assert choose_previous(reports, None).source == "2023.txt"
    assert choose_previous(reports, 2023).source == "2022.txt"  # never the drafted year's own
    assert choose_previous(reports, 2024).source == "2023.txt"
    assert choose_previous(reports, 2021) is None
    assert choose_previous([Entry("x.txt", None)], 2023) is None  # a year-less file is no 上年报告


def test_a_report_whose_text_says_it_is_this_years_gives_no_previous_facts():
    reports = [Entry("无年份.txt", 2022)]
    prev = load_previous(reports, 2023, lambda s: "全文", lambda text: _facts("区司法局", 2023))
    assert prev is not None and prev.facts is None


def test_demo_report_figures_never_compare_with_another_unit():
    demo = load_previous([Entry("示例区人防办2023.md", 2023, is_sample=True)], 2024,
                         lambda s: "全文", lambda text: _facts("示例区人防办", 2023))
    assert demo is not None and demo.sample
    assert previous_facts(demo, _facts("北京市东城区人民防空办公室", 2024)) is None
    assert previous_facts(demo, _facts("示例区人防办", 2024)).year == 2023  # the demo unit itself


def test_package_checks_once_and_explains_a_missing_comparison(tmp_path: Path):
    service = DraftingService()
    calls = []
    check = service.drafter.check
    service.drafter.check = lambda *a, **k: calls.append(1) or check(*a, **k)
    draft = service.draft(_facts("区司法局", 2023))
    drafted = len(calls)
    package = service.package(draft, tmp_path, "报告")
    assert len(calls) == drafted  # unchanged text: the export does not check again
    assert package.files["docx"].is_file() and package.files["md"].is_file()
    assert package.table == NO_PREVIOUS and package.chart is None

    edited = package.draft.with_section(
        type(package.draft.sections[0])("opening", "", "本段由起草人改写，新增执法记录仪99台。"))
    again = service.package(edited, tmp_path, "报告")
    assert len(calls) == drafted + 1  # edited text: checked exactly once more
    assert any("99" in w for w in again.draft.warnings)

    other = service.draft(_facts("区司法局", 2023, 行政复议="12件"), previous=_facts("区司法局", 2022))
    assert service.package(other, tmp_path, "报告2").table == NO_COMMON


def test_update_mode_refuses_a_report_that_is_not_earlier():
    import pytest

    report = Path(__file__).resolve().parents[1] / "knowledge"
    text = next(report.glob("示例*.md")).read_text(encoding="utf-8")  # the 2023 demo report
    with pytest.raises(ValueError, match="不早于本次起草的2023年"):
        DraftingService().draft(_facts("示例区人防办", 2023), from_report=text)
    assert DraftingService().draft(_facts("示例区人防办", 2024), from_report=text).previous.year == 2023
