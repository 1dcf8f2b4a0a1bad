"""Template drafting without a model: every fact framed in formal wording, nothing invented.

Staff text is kept verbatim (only list numbering is normalised and a closing 。 ensured); the
templates under ``prompts/drafting/`` add framing sentences that contain no figures.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.core.drafting.compare import Comparison, weave_changes
from assistant.core.drafting.draft import Draft, DraftSection
from assistant.core.drafting.facts import Facts, Measure
from assistant.core.drafting.indicators import Catalogue, Indicator, load_catalogue
from assistant.core.drafting.report import ORDINAL_RE, cn_numeral
from assistant.core.report.structure import load_structure
from assistant.prompts import load_template

_LEADING_NUMBER = re.compile(r"^\s*(?:\d+\s*[.．、](?!\d)|（\d+）|\(\d+\))\s*")


def sentence(text: str) -> str:
    """Staff text as one formal sentence: no list number, ends with 。."""
    text = _LEADING_NUMBER.sub("", str(text).strip())
    text = ORDINAL_RE.sub("", text).strip()
    text = re.sub(r"[，,、；;：:\s]+$", "", text)
    return text if re.search(r"[。！？”]$", text) else text + "。"


def _paragraphs(text: str) -> list[str]:
    return [sentence(p) for p in str(text).split("\n") if p.strip()]


class OfflineWriter:
    """Renders each section of a report from facts with versioned Jinja templates."""

    def __init__(self, catalogue: Catalogue | None = None, version: str = "v1",
                 prompts_dir: Path | None = None):
        self.catalogue = catalogue or load_catalogue()
        self.version = version
        self.prompts_dir = prompts_dir
        self.structure = load_structure(version, prompts_dir)

    @staticmethod
    def _context(facts: Facts) -> dict:
        return {"organization": facts.organization, "year": facts.year, "next_year": facts.year + 1}

    def title(self, facts: Facts) -> str:
        """Report title, e.g. 示例区人民防空办公室2023年法治政府建设年度情况报告."""
        return self.structure.title(facts.organization, facts.year)

    def heading(self, key: str, facts: Facts) -> str:
        """Mandated heading of a section (empty for the opening paragraph)."""
        return self.structure.heading(key, facts.organization, facts.year)

    def section(self, key: str, facts: Facts, comparisons: list[Comparison] | None = None) -> DraftSection:
        """Render one section from the facts (``comparisons`` annotate figures in part 一)."""
        template = load_template(f"drafting/{key}_{self.version}.j2", self.prompts_dir)
        context = self._context(facts) | getattr(self, f"_{key}_context")(facts)
        text = template.render(**context)
        if key == "measures" and comparisons:
            text = annotate_changes(text, comparisons, self.catalogue)
        return DraftSection(key, self.heading(key, facts), _clean(text))

    def draft(self, facts: Facts, comparisons: list[Comparison] | None = None) -> Draft:
        """Whole report; part 五 only when ``facts.other`` is filled."""
        keys = [k for k in self.structure.keys if k != "other" or facts.other]
        sections = [self.section(k, facts, comparisons) for k in keys]
        return Draft(self.title(facts), sections, list(facts.warnings), facts)

    # -- per-section template variables -------------------------------------------------------

    def _opening_context(self, facts: Facts) -> dict:
        return {}

    def _measures_context(self, facts: Facts) -> dict:
        placed, leftover = place_indicators(facts, self.catalogue)
        measures = []
        for i, m in enumerate(facts.measures):
            measures.append({
                "number": cn_numeral(i + 1),
                "area": m.area.strip().rstrip("。"),
                "paragraphs": _paragraphs(m.text),
                "points": [sentence(x) for x in m.items],
                "figures": placed.get(i, []),
            })
        return {"measures": measures, "leftover": leftover,
                "leftover_number": cn_numeral(len(measures) + 1)}

    def _shortcomings_context(self, facts: Facts) -> dict:
        items = [{"ordinal": cn_numeral(i), "text": sentence(s)} for i, s in enumerate(facts.shortcomings, 1)]
        return {"shortcomings": items}

    def _responsible_context(self, facts: Facts) -> dict:
        return {"items": [sentence(s) for s in facts.first_responsible_person]}

    def _plans_context(self, facts: Facts) -> dict:
        return {"items": [sentence(s) for s in facts.next_year_plans]}

    def _other_context(self, facts: Facts) -> dict:
        return {"items": [sentence(s) for s in facts.other]}


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _covered(ind: Indicator | None, value: str, measures: list[Measure]) -> bool:
    """True when a measure already states this indicator, with this or another value.

    Another value is left in place on purpose: the figure check that runs on the final text
    replaces it by the indicator's value inside its sentence.
    """
    names = (ind.key, ind.label, *ind.aliases) if ind else ()
    for m in measures:
        texts = [m.text, *m.items]
        if ind is not None and any(ind.find_all(t) for t in texts):
            return True
        # Wording the patterns do not know still counts when the figure is there and the
        # indicator is named in the text or in the area heading.
        context = m.area + "".join(texts)
        if any(value in t for t in texts) and (ind is None or any(n in context for n in names)):
            return True
    return False


def _q(value: str):
    from assistant.core.drafting.numbers import parse_quantity

    return parse_quantity(value)


def _home(ind: Indicator | None, key: str, measures: list[Measure]) -> int | None:
    """Measure an indicator belongs to: its name or a topic in the area, else in the text.

    Falls back to the last measure, so an indicator is never left for a closing list.
    """
    names = (key, *(ind.aliases if ind else ()), *((ind.label,) if ind else ()))
    for i, m in enumerate(measures):
        if any(n in m.area for n in names):
            return i
    for i, m in enumerate(measures):
        if ind and any(t in m.area for t in ind.topics):
            return i
    if not measures:
        return None
    words = (*names, *(ind.topics if ind else ()))
    scores = [sum("".join([m.text, *m.items]).count(w) for w in words) for m in measures]
    best = max(range(len(measures)), key=lambda i: (scores[i], -i))
    return best if scores[best] else len(measures) - 1


def place_indicators(facts: Facts, catalogue: Catalogue) -> tuple[dict[int, list[str]], list[str]]:
    """Phrases for indicators the measure texts do not already state.

    Returns:
        (phrases per measure index, phrases for a closing 其他工作情况 block).
    """
    placed: dict[int, list[str]] = {}
    leftover: list[str] = []
    for key, value in facts.indicators.items():
        ind = catalogue.get(key)
        if _covered(ind, value, facts.measures):
            continue
        phrase = ind.sentence(value) if ind else f"{key}{value}"
        home = _home(ind, key, facts.measures)
        if home is None:
            leftover.append(phrase)
        else:
            placed.setdefault(home, []).append(phrase)
    return placed, leftover


def annotate_changes(text: str, comparisons: list[Comparison], catalogue: Catalogue) -> str:
    """Mention the few notable year-on-year changes in natural words (同比增长24%)."""
    return weave_changes(text, comparisons, catalogue)
