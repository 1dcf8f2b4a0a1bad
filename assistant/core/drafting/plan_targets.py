"""What a plan item promised and a measure did not say: the 部分落实 of 落实对照.

Two ways a plan is carried out only in part, both told to staff with the words that show it:

- its target is not reached: the plan says 新建固定警报器8台, the measure 新建人防警报器5台
  (figures of the same unit, ``target_units`` in ``prompts/rules/followup_v2.yaml``);
- one of its tasks is in no measure: 落实控烟条例 is, 开展无烟党政机关创建 is not.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.numerals import chinese_to_number
from assistant.prompts import load_yaml

RULES = "rules/followup_v2.yaml"


class Targets:
    """Figures with units in plans and measures."""

    def __init__(self, prompts_dir: Path | None = None) -> None:
        units = sorted((str(u) for u in load_yaml(RULES, prompts_dir)["target_units"]), key=len, reverse=True)
        self._figure = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?万?)(" + "|".join(map(re.escape, units)) + ")")

    def figures(self, text: str) -> list[tuple[float, str, str]]:
        """(amount, unit, as written) of each figure: 6.2万平方米 → (62000, 平方米, 6.2万平方米)."""
        out = []
        for m in self._figure.finditer(text):
            amount, unit = chinese_to_number(m.group(1)), m.group(2)
            if amount is not None:
                out.append((amount, unit, m.group(0)))
        return out

    def shortfall(self, plan: str, measure: str) -> str:
        """"上年目标800家，本年523家" when every figure of the plan's unit in the measure is smaller."""
        said = self.figures(measure)
        for amount, unit, written in self.figures(plan):
            same = [(a, w) for a, u, w in said if u == unit]
            if same and max(a for a, _ in same) < amount:
                best = max(same)[1]
                return f"上年目标{written}，本年{best}"
        return ""


def missing_tasks(tasks: list[str], done: list[bool]) -> str:
    """"其中“开展无烟党政机关创建”未见" for the tasks of a plan no measure says."""
    missing = [task for task, ok in zip(tasks, done, strict=True) if not ok]
    return "其中" + "、".join(f"“{t}”" for t in missing) + "未见" if missing else ""
