"""Checks on a draft: mandated structure, every entered figure present, no invented figure,
citations that verify, no superseded regulation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.core.citations.history import LawHistory
from assistant.core.drafting.compare import CHANGE_RE
from assistant.core.drafting.draft import Draft
from assistant.core.drafting.facts import Facts
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.numbers import find_figures, number_values, parse_quantity
from assistant.core.report.structure import ReportStructure, load_structure

# ``verify(text, as_of=report_year) -> list[CitationCheck]`` (CitationResolver.verify).
Verify = Callable[..., list]

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Numbers that are not figures: list numbering, article numbers, years, dates like 5.12.
_IGNORED = (
    re.compile(r"(?m)^\s*\d+[.．、](?!\d)"),
    re.compile(r"[（(]\d+[）)]"),
    re.compile(r"第\d+[条款项章节]"),
    re.compile(r"(?:19|20)\d{2}(?=年|[—\-－–至]|）)"),
    CHANGE_RE,
    # Update mode keeps last year's sentences marked for revision; they are reported as such.
    re.compile(r"【待更新】[^。；\n]*[。；]?"),
)


@dataclass(frozen=True)
class CheckWarning:
    """One problem found in a draft."""

    code: str
    message: str


def _text(draft: Draft | str) -> str:
    return draft.text() if isinstance(draft, Draft) else str(draft)


def check_structure(text: str, structure: ReportStructure | None = None) -> list[CheckWarning]:
    """Required parts 一 to 四 present, each once and in order."""
    structure = structure or load_structure()
    out, last, last_label = [], -1, ""
    lines = text.split("\n")
    for spec in structure.required:
        index = next((i for i, ln in enumerate(lines)
                      if ln.strip().startswith(f"{spec.numeral}、") and structure.heading_key(ln) == spec.key), None)
        label = f"“{spec.numeral}、”部分"
        if index is None:
            out.append(CheckWarning("section_missing", f"缺少必备的{label}（{spec.label[2:]}）"))
            continue
        if index < last:
            out.append(CheckWarning("section_order", f"{label}应位于{last_label}之后"))
        last, last_label = index, label
    return out


def _superseded_spans(text: str, facts: Facts, catalogue: Catalogue) -> list[tuple[int, int]]:
    """Spans of figures in staff text that an indicator value of the facts overrides."""
    spans = []
    for key, q in facts.quantities().items():
        ind = catalogue.get(key)
        for start, end, found in ind.find_all(text) if ind else []:
            if not found.same_as(q):
                spans.append((start, end))
    return spans


def entered_figures(facts: Facts, catalogue: Catalogue) -> list[tuple[str, str]]:
    """(where, figure text) for every indicator value and every figure in the staff's text.

    When a text states another value than the indicator of the same name (facts extracted from
    last year and only the indicators updated), the indicator wins and the text's figure is not
    required; facts validation already warns about the mismatch.
    """
    figures = [(f"indicators.{k}", v) for k, v in facts.indicators.items()]
    for text in facts.all_texts()[1 + len(facts.indicators):]:
        skip = _superseded_spans(text, facts, catalogue)
        figures += [("", q.text) for s, e, q in find_figures(text)
                    if not any(a <= s and e <= b for a, b in skip)]
    return figures


def check_coverage(text: str, facts: Facts, catalogue: Catalogue | None = None) -> list[CheckWarning]:
    """Every entered figure appears, literally or as the same amount (1.2万元 = 12000元)."""
    draft_figures = [q for _, _, q in find_figures(text)]
    out, seen = [], set()
    for where, figure in entered_figures(facts, catalogue or load_catalogue()):
        if figure in seen or figure in text:
            continue
        seen.add(figure)
        q = parse_quantity(figure)
        if q is not None and any(q.same_as(d) for d in draft_figures):
            continue
        place = f"（{where}）" if where else ""
        out.append(CheckWarning("figure_missing", f"草稿中缺少填写的数据“{figure}”{place}"))
    return out


def invented_numbers(text: str, facts: Facts) -> list[str]:
    """Numbers in the draft that no fact contains (years, numbering, article numbers ignored)."""
    allowed = set()
    for t in facts.all_texts():
        allowed |= number_values(t)
    allowed |= {float(facts.year), float(facts.year + 1), float(facts.year - 1)}
    masked = text
    for pattern in _IGNORED:
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    out = []
    for _, _, q in find_figures(masked):
        if round(q.value, 4) not in allowed and q.base[0] not in allowed:
            out.append(q.text)
    figure_free = re.sub("|".join(re.escape(q.text) for _, _, q in find_figures(masked)) or "$^", " ", masked)
    out += [n for n in _NUMBER.findall(figure_free) if round(float(n), 4) not in allowed]
    return list(dict.fromkeys(out))


def check_conflicts(text: str, facts: Facts, catalogue: Catalogue | None = None,
                    structure: ReportStructure | None = None) -> list[CheckWarning]:
    """An indicator stated with two values, or with another value than the facts give."""
    from assistant.core.drafting.figures import FigureCheck

    check = FigureCheck(catalogue or load_catalogue(), structure or load_structure())
    return [CheckWarning("figure_conflict", f"同一指标出现不同数值（{c}），请核实后保留一个")
            for c in check.conflicts(text, facts)]


def check_superseded(text: str, year: int | None, history: LawHistory | None = None) -> list[CheckWarning]:
    """Regulations named in the draft that were already replaced in the report's year.

    ``history`` is the app's :class:`LawHistory` (law library and ingested regulations);
    without one, the curated list shipped in resources/ is used.
    """
    history = history if history is not None else LawHistory.from_resources()
    out = []
    for entry in history.mentions(text, as_of=year):
        advice = f"，请改为引用《{entry.by}》" if entry.by else "，请删除或改为引用现行规定"
        out.append(CheckWarning("superseded", entry.note().rstrip("。") + advice))
    return out


def check_citations(text: str, verify: Verify, year: int | None = None) -> list[CheckWarning]:
    """Run the injected citation verifier (judging repeals at the report's year); report problems."""
    out = []
    for result in verify(text, as_of=year) or []:
        status = getattr(result, "status", "ok")
        if status != "ok":
            out.append(CheckWarning(f"citation_{status}", str(getattr(result, "message", status))))
    return out


def check_draft(draft: Draft | str, facts: Facts, verify: Verify | None = None,
                catalogue: Catalogue | None = None, structure: ReportStructure | None = None,
                history: LawHistory | None = None) -> list[CheckWarning]:
    """All checks on a draft (a :class:`Draft` or its plain text); repeals judged at ``facts.year``.

    ``catalogue`` and ``structure`` are the ones built once by the drafting service; they are
    loaded from their files only when a caller (a test, an eval) gives none. ``history`` is the
    app's repeal history (None = the curated list in resources/).
    """
    text = _text(draft)
    warnings = check_structure(text, structure) + check_coverage(text, facts, catalogue)
    for n in invented_numbers(text, facts):
        warnings.append(CheckWarning("figure_invented", f"草稿中的数字“{n}”在填写的材料中找不到，请核实或删除"))
    warnings += check_conflicts(text, facts, catalogue, structure)
    if verify is not None:  # first: the verifier also loads the repeals the library records
        warnings += check_citations(text, verify, facts.year)
    return warnings + check_superseded(text, facts.year, history)


def summarize(warnings: list[CheckWarning]) -> dict[str, Any]:
    """Counts by code (for evals and the UI)."""
    counts: dict[str, int] = {}
    for w in warnings:
        counts[w.code] = counts.get(w.code, 0) + 1
    return counts
