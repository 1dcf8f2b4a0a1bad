"""How much of one plan item a measure says: the text comparison behind 落实对照.

A plan is read as its object, not its verbs: synonyms are first read as one word (医美 as 医疗美容,
免罚 as 不予处罚), then the plan is cut at the words every plan uses (推进, 加强 …) and at the words that
only say what kind of work it is (检查, 整治, 安全 …). What is left (燃气, 志愿者, 裁量基准) is what
the measure must say. Words several of last year's plans share (人防, 生态环境: the unit's own field)
weigh less than the words of one plan. Figures are left to :mod:`assistant.core.drafting.targets`.
The word lists are data: ``prompts/rules/followup_v2.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from assistant.prompts import load_yaml

RULES = "rules/followup_v2.yaml"
MIN_PAIRS = 3  # a clause with less left than this says too little to be matched on its own
_NOT_WORD = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z%]+")
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
_CLAUSE = re.compile(r"[，；、]")


class Vocabulary:
    """The synonym groups and the cut words of one rule table."""

    def __init__(self, prompts_dir: Path | None = None) -> None:
        rules = load_yaml(RULES, prompts_dir)
        self.threshold = float(rules["threshold"])
        self.canonical = {str(w): str(group[0]) for group in rules["synonyms"] for w in group}
        self._synonym = _alternation(self.canonical)
        self._work = _alternation(rules["work_words"])
        self.aims = tuple(str(w) for w in rules.get("aim_words", []))
        self._cut = _alternation([*rules["generic_words"], *rules["work_words"]])

    def normalise(self, text: str) -> str:
        """``text`` with every synonym read as the first word of its group."""
        return self._synonym.sub(lambda m: self.canonical[m.group(0)], text) if self.canonical else text

    def content_pairs(self, text: str) -> set[str]:
        """Pairs of what a (normalised) plan is about: no verbs, work words or figures."""
        return {p for p in cjk_pairs(self._cut.sub("，", text))}

    def loose_pairs(self, text: str) -> set[str]:
        """Pairs of what a (normalised) plan is about together with its work words (检查, 执法)."""
        return self.content_pairs(text) | cjk_pairs("，".join(self._work.findall(text)))

    def judged(self, task: str) -> bool:
        """Whether a clause is a task that says enough of its own to be matched: not an aim
        (提高救助精准度) and with something left after its verbs and work words."""
        task = task.strip()
        return not task.startswith(self.aims) and len(self.content_pairs(self.normalise(task))) >= MIN_PAIRS

    def plan_weights(self, plans: Iterable[str]) -> dict[str, float]:
        """Weight of each pair: 1 / the number of (normalised) plans that use it."""
        used = Counter(p for plan in plans for p in self.loose_pairs(plan))
        return {p: 1.0 / n for p, n in used.items()}

    def share(self, plan: str, said: set[str], weights: dict[str, float] | None = None) -> float:
        """The largest weighted share of the plan, or of one of its clauses, that a measure says.

        A plan of several tasks counts as carried out when one task clearly was (部分落实 is
        told apart in :mod:`assistant.core.drafting.followup`). A clause that is all verbs and
        work words (做好行政检查) is matched on those, but only when its object is said. A measure
        that says none of the words only this plan uses (使用管理办法, only 人防工程) does not count.
        """
        weights = weights or {}
        best = 0.0
        for part in clauses(plan):
            wanted = self.content_pairs(part)
            if len(wanted) < MIN_PAIRS:
                if not wanted or not wanted <= said:
                    continue
                wanted = self.loose_pairs(part)
                if len(wanted) < MIN_PAIRS:
                    continue
            own = {p for p in wanted if weights.get(p, 1.0) >= 1.0}
            if own and not own & said:
                continue  # only the words the unit's plans share (人防工程) are said
            total = sum(weights.get(p, 1.0) for p in wanted)
            best = max(best, sum(weights.get(p, 1.0) for p in wanted & said) / total)
        return best


def clauses(plan: str) -> list[str]:
    """The plan itself and each of its clauses (cut at ， ； 、)."""
    parts = [c for c in _CLAUSE.split(plan) if c.strip()]
    return [plan, *(c for c in parts if c != plan)]


def pairs(text: str) -> set[str]:
    """Character pairs inside runs of Chinese characters, digits and letters."""
    return {run[i:i + 2] for run in _NOT_WORD.split(text) for i in range(len(run) - 1)}


def cjk_pairs(text: str) -> set[str]:
    """Character pairs inside runs of Chinese characters only (figures are compared apart)."""
    return {run[i:i + 2] for run in _NOT_CJK.split(text) for i in range(len(run) - 1)}


def _alternation(words) -> re.Pattern[str]:
    ordered = sorted({str(w) for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile(r"(?!)")
