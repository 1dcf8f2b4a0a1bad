"""Update mode: start from last year's report, move its years forward, weave in this year's facts.

Every paragraph and heading of the old report is kept; its years move forward. The figures are
then settled by the figure check that runs on the final text of every mode
(:mod:`assistant.core.drafting.figures`): a figure whose indicator has a new value is replaced in its
sentence, and a carried figure without a new value is listed as 待更新 in the 起草提示 (last
year's facts, extracted from the report, travel with the draft for that). Indicators the old text
never mentions go into the paragraph of their area as a sentence; new measures become new
sub-blocks. Parts 二 to 五 are kept only while the facts still hold last year's wording for them
(as produced by ``extract_facts``); once staff rewrite those entries, the part is drafted anew.
"""

from __future__ import annotations

import re

from assistant.core.drafting.draft import Draft, DraftSection
from assistant.core.drafting.extract import extract_facts
from assistant.core.drafting.facts import Facts
from assistant.core.drafting.figures import FigureCheck
from assistant.core.drafting.indicators import Catalogue
from assistant.core.drafting.offline import OfflineWriter, sentence
from assistant.core.drafting.report import ITEM_RE, ReportSection, cn_numeral, parse_report
from assistant.core.report.structure import ReportStructure

_PUNCT = re.compile(r"[\s，。；：、“”‘’《》（）()！？,.;:]")


class ReportUpdater:
    """Turns last year's report plus this year's facts into a draft."""

    def __init__(self, catalogue: Catalogue, writer: OfflineWriter):
        self.catalogue = catalogue
        self.writer = writer
        self.structure: ReportStructure = writer.structure
        self.figures = FigureCheck(catalogue, self.structure)

    def update(self, report_text: str, facts: Facts) -> Draft:
        """Draft for ``facts.year`` that keeps the old report's paragraphs."""
        report = parse_report(report_text, self.structure)
        old_year = report.year or facts.year - 1
        delta = facts.year - old_year
        previous = extract_facts(report_text, facts.organization, self.catalogue, self.structure)
        previous.year = old_year
        warnings = list(facts.warnings)
        opening = [re.sub(rf"^{old_year}年", f"{facts.year}年", p) for p in report.opening]
        sections = [DraftSection("opening", "", "\n".join(opening))] if opening else []
        for key in ("measures", "shortcomings", "responsible", "plans", "other"):
            section = self._section(key, report.section(key), facts, delta, warnings)
            if section is not None:
                sections.append(section)
        title = self.structure.shift_years(report.title, delta) if report.title else self.writer.title(facts)
        return Draft(title, sections, warnings, facts, previous=previous)

    def _section(self, key: str, old: ReportSection | None, facts: Facts, delta: int,
                 warnings: list[str]) -> DraftSection | None:
        if key == "measures" and old is not None:
            paragraphs = list(old.paragraphs)
            self._place_indicators(paragraphs, facts)
            paragraphs += self._new_measures(old, facts)
            return DraftSection(key, self.structure.shift_years(old.heading, delta), "\n".join(paragraphs))
        if key == "other" and not facts.other and old is None:
            return None
        if old is not None and _still_old(self.structure.section(key).facts_field, old, facts):
            if key == "plans":
                warnings.append(f"“{old.heading[:2]}”沿用了上年报告的工作安排，请按{facts.year + 1}年计划修改")
            return DraftSection(key, self.structure.shift_years(old.heading, delta), "\n".join(old.paragraphs))
        if key == "other" and not facts.other:
            return None
        return self.writer.section(key, facts)

    def _new_measures(self, old: ReportSection, facts: Facts) -> list[str]:
        """Measures the old text does not contain, as closing sub-blocks."""
        old_text = _plain("".join(old.paragraphs))
        number = sum(1 for b in old.blocks() if b.heading)
        out = []
        for m in facts.measures:
            parts = [m.text, *m.items]
            if all(_plain(p) in old_text for p in parts if p.strip()):
                continue
            number += 1
            out.append(f"（{cn_numeral(number)}）{m.area.strip().rstrip('。')}")
            out += [sentence(p) for p in m.text.split("\n") if p.strip()]
            out += [f"{i}.{sentence(x)}" for i, x in enumerate(m.items, 1)]
        return out

    def _place_indicators(self, paragraphs: list[str], facts: Facts) -> None:
        """Indicators the old text never mentions: a sentence in the paragraph of their area."""
        mentioned = {m.key for p in paragraphs for m in self.figures.mentions(p)}
        for key, value in facts.indicators.items():
            ind = self.catalogue.get(key)
            if key in mentioned or (ind is None and value in "".join(paragraphs)):
                continue
            words = (ind.label, *ind.aliases, *ind.topics) if ind else (key,)
            home = home_paragraph(paragraphs, words)
            phrase = ind.sentence(value) if ind else f"{key}{value}"
            paragraphs[home] = paragraphs[home].rstrip() + f"全年{phrase}。"


def home_paragraph(paragraphs: list[str], words: tuple[str, ...]) -> int:
    """Index of the body paragraph that shares most of ``words`` (the last item when none does)."""
    candidates = [i for i, p in enumerate(paragraphs) if len(p) > 30 and p.endswith("。")]
    if not candidates:
        return len(paragraphs) - 1
    scores = {i: sum(paragraphs[i].count(w) for w in words if w) for i in candidates}
    best = max(candidates, key=lambda i: (scores[i], ITEM_RE.match(paragraphs[i]) is not None, -i))
    return best if scores[best] else candidates[-1]


def _plain(text: str) -> str:
    return _PUNCT.sub("", text)


def _still_old(facts_field: str, old: ReportSection, facts: Facts) -> bool:
    """True when the facts for this part are last year's wording (nothing rewritten yet)."""
    items = getattr(facts, facts_field)
    old_text = _plain("".join(old.paragraphs))
    return bool(items) and all(_plain(x) in old_text for x in items)


def update_from_report(report_text: str, facts: Facts, catalogue: Catalogue,
                       writer: OfflineWriter) -> Draft:
    """Functional wrapper around :class:`ReportUpdater`."""
    return ReportUpdater(catalogue, writer).update(report_text, facts)
