"""Parse a past annual report into its title, year, mandated sections and sub-blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.ingest.normalize import repair_report_text
from assistant.core.report.structure import ReportStructure, load_structure
from assistant.numerals import int_to_chinese

CN_NUMERALS = "一二三四五六七八九十"
SUBHEAD_RE = re.compile(rf"^\s*（([{CN_NUMERALS}]+)）\s*(.*)$")
ITEM_RE = re.compile(r"^\s*(\d+)\s*[.．、]\s*(?!\d)(.*)$")
ORDINAL_RE = re.compile(rf"^\s*[{CN_NUMERALS}]+是\s*[，：]?")


def cn_numeral(n: int) -> str:
    """1 -> 一, 12 -> 十二 (headings and ordinals)."""
    return int_to_chinese(n)


@dataclass
class Block:
    """A sub-heading （一） and the paragraphs under it (heading empty before the first one)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[str]:
        """Paragraphs that are not numbered items."""
        return [p for p in self.paragraphs if not ITEM_RE.match(p)]

    @property
    def items(self) -> list[str]:
        """Numbered items (1. 2. …) without their numbers."""
        return [ITEM_RE.match(p).group(2).strip() for p in self.paragraphs if ITEM_RE.match(p)]


@dataclass
class ReportSection:
    """One mandated part of a past report."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)

    def blocks(self) -> list[Block]:
        """Split the paragraphs at （一）（二）… sub-headings."""
        blocks = [Block("")]
        for p in self.paragraphs:
            m = SUBHEAD_RE.match(p)
            if m and len(p) < 60 and "。" not in p[:-1]:
                blocks.append(Block(m.group(2).strip().rstrip("。")))
            else:
                blocks[-1].paragraphs.append(p)
        return [b for b in blocks if b.heading or b.paragraphs]


@dataclass
class ParsedReport:
    """A past report split into parts."""

    title: str
    year: int | None
    opening: list[str]
    sections: list[ReportSection]

    def section(self, key: str) -> ReportSection | None:
        """The part with this key, if the report has it."""
        return next((s for s in self.sections if s.key == key), None)


def parse_report(text: str, structure: ReportStructure | None = None) -> ParsedReport:
    """Split report text (plain or PDF-extracted) into title, opening and mandated sections."""
    structure = structure or load_structure()
    lines = [ln.strip() for ln in repair_report_text(text).split("\n") if ln.strip()]
    title = ""
    if lines and len(lines[0]) < 60 and ("报告" in lines[0] or "法治" in lines[0]):
        title = lines.pop(0)
    opening: list[str] = []
    sections: list[ReportSection] = []
    for line in lines:
        after = structure.section(sections[-1].key).number if sections else 0
        key = structure.heading_key(line, after)
        if key:
            sections.append(ReportSection(key, structure.normalize_heading(key, line)))
        elif sections:
            sections[-1].paragraphs.append(line)
        else:
            opening.append(line)
    year = detect_year(title, sections, text, structure)
    return ParsedReport(title, year, opening, sections)


def detect_year(title: str, sections: list[ReportSection], text: str,
                structure: ReportStructure | None = None) -> int | None:
    """Report year: from the title, else the 一、 heading, else the first year in the text."""
    year_re = (structure or load_structure()).year_re
    for source in (title, *(s.heading for s in sections if s.key == "measures"), text):
        m = year_re.search(source)
        if m:
            return int(m.group(1))
    return None
