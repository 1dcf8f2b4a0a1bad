"""Update mode: start from last year's report, move its years forward and refresh its figures.

Every paragraph and heading of the old report is kept. A figure whose indicator has a new value
in the facts is replaced (with 较上年… when both years are known); a sentence that still holds
a figure without a new value is marked 【待更新】 instead of silently repeating a stale number.
A value written exactly as last year's (e.g. left unchanged after ``extract_facts``) is not new.
Parts 二 to 五 are kept only while the facts still hold last year's wording for them (as produced
by ``extract_facts``); once staff rewrite those entries, the part is drafted from the facts.
"""

from __future__ import annotations

import re

from assistant.drafting.catalogue import Catalogue
from assistant.drafting.compare import Comparison, change_suffix, compare
from assistant.drafting.draft import Draft, DraftSection
from assistant.drafting.extract import extract_facts
from assistant.drafting.facts import Facts
from assistant.drafting.numbers import find_figures
from assistant.drafting.offline import OfflineWriter, sentence
from assistant.drafting.report import ITEM_RE, ParsedReport, ReportSection, cn_numeral, parse_report
from assistant.drafting.structure import ReportStructure

STALE = "【待更新】"
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_PUNCT = re.compile(r"[\s，。；：、“”‘’《》（）()！？,.;:]")


class ReportUpdater:
    """Turns last year's report plus this year's facts into a draft."""

    def __init__(self, catalogue: Catalogue, writer: OfflineWriter):
        self.catalogue = catalogue
        self.writer = writer
        self.structure: ReportStructure = writer.structure

    def update(self, report_text: str, facts: Facts) -> Draft:
        """Draft for ``facts.year`` that keeps the old report's paragraphs."""
        report = parse_report(report_text, self.structure)
        old_year = report.year or facts.year - 1
        delta = facts.year - old_year
        previous = extract_facts(report_text, facts.organization, self.catalogue)
        self._changes = {c.indicator: c for c in compare(previous, facts, self.catalogue)}
        self._old_year, self._used, self._unplaced, self._stale = old_year, set(), set(), 0
        warnings = list(facts.warnings)
        opening = [self._paragraph(re.sub(rf"^{old_year}年", f"{facts.year}年", p), facts)
                   for p in report.opening]
        sections = [DraftSection("opening", "", "\n".join(opening))] if opening else []
        for key in ("measures", "shortcomings", "responsible", "plans", "other"):
            old = report.section(key)
            section = self._section(key, old, report, facts, delta, warnings)
            if section is not None:
                sections.append(section)
        if self._stale:
            warnings.append(f"有 {self._stale} 处句子沿用上年数据，已标注“{STALE}”，请补充{facts.year}年数据")
        title = self.structure.shift_years(report.title, delta) if report.title else self.writer.title(facts)
        return Draft(title, sections, warnings, facts)

    def _section(self, key: str, old: ReportSection | None, report: ParsedReport, facts: Facts,
                 delta: int, warnings: list[str]) -> DraftSection | None:
        if key == "measures" and old is not None:
            paragraphs = [self._paragraph(p, facts) for p in old.paragraphs]
            paragraphs += self._additions(old, facts)
            return DraftSection(key, self.structure.shift_years(old.heading, delta), "\n".join(paragraphs))
        if key == "other" and not facts.other and old is None:
            return None
        if old is not None and _still_old(self.structure.section(key).facts_field, old, facts):
            if key == "plans":
                warnings.append(f"“{old.heading[:2]}”沿用了上年报告的工作安排，请按{facts.year + 1}年计划修改")
            text = "\n".join(self._paragraph(p, facts) for p in old.paragraphs)
            return DraftSection(key, self.structure.shift_years(old.heading, delta), text)
        if key == "other" and not facts.other:
            return None
        return self.writer.section(key, facts, list(self._changes.values()))

    def _additions(self, old: ReportSection, facts: Facts) -> list[str]:
        """New measures and indicators the old text had no place for, as closing sub-blocks."""
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
        phrases = []
        for key, value in facts.indicators.items():
            ind = self.catalogue.get(key)
            if key not in self._used or key in self._unplaced:
                phrases.append(ind.sentence(value) if ind else f"{key}{value}")
        if phrases:
            number += 1
            out += [f"（{cn_numeral(number)}）其他工作情况", f"全年，{'，'.join(phrases)}。"]
        return out

    def _paragraph(self, paragraph: str, facts: Facts) -> str:
        return "".join(self._sentence(s, facts) for s in _SENTENCE_END.split(paragraph) if s)

    def _claims(self, text: str, facts: Facts) -> tuple[list[tuple[int, int, str, str]], bool]:
        """Spans of figures with a new value: (start, end, key, new value); conflict flag.

        One figure can stand for two indicators (解决率、满意率均为85%); when they now differ,
        or only one of them changed, the figure is left alone and the sentence marked.
        """
        hits: dict[tuple[int, int], dict[str, str | None]] = {}
        for key, value in facts.indicators.items():
            ind = self.catalogue.get(key)
            for start, end, q in ind.find_all(text) if ind else []:
                self._used.add(key)
                # A value written exactly as last year's is not new: the figure stays stale.
                hits.setdefault((start, end), {})[key] = None if q.text == value else value
        claims, conflict = [], False
        for (start, end), by_key in sorted(hits.items()):
            values = set(by_key.values())
            if len(values) > 1:
                conflict = True
                self._unplaced |= {k for k, v in by_key.items() if v is not None}
            elif None not in values:
                key = next(iter(by_key))
                claims.append((start, end, key, by_key[key]))
        return claims, conflict

    def _sentence(self, text: str, facts: Facts) -> str:
        claims, stale = self._claims(text, facts)
        covered = [(s, e) for s, e, _, _ in claims]
        for s, e, _ in find_figures(text):
            if not any(cs <= s and e <= ce for cs, ce in covered):
                stale = True
        if re.search(rf"(?<![\d—－-]){self._old_year}年(?![—－-])", text):
            stale = True  # a dated event of last year
        for start, end, key, value in reversed(claims):
            change: Comparison | None = self._changes.get(key)
            suffix = change_suffix(text, end, change.phrase) if change and change.phrase else ""
            text = text[:start] + value + suffix + text[end:]
        if not stale:
            return text
        self._stale += 1
        item = ITEM_RE.match(text)
        if item:
            cut = item.start(2)
            return text[:cut] + STALE + text[cut:]
        return STALE + text


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
