"""The four-part structure of a 法治政府建设年度情况报告, read from ``prompts/drafting/structure_v1.yaml``.

That file is the only definition of the parts (keys, numbers, headings, keywords, facts fields,
year phrasing). Ingest detection, the past-report parser, the drafter, the checks, the facts model
and the UI all take it from :func:`load_structure`; nothing here is cached globally, so callers
that need it often load it once and pass the object down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.numerals import chinese_to_int
from assistant.prompts import PromptError, Template, load_yaml

# The code dispatches on these identifiers; the YAML must define exactly these, in this order.
SECTION_KEYS = ("opening", "measures", "shortcomings", "responsible", "plans", "other")
# "一、" / "2、" / "3." at the start of a line (not "5.12防灾减灾日").
_PART_HEAD = re.compile(r"^\s*#*\s*([一二三四五六七八九十]|\d)\s*(?:、|[.．](?!\d))\s*(.+)$")


@dataclass(frozen=True)
class SectionSpec:
    """One part of the report as the structure file defines it."""

    key: str
    number: int
    label: str
    heading: str
    keywords: tuple[str, ...]
    facts_field: str | None
    required: bool
    year: str | None = None

    @property
    def numeral(self) -> str:
        """一 for part 1 (empty for the opening)."""
        return "" if self.number == 0 else "一二三四五六七八九十"[self.number - 1]


@dataclass(frozen=True)
class ReportStructure:
    """All parts in mandated order, the title template and the year pattern."""

    version: int | str
    title_template: str
    sections: tuple[SectionSpec, ...]
    year_re: re.Pattern

    # -- lookup ---------------------------------------------------------------------------
    def section(self, key: str) -> SectionSpec:
        """The part with this key (KeyError when unknown)."""
        for spec in self.sections:
            if spec.key == key:
                return spec
        raise KeyError(f"报告结构中没有“{key}”部分")

    @property
    def keys(self) -> tuple[str, ...]:
        """Section keys in mandated order."""
        return tuple(s.key for s in self.sections)

    @property
    def labels(self) -> dict[str, str]:
        """Key → short label (一、主要举措和成效 …)."""
        return {s.key: s.label for s in self.sections}

    @property
    def required(self) -> tuple[SectionSpec, ...]:
        """Parts every report must have (一 to 四)."""
        return tuple(s for s in self.sections if s.required)

    @property
    def list_fields(self) -> dict[str, str]:
        """Facts field → label for the parts entered as plain lists (二、三、四、五)."""
        return {s.facts_field: s.label for s in self.sections
                if s.facts_field and s.facts_field != "measures"}

    def key_for_label(self, label: str) -> str | None:
        """Section key for a label shown in the UI."""
        return next((s.key for s in self.sections if s.label == label), None)

    # -- rendering ------------------------------------------------------------------------
    def title(self, organization: str, year: int) -> str:
        """Report title for an office and year."""
        return Template("title", self.title_template).render(
            organization=organization, year=year, next_year=year + 1)

    def heading(self, key: str, organization: str, year: int) -> str:
        """Mandated heading of a part (empty for the opening)."""
        return Template(key, self.section(key).heading).render(
            organization=organization, year=year, next_year=year + 1)

    # -- reading report text --------------------------------------------------------------
    def heading_key(self, line: str, after: int = 0) -> str | None:
        """Key of the part a heading line opens, if it opens one later than part ``after``.

        The line must start with the part's own number (一、 or 2、 as some reports write it)
        and contain one of its keywords, so an item such as ``3.补齐执法力量不足短板`` is never
        taken for part 二.
        """
        m = _PART_HEAD.match(line)
        if not m or len(line) > 80 or "。" in line.rstrip().rstrip("。"):
            return None
        number = chinese_to_int(m.group(1))
        for spec in self.sections:
            if spec.number == number > after and any(w in m.group(2) for w in spec.keywords):
                return spec.key
        return None

    def part_number(self, line: str) -> int | None:
        """Number (1–5) of the part a heading line opens, if any."""
        key = self.heading_key(line)
        return self.section(key).number if key else None

    def normalize_heading(self, key: str, line: str) -> str:
        """The heading with its mandated Chinese numeral (2、 → 二、)."""
        m = _PART_HEAD.match(line)
        return f"{self.section(key).numeral}、{m.group(2).strip()}" if m else line.strip()

    def shift_years(self, text: str, delta: int) -> str:
        """Move every year in a title or heading forward by ``delta``."""
        return self.year_re.sub(lambda m: f"{int(m.group(1)) + delta}年", text)


def _spec(entry: dict, headings: dict) -> SectionSpec:
    key = str(entry["key"])
    return SectionSpec(
        key=key,
        number=int(entry["number"]),
        label=str(entry["label"]),
        heading=str(headings.get(key, "")),
        keywords=tuple(str(w) for w in entry.get("keywords") or ()),
        facts_field=entry.get("facts_field"),
        required=bool(entry.get("required")),
        year=entry.get("year"),
    )


def load_structure(version: str = "v1", prompts_dir: Path | None = None) -> ReportStructure:
    """Read ``prompts/drafting/structure_<version>.yaml``.

    Raises:
        PromptError: the file is missing or does not define the six parts in order.
    """
    data = load_yaml(f"drafting/structure_{version}.yaml", prompts_dir)
    try:
        sections = tuple(_spec(e, data.get("headings") or {}) for e in data["sections"])
        structure = ReportStructure(data.get("version", 1), str(data["title"]), sections,
                                    re.compile(str(data["year_pattern"])))
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise PromptError(f"报告结构文件 structure_{version}.yaml 格式错误：{exc}") from exc
    if structure.keys != SECTION_KEYS:
        raise PromptError(f"报告结构文件应依次定义：{'、'.join(SECTION_KEYS)}")
    return structure
