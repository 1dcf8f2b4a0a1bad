"""Time-bound content carried into a new year's draft: events and plan periods that are over.

A draft updated from last year's report keeps sentences such as "以冬奥会……为重点" or "做好疫情防控
常态化工作". The rule table ``prompts/rules/timebound_v1.yaml`` says until which year each wording is
current; a sentence naming an event that is over, for the year the section speaks of, is marked
【待确认】 in the body and listed in the 起草提示, for staff to delete or rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.core.drafting.draft import Draft, DraftSection
from assistant.prompts import load_yaml

CONFIRM_MARK = "【待确认】"
_SENTENCE = re.compile(r"[^。；！？]*[。；！？]|[^。；！？]+$")


@dataclass(frozen=True)
class TimeBound:
    """One event or plan period and the last year it may be named as current."""

    name: str
    pattern: re.Pattern[str]
    until: int


def load_time_bounds(prompts_dir: Path | None = None) -> list[TimeBound]:
    """The rule table of time-bound wording."""
    rules = load_yaml("rules/timebound_v1.yaml", prompts_dir)
    return [TimeBound(e["name"], re.compile(e["pattern"]), int(e["until"])) for e in rules["events"]]


def mark_outdated(draft: Draft, year: int, bounds: list[TimeBound]) -> tuple[Draft, list[str]]:
    """Mark sentences naming events that are over; returns the new draft and the 起草提示 lines.

    ``year`` is the report year: 四 speaks of the year after it, every other part of ``year``.
    """
    notes: list[str] = []
    sections = []
    for section in draft.sections:
        when = year + 1 if section.key == "plans" else year
        text = "\n".join("".join(_mark(m.group(0), when, bounds, section, notes)
                                  for m in _SENTENCE.finditer(line))
                          for line in section.text.split("\n"))
        sections.append(DraftSection(section.key, section.heading, text))
    return replace(draft, sections=sections, warnings=list(draft.warnings)), notes


def _mark(sentence: str, when: int, bounds: list[TimeBound], section: DraftSection,
          notes: list[str]) -> str:
    over = [b for b in bounds if b.until < when and b.pattern.search(sentence)]
    if not over:
        return sentence
    short = sentence.replace(CONFIRM_MARK, "").strip()
    short = short if len(short) <= 30 else short[:30] + "……"
    names = "、".join(b.name for b in over)
    notes.append(f"待确认：{section.heading or '开头段'}“{short}”提到{names}，"
                 f"对{when}年已不适用，请删除或改写")
    if CONFIRM_MARK in sentence:
        return sentence
    end = len(sentence.rstrip("。；！？"))
    return sentence[:end] + CONFIRM_MARK + sentence[end:]
