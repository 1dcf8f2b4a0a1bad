"""What kind of answer a question wants: its shape and the report part it asks about.

The cue phrases are data (``prompts/answering/shapes_v2.yaml``). Years are read in
:mod:`.years` (re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.core.answering.years import Years, resolve_years

__all__ = ["SHAPES", "Cues", "Years", "resolve_years"]

SHAPES = ("fact", "list", "summary", "legal", "procedure")


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
    # What an ask wants (起算点, 上限, 期限 …): question pattern → answer-sentence pattern.
    kinds: tuple[tuple[re.Pattern, re.Pattern], ...] = ()
    kind_bonus: float = 0.0

    @classmethod
    def load(cls, name: str = "answering/shapes_v2.yaml") -> Cues:
        """Read the cue file through :mod:`assistant.prompts`."""
        from assistant.core.report.structure import load_structure
        from assistant.prompts import load_yaml

        data = load_yaml(name)
        kinds = load_yaml("answering/ask_kinds_v1.yaml")
        return cls(
            kinds=tuple(
                (re.compile(k["asked"]), re.compile(k["answer"])) for k in kinds["kinds"].values()
            ),
            kind_bonus=float(kinds["bonus"]),
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

    def answer_kinds(self, text: str) -> tuple[re.Pattern, ...]:
        """The answer patterns of what ``text`` asks (its 起算点, 上限, 期限 …)."""
        return tuple(answer for asked, answer in self.kinds if asked.search(text))

    def topic(self, terms: Iterable[str]) -> tuple[str, ...]:
        """Terms that name a topic (not the generic words of a report question)."""
        return tuple(t for t in terms if not self.generic.fullmatch(t))
