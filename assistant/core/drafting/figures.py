"""One value per figure: the check that runs on the final text of every drafting mode.

Every figure in the text is tied to an indicator of the catalogue by the label near it
(``办公会25次`` → 办公会). Then:

- a figure whose indicator has another value in the facts is replaced by that value, inside the
  sentence where it stands (the edited-facts workflow: indicators updated, measure texts kept);
- one figure standing for two indicators (``解决率、满意率均为85%``) that now differ is split
  into one figure each;
- two values for an indicator the facts do not give are flagged (conflict);
- with last year's facts, a figure in a sentence carried from last year that this year's
  indicators do not confirm, or a sentence dated last year, is flagged 待更新.

Changes and flags are returned as Chinese notes for the 起草提示; nothing is marked in the body.
Missing and invented figures are the business of :mod:`assistant.core.drafting.checks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.core.drafting.draft import Draft
from assistant.core.drafting.facts import Facts
from assistant.core.drafting.indicators import Catalogue, Indicator
from assistant.core.drafting.numbers import Quantity, find_figures, parse_quantity, quantity_regex
from assistant.core.report import markers
from assistant.core.report.structure import ReportStructure

STALE = "待更新"
STALE_MARK = f"【{STALE}】"  # after a carried figure in the body, highlighted in the Word file
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_PLAIN = re.compile(r"[\s，。；：、“”‘’《》（）()！？,.;:【】]")
_LEADING_NUMBER = markers.ITEM_LEAD


@dataclass(frozen=True)
class Mention:
    """A figure tied to an indicator: ``label_start`` is where the label begins."""

    key: str
    label_start: int
    start: int
    end: int
    quantity: Quantity


@dataclass
class FigureReport:
    """What the check did and what it leaves for the writer."""

    changes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """All messages for the 起草提示, flags first."""
        return self.stale + self.conflicts + self.changes


def _plain(text: str) -> str:
    return _PLAIN.sub("", text)


def _masked(text: str) -> str:
    """Plain text with every number masked, to recognise a sentence whatever its figures (and
    whether or not it already carries 【待更新】 marks)."""
    return re.sub(r"\d+(?:\.\d+)?", "#", _plain(text.replace(STALE_MARK, "")))


def _short(text: str, limit: int = 30) -> str:
    text = _LEADING_NUMBER.sub("", text.strip())
    return text if len(text) <= limit else text[:limit] + "……"


def _nearest_labels(text: str, group: list[Mention]) -> list[Mention]:
    """Indicators one figure stands for: the label nearest to it, plus labels enumerated before it.

    ``办理行政应诉案件57件`` is 行政应诉, not also 案件 (whose pattern allows words in between);
    ``解决率、满意率均为85%`` is both 解决率 and 满意率.
    """
    group = sorted(group, key=lambda m: -m.label_start)
    kept = [group[0]]
    for m in group[1:]:
        if text[m.label_start:kept[-1].label_start].endswith(("、", "和", "及")):
            kept.append(m)
    return kept


class FigureCheck:
    """Ties figures to indicators and fixes or flags them (see module docstring)."""

    def __init__(self, catalogue: Catalogue, structure: ReportStructure):
        self.catalogue = catalogue
        self.structure = structure
        self._patterns = {ind.key: self._compile(ind) for ind in catalogue}

    @staticmethod
    def _compile(ind: Indicator) -> tuple[re.Pattern, ...]:
        prefix = ind.phrase.split("{value}")[0]
        own = ()
        if prefix and "{value}" in ind.phrase:
            q = f"(?P<q>{quantity_regex(ind.units)})"
            own = (re.compile(re.escape(prefix) + r"\s*" + q),)
        return tuple(ind.patterns) + own

    # -- finding ----------------------------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        """Every figure of the text tied to an indicator, in text order."""
        found: dict[tuple[str, int], Mention] = {}
        for key, patterns in self._patterns.items():
            for pattern in patterns:
                for m in pattern.finditer(text):
                    q = parse_quantity(m.group("q"))
                    if q is not None:
                        found.setdefault((key, m.start("q")),
                                         Mention(key, m.start(), m.start("q"), m.end("q"), q))
        by_span: dict[tuple[int, int], list[Mention]] = {}
        for mention in found.values():
            by_span.setdefault((mention.start, mention.end), []).append(mention)
        out = []
        for group in by_span.values():
            out += _nearest_labels(text, group)
        return sorted(out, key=lambda x: (x.start, x.label_start))

    def conflicts(self, text: str, facts: Facts) -> list[str]:
        """Indicators stated with two values, or with another value than the facts give."""
        values = facts.quantities()
        by_key: dict[str, list[Quantity]] = {}
        for m in self.mentions(text):
            by_key.setdefault(m.key, []).append(m.quantity)
        out = []
        for key, qs in by_key.items():
            distinct = {q.base for q in qs}
            if key in values:
                distinct.add(values[key].base)
            if len(distinct) > 1:
                out.append(f"{self._label(key)}：{'、'.join(dict.fromkeys(q.text for q in qs))}")
        return out

    def _label(self, key: str) -> str:
        ind = self.catalogue.get(key)
        return ind.label if ind else key

    # -- fixing -----------------------------------------------------------------------------
    def apply(self, draft: Draft, facts: Facts, previous: Facts | None = None) -> tuple[Draft, FigureReport]:
        """Fix every section's figures; returns the new draft and what was done."""
        report = FigureReport()
        sections = []
        for section in draft.sections:
            where = self.structure.labels.get(section.key, section.key)
            text = section.text
            if previous is not None:
                carried = self._flag_stale(text, facts, previous, where, report)
                text = mark_carried(text, carried)
            text = self.fix_text(text, facts, where, report)
            self._flag_conflicts(text, facts, where, report)
            sections.append(replace(section, text=text))
        return replace(draft, sections=sections, warnings=list(draft.warnings)), report

    def fix_text(self, text: str, facts: Facts, where: str, report: FigureReport) -> str:
        """Replace figures that contradict an indicator value of the facts."""
        values = facts.quantities()
        spans: dict[tuple[int, int], list[Mention]] = {}
        for m in self.mentions(text):
            spans.setdefault((m.start, m.end), []).append(m)
        edits: list[tuple[int, int, str]] = []
        for (start, end), group in spans.items():
            valued = [m for m in group if m.key in values]
            if not valued or all(values[m.key].same_as(m.quantity) for m in valued):
                continue
            new_values = {values[m.key].text for m in valued}
            if len(group) == 1 or (len(new_values) == 1 and len(valued) == len(group)):
                edits.append((start, end, next(iter(new_values))))
                old = text[group[0].label_start:end]
                report.changes.append(f"{where}：“{old}”已改为“{old[:start - group[0].label_start]}"
                                      f"{next(iter(new_values))}”，与填写的“{self._label(valued[0].key)}”一致")
                continue
            first = min(m.label_start for m in group)
            parts = [f"{self._label(m.key)}为{values[m.key].text if m.key in values else m.quantity.text}"
                     for m in sorted(group, key=lambda x: x.label_start)]
            new = "、".join(parts)
            edits.append((first, end, new))
            report.changes.append(f"{where}：“{text[first:end]}”已改为“{new}”，与填写的指标一致")
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def _flag_conflicts(self, text: str, facts: Facts, where: str, report: FigureReport) -> None:
        for line in self.conflicts(text, facts):
            report.conflicts.append(f"{where}：同一指标出现不同数值（{line}），请核实后保留一个")

    def _flag_stale(self, text: str, facts: Facts, previous: Facts, where: str,
                    report: FigureReport) -> list[int]:
        """Flag figures in sentences carried from last year that this year's facts do not confirm;
        returns where each such figure ends in ``text`` (for the 【待更新】 mark).

        Runs on the text before :meth:`fix_text`: a figure is confirmed when every indicator it
        stands for has a new value this year (it is then replaced or already right).
        """
        carried = _masked("".join(previous.all_texts()))
        # A value entered exactly as last year's (left unchanged after extraction) is not new.
        old = previous.indicators
        values = {k: q for k, q in facts.quantities().items() if old.get(k) != facts.indicators[k]}
        mentions = self.mentions(text)
        last_year = f"{previous.year}年"
        ends: list[int] = []
        for m in _SENTENCE.finditer(text):
            sentence = m.group(0)
            masked = _masked(_LEADING_NUMBER.sub("", sentence))
            if len(masked) < 6 or masked.rstrip("#") not in carried:
                continue
            tied: dict[tuple[int, int], set[str]] = {}
            for x in mentions:
                if m.start() <= x.start < m.end():
                    tied.setdefault((x.start, x.end), set()).add(x.key)
            confirmed = {span for span, keys in tied.items() if keys <= set(values)}
            unconfirmed = [(e, q) for s, e, q in find_figures(sentence)
                           if (m.start() + s, m.start() + e) not in confirmed]
            figures = [q.text for _, q in unconfirmed]
            ends += [m.start() + e for e, _ in unconfirmed]
            dated = re.search(rf"(?<![\d—－-]){last_year}(?![—－-])", sentence)
            if figures or dated:
                what = "、".join(f"“{f}”" for f in dict.fromkeys(figures + ([last_year] if dated else [])))
                report.stale.append(f"{STALE}：{where}“{_short(sentence)}”中的{what}沿用{previous.year}年报告，"
                                    f"请改为{facts.year}年的情况或删除")
        return ends


def mark_carried(text: str, ends: list[int]) -> str:
    """``text`` with 【待更新】 after each carried figure (never twice at one place)."""
    for end in sorted(set(ends), reverse=True):
        if not text.startswith(STALE_MARK, end):
            text = text[:end] + STALE_MARK + text[end:]
    return text
