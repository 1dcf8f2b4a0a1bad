"""落实对照: was each item of last year's 下一年度主要安排 carried out by this year's measures?

Each plan item is compared with every measure of this year (its area with its text, and each
item): the share of the plan's character pairs that the measure contains, after dropping the
pairs of words every plan and measure use (推进, 加强, 依法 … in ``prompts/rules/followup_v1.yaml``).
The best measure above the threshold delivers the plan (已落实, with that measure as evidence);
otherwise the plan is 未见落实, for staff to explain or carry into next year. It never claims
more than the facts say: "已落实" always names the measure that shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.core.drafting.facts import Facts
from assistant.prompts import load_yaml

DONE, NOT_SEEN = "已落实", "未见落实"
EVIDENCE_CHARS = 60  # the measure quoted as evidence, shortened beyond this
MIN_PAIRS = 4  # a clause shorter than this says too little to be matched on its own
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]+")
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
        rules = load_yaml("rules/followup_v1.yaml", prompts_dir)
        self.generic = {pair for word in rules["generic_words"] for pair in _pairs(word)}
        self.threshold = float(rules["threshold"])

    def check(self, plans: list[str], facts: Facts, last_year: Facts | None = None) -> list[PlanCheck]:
        """One :class:`PlanCheck` per plan item, in order.

        A measure copied unchanged from ``last_year`` (a report updated without rewriting its
        measures) is last year's work and never counts as carrying out last year's plan.
        """
        carried = set(measure_units(last_year)) if last_year is not None else set()
        units = [(unit, _pairs(unit)) for unit in measure_units(facts) if unit not in carried]
        out = []
        for plan in plans:
            lead = plan_lead(plan)
            best, score = "", 0.0
            for unit, pairs in units:
                share = self._share(lead, pairs)
                if share > score:
                    best, score = unit, share
            done = score >= self.threshold
            evidence = _shorten(best) if done else ""
            out.append(PlanCheck(lead, DONE if done else NOT_SEEN, evidence, round(score, 3)))
        return out

    def _share(self, lead: str, pairs: set[str]) -> float:
        """How much of the plan one measure says: over the whole lead, or over one of its clauses
        (a plan of several tasks is carried out when one task clearly was)."""
        parts = [lead, *(c for c in re.split(r"[，；]", lead) if c != lead)]
        best = 0.0
        for part in parts:
            wanted = _pairs(part) - self.generic
            if len(wanted) >= MIN_PAIRS:
                best = max(best, len(wanted & pairs) / len(wanted))
        return best


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


def _pairs(text: str) -> set[str]:
    """Character pairs inside runs of Chinese characters, digits and letters."""
    return {run[i:i + 2] for run in _NOT_CJK.split(text) for i in range(len(run) - 1)}
