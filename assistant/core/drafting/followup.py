"""落实对照: was each item of last year's 下一年度主要安排 carried out by this year's measures?

Each plan item is compared with every measure of this year (its area with its text, and each
item): the share of what the plan is about (its object, read with synonyms, without its verbs and
work words) that the measure says (:mod:`assistant.core.drafting.plan_match`, word lists in
``prompts/rules/followup_v2.yaml``). The best measure above the threshold delivers the plan (已落实, with that measure as evidence);
otherwise the plan is 未见落实, for staff to explain or carry into next year. It never claims
more than the facts say: "已落实" always names the measure that shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.core.drafting.facts import Facts
from assistant.core.drafting.plan_match import Vocabulary, pairs

DONE, NOT_SEEN = "已落实", "未见落实"
EVIDENCE_CHARS = 60  # the measure quoted as evidence, shortened beyond this
_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])\s*")


@dataclass
class PlanCheck:
    """One of last year's plan items and what this year's facts say about it."""

    plan: str
    status: str  # DONE or NOT_SEEN
    evidence: str = ""  # the measure that delivers it (area：text)
    score: float = 0.0

    def line(self) -> str:
        """One line for the 起草提示 and the UI."""
        if self.status == DONE:
            return f"{DONE}：{self.plan}（本年举措：{self.evidence}）"
        return f"{NOT_SEEN}：{self.plan}（本年举措中未见对应内容，请说明原因或列入下一年度安排）"


class FollowUp:
    """Compares last year's plans with this year's measures (rules from ``prompts/rules``)."""

    def __init__(self, prompts_dir: Path | None = None) -> None:
        self.words = Vocabulary(prompts_dir)
        self.threshold = self.words.threshold

    def check(self, plans: list[str], facts: Facts, last_year: Facts | None = None) -> list[PlanCheck]:
        """One :class:`PlanCheck` per plan item, in order.

        A measure copied unchanged from ``last_year`` (a report updated without rewriting its
        measures) is last year's work and never counts as carrying out last year's plan.
        """
        carried = set(measure_units(last_year)) if last_year is not None else set()
        units = [(unit, pairs(self.words.normalise(unit)))
                 for unit in measure_units(facts) if unit not in carried]
        leads = [plan_lead(plan) for plan in plans]
        weights = self.words.plan_weights(self.words.normalise(lead) for lead in leads)
        out = []
        for lead in leads:
            wanted = self.words.normalise(lead)
            best, score = "", 0.0
            for unit, said in units:
                share = self.words.share(wanted, said, weights)
                if share > score:
                    best, score = unit, share
            done = score >= self.threshold
            evidence = _shorten(best) if done else ""
            out.append(PlanCheck(lead, DONE if done else NOT_SEEN, evidence, round(score, 3)))
        return out


def plan_lead(plan: str) -> str:
    """A plan item's own words: its first sentence without the numbering."""
    text = _NUMBERING.sub("", plan.strip())
    return re.split(r"(?<=。)", text, maxsplit=1)[0].rstrip("。") or text


def measure_units(facts: Facts) -> list[str]:
    """What this year's facts say was done: each measure's text and each item, with its area."""
    units = []
    for m in facts.measures:
        if m.text.strip():
            units.append(f"{m.area}：{m.text.strip()}")
        units += [f"{m.area}：{item}" for item in m.items if item.strip()]
    return units


def summary(checks: list[PlanCheck]) -> str:
    """The 起草提示 line over all plan items."""
    done = sum(c.status == DONE for c in checks)
    return f"落实对照：上年安排 {len(checks)} 项，已落实 {done} 项，未见落实 {len(checks) - done} 项。"


def _shorten(text: str, limit: int = EVIDENCE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip("，、；：") + "……"
