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
from assistant.core.drafting.plan_targets import Targets, missing_tasks
from assistant.core.report import markers

DONE, NOT_SEEN = "已落实", "未见落实"
PARTIAL = "部分落实"  # shown for a DONE plan whose target or one of whose tasks is not seen
EVIDENCE_CHARS = 60  # the measure quoted as evidence, shortened beyond this
_NUMBERING = markers.LEADING


@dataclass
class PlanCheck:
    """One of last year's plan items and what this year's facts say about it."""

    plan: str
    status: str  # DONE or NOT_SEEN
    evidence: str = ""  # the measure that delivers it (area：text)
    score: float = 0.0
    partly: str = ""  # what of a DONE plan is not seen (上年目标800家，本年523家), making it 部分落实

    def line(self) -> str:
        """One line for the 起草提示 and the UI."""
        if self.status == DONE and self.partly:
            return f"{PARTIAL}：{self.plan}（本年举措：{self.evidence.rstrip('。')}；{self.partly}）"
        if self.status == DONE:
            return f"{DONE}：{self.plan}（本年举措：{self.evidence}）"
        return f"{NOT_SEEN}：{self.plan}（本年举措中未见对应内容，请说明原因或列入下一年度安排）"


class FollowUp:
    """Compares last year's plans with this year's measures (rules from ``prompts/rules``)."""

    def __init__(self, prompts_dir: Path | None = None) -> None:
        self.words = Vocabulary(prompts_dir)
        self.targets = Targets(prompts_dir)
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
            best, score = self._best(self.words.normalise(lead), units, weights)
            if score < self.threshold:
                out.append(PlanCheck(lead, NOT_SEEN, "", round(score, 3)))
                continue
            partly = self.targets.shortfall(lead, best) or self._missing(lead, units, weights)
            out.append(PlanCheck(lead, DONE, _shorten(best), round(score, 3), partly))
        return out

    def _best(self, wanted: str, units, weights) -> tuple[str, float]:
        """The measure that says most of ``wanted`` (normalised), and how much."""
        best, score = "", 0.0
        for unit, said in units:
            share = self.words.share(wanted, said, weights)
            if share > score:
                best, score = unit, share
        return best, score

    def _missing(self, lead: str, units, weights) -> str:
        """The tasks (clauses) of a carried-out plan that no measure says.

        The first clause heads the plan (加强人防工程维护管理，年底前完成…排查): when a later task is
        carried out, so is the heading.
        """
        tasks = [t for t in re.split(r"[，；]", lead) if t.strip()]
        if len(tasks) < 2:
            return ""
        done = [not self.words.judged(t) or self._best(self.words.normalise(t), units, weights)[1]
                >= self.threshold for t in tasks]
        done[0] = done[0] or any(done[1:])
        return missing_tasks(tasks, done)


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
    partly = sum(c.status == DONE and bool(c.partly) for c in checks)
    among = f"（其中{PARTIAL} {partly} 项）" if partly else ""
    return f"落实对照：上年安排 {len(checks)} 项，已落实 {done} 项{among}，未见落实 {len(checks) - done} 项。"


def _shorten(text: str, limit: int = EVIDENCE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip("，、；：") + "……"
