"""Facts recovered from a past report, so staff start next year's facts from last year's.

Decision on the year: :func:`extract_facts` returns the facts *of the report's own year* (a 2021
report gives ``year: 2021``), so the result can serve directly as ``previous`` for year-over-year
comparison. :func:`next_year_facts` turns them into a starting point for the following year.
"""

from __future__ import annotations

import re

from assistant.core.drafting.facts import Facts, Measure
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.report import ParsedReport, ReportSection, parse_report
from assistant.core.drafting.reportduties import duties_from_report, with_reason
from assistant.core.ingest.normalize import repair_report_text
from assistant.core.report import markers
from assistant.core.report.structure import ReportStructure

PLACEHOLDER = "（待填写）"
_ORG_PATTERNS = (
    re.compile(r"^(.{2,30}?)(?:\d{4})年度?法治政府建设"),
    re.compile(r"[，。]([\u4e00-\u9fff]{2,15}?)(?:法治政府建设|依法行政)工作[，。]"),
    re.compile(r"([\u4e00-\u9fff]{2,12}?(?:人防办|司法局|执法局|街道办事处|办公室|委员会|管理局|局|街道))"),
)


def detect_organization(report: ParsedReport) -> str | None:
    """Reporting office from the title, else from the opening paragraph."""
    m = _ORG_PATTERNS[0].match(report.title)
    if m and m.group(1).strip():
        return m.group(1).strip()
    opening = "。" + "".join(report.opening)
    for pattern in _ORG_PATTERNS[1:]:
        m = pattern.search(opening)
        if m:
            return m.group(1)
    return None


def _measures(section: ReportSection | None) -> list[Measure]:
    if section is None:
        return []
    out = []
    for block in section.blocks():
        area = block.heading or "主要举措"
        out.append(Measure(area=area, text="\n".join(block.body), items=block.items))
    return out


# A list marker that starts a new item even inside a paragraph (after a sentence end).
_INLINE_MARK = re.compile(r"(?<=[。；])\s*(?=（[一二三四五六七八九十]+）|[一二三四五六七八九十]+是|\d{1,2}\s*[.．、](?!\d))")
_MARK = re.compile(rf"^\s*(?:{markers.SECTION}|{markers.POINT}[，：]?|{markers.ITEM})\s*")


def _list_items(section: ReportSection | None) -> list[str]:
    """One item per list entry of a part, in order, without its marker.

    Entries are （一）/一是/1. paragraphs, also when several stand in one paragraph (PDF text,
    text rebuilt from chunks). A marker line without a full stop is a sub-heading: it is joined to
    the paragraph below it (小标题。正文), or dropped when numbered entries follow. Paragraphs
    without a marker continue the entry above; an introduction ending in ： is left out.
    """
    if section is None:
        return []
    items: list[str] = []
    heading, started = None, False
    for paragraph in section.paragraphs:
        for piece in filter(None, (x.strip() for x in _INLINE_MARK.split(paragraph))):
            m = _MARK.match(piece)
            body = piece[m.end():].strip() if m else piece
            if m and "。" not in body and len(body) < 60 and piece.startswith("（"):
                heading = body
                continue
            if m:
                items.append(body)
                heading, started = None, True
            elif heading:
                items.append(f"{heading}。{body}")
                heading, started = None, True
            elif started and items:
                items[-1] += body
            elif not body.endswith(("：", ":")):
                items.append(body)
    if heading:
        items.append(heading)
    return items


def extract_facts(report_text: str, organization: str | None = None,
                  catalogue: Catalogue | None = None, structure: ReportStructure | None = None) -> Facts:
    """Pre-fill facts from a past report's text (plain or PDF-extracted).

    Indicators come from part 一 (and the opening); measure areas are the （一）（二） sub-headings
    of part 一 with their text and numbered items, kept verbatim so staff can update them.
    Missing parts are filled with ``（待填写）`` and listed in ``facts.warnings``.
    """
    catalogue = catalogue or load_catalogue()
    report = parse_report(report_text, structure)
    warnings = []
    org = organization or detect_organization(report)
    if not org:
        org, _ = PLACEHOLDER, warnings.append("未能从报告中识别单位名称，请填写 organization")
    if report.year is None:
        warnings.append("未能识别报告年度，请填写 year")
    measures_section = report.section("measures")
    scope = "\n".join(report.opening + (measures_section.paragraphs if measures_section else []))
    found = catalogue.extract(scope or repair_report_text(report_text))
    fields = {
        "measures": _measures(measures_section),
        "shortcomings": _list_items(report.section("shortcomings")),
        "first_responsible_person": _list_items(report.section("responsible")),
        "next_year_plans": _list_items(report.section("plans")),
    }
    duties, fields["first_responsible_person"] = duties_from_report(fields["first_responsible_person"], scope)
    fields["shortcomings"] = [with_reason(e) for e in fields["shortcomings"]]
    for name, value in fields.items():
        if not value:
            warnings.append(f"报告中没有找到“{name}”对应的部分，已填入“{PLACEHOLDER}”")
            fields[name] = [Measure(area=PLACEHOLDER, text=PLACEHOLDER)] if name == "measures" else [PLACEHOLDER]
    facts = Facts(
        organization=org,
        year=report.year or 2000,
        indicators={k: q.text for k, q in found.items()},
        other=_list_items(report.section("other")),
        responsible_duties=duties,
        **fields,
    )
    facts.warnings = warnings
    return facts


def next_year_facts(facts: Facts) -> Facts:
    """Starting point for the following year: same content, year + 1, a reminder to update."""
    new = facts.model_copy(deep=True, update={"year": facts.year + 1})
    new.warnings = list(facts.warnings) + [
        f"以下内容摘自{facts.year}年报告，请逐项更新为{facts.year + 1}年的情况和数据"
    ]
    return new
