"""What kind of answer a question wants: its shape, the report part it asks about, its years.

The cue phrases are data (``prompts/answering/shapes_v1.yaml``); relative years (去年, 今年, 明年)
are resolved against the years of the reports the knowledge base holds, so "去年" with only a
2021 report means 2021.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.core.ownwork import RELATIVE_YEAR

SHAPES = ("fact", "list", "summary", "legal", "procedure")
_EXPLICIT_YEAR = re.compile(r"(?:19|20)\d\d\s*年")
_RELATIVE = re.compile("|".join(sorted(RELATIVE_YEAR, key=len, reverse=True)))


@dataclass(frozen=True)
class Cues:
    """Compiled cue phrases of one shapes file."""

    shapes: tuple[tuple[str, re.Pattern], ...]
    parts: tuple[tuple[str, re.Pattern], ...]
    generic: re.Pattern
    report_parts: frozenset[str] = frozenset()  # parts only reports have (plans…)
    structure: Any = None  # ReportStructure (prompts/drafting/structure_v1.yaml)
    instructions: dict[str, str] = field(default_factory=dict)
    version: int | str = 1

    @classmethod
    def load(cls, name: str = "answering/shapes_v1.yaml") -> Cues:
        """Read the cue file through :mod:`assistant.prompts`."""
        from assistant.core.report.structure import load_structure
        from assistant.prompts import load_yaml

        data = load_yaml(name)
        return cls(
            shapes=tuple((k, re.compile(v)) for k, v in data["shapes"].items()),
            parts=tuple((k, re.compile(v)) for k, v in data["parts"].items()),
            generic=re.compile(data["generic_terms"]),
            report_parts=frozenset(data.get("report_parts") or ()),
            structure=load_structure(),
            instructions=dict(data.get("instructions") or {}),
            version=data.get("version", 1),
        )

    def shape(self, text: str, report: bool, quantity: bool) -> str:
        """``fact`` | ``list`` | ``summary`` | ``legal`` | ``procedure``."""
        found = [k for k, rx in self.shapes if rx.search(text)]
        if quantity and ("list" not in found or not report):
            return "fact"  # a figure is asked (多少, 几次): the sentence holding it
        if report:
            found = [k for k in found if k in ("list", "summary")]
        elif not found and re.search(r"应当|可以|能否|是否|要不要", text):
            found = ["procedure"]
        return found[0] if found else "fact"

    def part(self, text: str) -> str | None:
        """The mandated report part the question points at (``plans``…), if any."""
        return next((k for k, rx in self.parts if rx.search(text)), None)

    def part_of(self, section: str) -> str:
        """The structure part (``measures``…) a report section path belongs to."""
        return self.structure.heading_key(section.split(" > ")[0]) or "opening"

    def topic(self, terms: Iterable[str]) -> tuple[str, ...]:
        """Terms that name a topic (not the generic words of a report question)."""
        return tuple(t for t in terms if not self.generic.fullmatch(t))


@dataclass(frozen=True)
class Years:
    """Which years a question is about once 去年/今年/明年 are resolved."""

    text: str  # the question with relative years written out ("2021年")
    note: str = ""  # how a relative year was read, for the answer's warnings


def resolve_years(text: str, report_years: Iterable[int], this_year: int) -> Years:
    """Write 去年/今年/明年 as the year they mean, given the reports the knowledge base holds.

    The calendar reading wins when a report of that year exists; otherwise the newest report
    (明年 = the year after it, whose plans that report lays out).
    """
    match = _RELATIVE.search(text)
    held = sorted(set(report_years))
    if not match or not held or _EXPLICIT_YEAR.search(text):
        return Years(text)  # no reports known: nothing to resolve against
    offset = RELATIVE_YEAR[match.group(0)]
    ahead = 1 if offset > 0 else 0
    report_year = this_year + offset - ahead
    note = ""
    if report_year not in held:
        older = [y for y in held if y <= this_year]
        report_year = (older or held)[-1]
        note = f"“{match.group(0)}”按知识库中最新的{report_year}年报告理解"
    year = report_year + ahead
    return Years(text[: match.start()] + f"{year}年" + text[match.end() :], note)
