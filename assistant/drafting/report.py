"""Parse a past annual report into its title, year, mandated sections and sub-blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.drafting.numbers import normalize_text

CN_NUMERALS = "一二三四五六七八九十"
_SECTION_HEAD = re.compile(r"^\s*([一二三四五六七八九十]|\d)\s*(?:、|[.．](?!\d))\s*(.+)$")
_KEYWORDS = (
    ("measures", ("举措", "成效", "主要工作", "工作情况")),
    ("shortcomings", ("不足", "存在的问题", "存在问题")),
    ("responsible", ("第一责任人", "主要负责人")),
    ("plans", ("安排", "计划", "打算", "思路")),
    ("other", ("其他",)),
)
_HEADING_INDEX = {"measures": 1, "shortcomings": 2, "responsible": 3, "plans": 4, "other": 5}
SUBHEAD_RE = re.compile(rf"^\s*（([{CN_NUMERALS}]+)）\s*(.*)$")
ITEM_RE = re.compile(r"^\s*(\d+)\s*[.．、]\s*(?!\d)(.*)$")
ORDINAL_RE = re.compile(rf"^\s*[{CN_NUMERALS}]+是\s*[，：]?")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def cn_numeral(n: int) -> str:
    """1 -> 一, 12 -> 十二 (enough for headings and ordinals)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[ones - 1] if ones else "")


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


def _heading_key(line: str, after: int) -> str | None:
    """Section key when the line is a mandated heading later than position ``after``."""
    m = _SECTION_HEAD.match(line)
    if not m or len(line) > 80 or "。" in line.rstrip("。"):
        return None
    mark = m.group(1)
    number = int(mark) if mark.isdigit() else CN_NUMERALS.index(mark) + 1
    for key, words in _KEYWORDS:
        # The numeral must match the mandated position so that an item such as
        # "3.补齐执法力量不足短板" is never taken for part 二.
        if _HEADING_INDEX[key] == number > after and any(w in m.group(2) for w in words):
            return key
    return None


def normalize_heading(key: str, line: str) -> str:
    """Use the mandated Chinese numeral (real reports sometimes write 2、 for 二、)."""
    m = _SECTION_HEAD.match(line)
    return f"{CN_NUMERALS[_HEADING_INDEX[key] - 1]}、{m.group(2).strip()}" if m else line.strip()


def parse_report(text: str) -> ParsedReport:
    """Split report text (plain or PDF-extracted) into title, opening and mandated sections."""
    lines = [ln.strip() for ln in normalize_text(text).split("\n") if ln.strip()]
    title = ""
    if lines and len(lines[0]) < 60 and ("报告" in lines[0] or "法治" in lines[0]):
        title = lines.pop(0)
    opening: list[str] = []
    sections: list[ReportSection] = []
    for line in lines:
        after = _HEADING_INDEX[sections[-1].key] if sections else 0
        key = _heading_key(line, after)
        if key:
            sections.append(ReportSection(key, normalize_heading(key, line)))
        elif sections:
            sections[-1].paragraphs.append(line)
        else:
            opening.append(line)
    return ParsedReport(title, detect_year(title, sections, text), opening, sections)


def detect_year(title: str, sections: list[ReportSection], text: str) -> int | None:
    """Report year: from the title, else the 一、 heading, else the first year in the text."""
    for source in (title, *(s.heading for s in sections if s.key == "measures"), text):
        m = YEAR_RE.search(source)
        if m:
            return int(m.group(1))
    return None
