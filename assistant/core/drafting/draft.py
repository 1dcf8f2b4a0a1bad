"""A drafted report: title, mandated sections in order, and the warnings raised while drafting."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from assistant.core.report import markers

# Keys of the parts in mandated order; labels, headings and keywords are in the structure file.
from assistant.core.report.structure import SECTION_KEYS, ReportStructure, load_structure

SUBHEADING_RE = markers.SUBHEADING


def section_key(ref: str | int, structure: ReportStructure | None = None) -> str:
    """Section key from a key, a part number (0 = opening, 1 = 一 … 5 = 五) or a Chinese numeral.

    Raises:
        ValueError: in Chinese, when the reference names no section.
    """
    text = str(ref).strip()
    if text in SECTION_KEYS:
        return text
    numerals = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
    index = numerals.get(text.rstrip("、"))
    if index is None and text.isdigit():
        index = int(text)
    if index is None or not 0 <= index < len(SECTION_KEYS):
        labels = (structure or load_structure()).labels
        choices = "、".join(f"{i}（{labels[k]}）" for i, k in enumerate(SECTION_KEYS))
        raise ValueError(f"没有第“{ref}”部分，可选：{choices}")
    return SECTION_KEYS[index]


@dataclass
class DraftSection:
    """One part of the report; ``text`` holds its paragraphs separated by newlines."""

    key: str
    heading: str
    text: str

    @property
    def paragraphs(self) -> list[str]:
        """Non-empty paragraphs of the section body."""
        return [p.strip() for p in self.text.split("\n") if p.strip()]


@dataclass
class Draft:
    """A complete draft report."""

    title: str
    sections: list[DraftSection]
    warnings: list[str] = field(default_factory=list)
    facts: Any = None
    # Last year's facts (update mode, UI pre-fill): the figure check flags carried figures.
    previous: Any = None
    # Warnings produced by the final checks; recomputed whenever the text changes.
    checked: list[str] = field(default_factory=list)
    # The text those checks ran on: an unchanged draft is not checked again before export.
    checked_text: str | None = None
    # 落实对照: last year's plan items against this year's measures (PlanCheck list).
    followup: list[Any] = field(default_factory=list)

    def section(self, key: str) -> DraftSection | None:
        """The section with this key, if present."""
        return next((s for s in self.sections if s.key == key), None)

    def with_section(self, new: DraftSection) -> Draft:
        """Copy of the draft with one section replaced (or inserted in mandated order)."""
        sections = [s for s in self.sections if s.key != new.key] + [new]
        sections.sort(key=lambda s: SECTION_KEYS.index(s.key))
        return replace(self, sections=sections, warnings=list(self.warnings), checked=list(self.checked))

    @property
    def notes(self) -> list[str]:
        """Warnings written while drafting (not check results): kept when the text is re-checked."""
        return [w for w in self.warnings if w not in self.checked]

    def signature(self) -> tuple[str, str] | None:
        """落款 and 成文日期 placeholder: the unit, and a date in the year the report is due
        (before 1 April of the year after the one reported); None without facts."""
        facts = self.facts
        if facts is None or not getattr(facts, "organization", ""):
            return None
        return facts.organization, f"{facts.year + 1}年×月×日"

    def text(self) -> str:
        """Plain text of the whole report (title, headings, paragraphs)."""
        lines = [self.title, ""]
        for s in self.sections:
            if s.heading:
                lines.append(s.heading)
            lines.extend(s.paragraphs)
        return "\n".join(lines) + "\n"

    def markdown(self) -> str:
        """Markdown: # title, ## 一、…, ### （一）…, paragraphs; warnings as a closing note."""
        out = [f"# {self.title}", ""]
        for s in self.sections:
            if s.heading:
                out += [f"## {s.heading}", ""]
            for p in s.paragraphs:
                out += [f"### {p}" if SUBHEADING_RE.match(p) and len(p) < 60 else p, ""]
        if (sign := self.signature()) is not None:
            out += [f"<p align=\"right\">{sign[0]}<br>{sign[1]}</p>", ""]
        if self.warnings:
            out += ["---", "", "**起草提示**", ""] + [f"- {w}" for w in self.warnings] + [""]
        return "\n".join(out)
