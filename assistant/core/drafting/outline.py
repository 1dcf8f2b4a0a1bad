"""Where each of the user's areas goes in part 一, and its heading (``prompts/drafting/outline_v1.yaml``).

Each area the user entered becomes a （一）（二）… heading that contains the user's own name for it,
placed in the order of the 督察工作规定 structure (重大行政决策, 规范性文件, 执法, 复议应诉 …
each its own place). The rule is data the user can read and change (``each_area`` / ``by_place``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.core.drafting.phrases import Area, Picker, is_two_clause
from assistant.core.report import markers
from assistant.prompts import load_yaml

_NUMBERING = markers.LEADING
MIN_CLAUSE, MAX_CLAUSE = 3, 18


@dataclass(frozen=True)
class Outline:
    """The grouping rule, the order of places and the verbs a heading may open with."""

    rule: str
    max_headings: int
    order: tuple[str, ...]
    lead_verbs: tuple[str, ...]

    def rank(self, area_key: str) -> int:
        """Position of an area's place (unknown areas go last)."""
        return self.order.index(area_key) if area_key in self.order else len(self.order)

    def grouped(self, count: int) -> bool:
        """True when areas sharing a place are gathered under one heading."""
        return self.rule == "by_place" or count > self.max_headings

    def topic(self, label: str) -> str:
        """The user's area name without list numbering or a leading verb (做好接诉即办 → 接诉即办)."""
        label = _NUMBERING.sub("", label).strip().rstrip("。；;，,")
        verb = next((v for v in self.lead_verbs if label.startswith(v) and len(label) - len(v) >= 2), "")
        return label[len(verb):]

    def first_clause(self, label: str, area: Area) -> str:
        """The user's area name as a heading's first clause (a verb added when it has none)."""
        label = _NUMBERING.sub("", label).strip().rstrip("。；;，,")
        if not label or any(label.startswith(v) for v in self.lead_verbs):
            return label
        with_verb = f"{area.verb}{label}" if area.verb else label
        return with_verb if len(with_verb) <= MAX_CLAUSE else label

    def heading(self, label: str, area: Area, fallback: Area, picker: Picker) -> str:
        """Two-clause heading naming the user's area; "" when the name is too long for one."""
        clean = _NUMBERING.sub("", label).strip().rstrip("。")
        if is_two_clause(clean):
            return picker.take(clean)
        first = self.first_clause(label, area)
        if not MIN_CLAUSE <= len(first) <= MAX_CLAUSE:
            return ""
        seconds = [h.split("，", 1)[1] for h in (*area.headings, *fallback.headings) if "，" in h]
        seconds = [s for s in dict.fromkeys(seconds) if s not in first and MIN_CLAUSE <= len(s) <= MAX_CLAUSE]
        second = picker.pick(seconds)
        return f"{first}，{second}" if second else ""


def load_outline(version: str = "v1", prompts_dir: Path | None = None) -> Outline:
    """Read ``prompts/drafting/outline_<version>.yaml``."""
    data = load_yaml(f"drafting/outline_{version}.yaml", prompts_dir)
    return Outline(str(data.get("rule", "each_area")), int(data.get("max_headings", 9)),
                   tuple(str(k) for k in data["order"]), tuple(str(v) for v in data.get("lead_verbs") or ()))
