"""The drafting form ↔ :class:`~assistant.core.drafting.facts.Facts`, both ways (no gradio here).

Form layout:

- 指标 table: ``指标 | 数值 | 上年数值（参考）``; rows without a 数值 are ignored, so last year's
  indicator names can be pre-filled for staff to complete;
- 举措 table: ``领域 | 内容``; rows with the same 领域 form one measure, a 内容 starting with
  ``- `` is one numbered item (1. 2. …), any other 内容 is the area's overall text;
- one textarea per list section, one item per line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.drafting import (
    REASON_SEP,
    Catalogue,
    Facts,
    FactsError,
    ReportStructure,
    facts_from_dict,
    load_catalogue,
    split_shortcoming,
)
from assistant.front.ui.formatting import lines, table_cells, table_rows

INDICATOR_HEADERS = ["指标", "数值", "上年数值（参考）"]
MEASURE_HEADERS = ["领域", "内容"]
ITEM_MARK = "- "


@dataclass
class FactsForm:
    """Values of the drafting form's fields."""

    organization: str = ""
    year: int | None = None
    indicators: list[list[str]] = field(default_factory=list)
    measures: list[list[str]] = field(default_factory=list)
    shortcomings: str = ""
    first_responsible_person: str = ""
    next_year_plans: str = ""
    other: str = ""
    reasons: str = ""
    duties: list[list[str]] = field(default_factory=list)


# 三、第一责任人履职表单的栏目（次数栏只填数字），与 facts.responsible_duties 的键对应
DUTY_ROWS = (("study_sessions", "会前学法（次数）"), ("briefings", "专题听取法治建设汇报（次数）"),
             ("court", "出庭应诉"), ("report_on_law", "述法"), ("instructions", "批示"))


def duty_rows(facts: Facts | None) -> list[list[str]]:
    """Rows 栏目 | 内容 of the 三 form, filled from the facts."""
    values = facts.responsible_duties if facts else {}
    return [[label, values.get(key, "")] for key, label in DUTY_ROWS]


def _duties(value: Any) -> dict[str, str]:
    labels = {label: key for key, label in DUTY_ROWS}
    out = {}
    for row in table_rows(value):
        label, content = (row + ["", ""])[:2]
        if label in labels and content.strip():
            out[labels[label]] = content.strip()
    return out


def _shortcomings(form: FactsForm) -> list[str]:
    """Each 不足 line joined with the 原因 on the same line of the 原因 box (“不足｜原因”)."""
    reasons = (form.reasons or "").split("\n")
    out = []
    for i, text in enumerate(lines(form.shortcomings)):
        reason = reasons[i].strip().lstrip("-").strip() if i < len(reasons) else ""
        out.append(f"{text}{REASON_SEP}{reason}" if reason and REASON_SEP not in text else text)
    return out


def _label(key: str, catalogue: Catalogue) -> str:
    ind = catalogue.get(key)
    return ind.label if ind else key


def indicator_rows(current: Facts | None, previous: Facts | None = None,
                   catalogue: Catalogue | None = None) -> list[list[str]]:
    """Rows 指标 | 数值 | 上年数值: this year's values, plus last year's indicators for reference."""
    catalogue = catalogue or load_catalogue()
    cur = dict(current.indicators) if current else {}
    prev = dict(previous.indicators) if previous else {}
    keys = list(cur) + [k for k in prev if k not in cur]
    return [[_label(k, catalogue), cur.get(k, ""), prev.get(k, "")] for k in keys]


def measure_rows(facts: Facts | None) -> list[list[str]]:
    """Rows 领域 | 内容: the area's text first, then one row per item marked ``- ``."""
    rows: list[list[str]] = []
    for m in facts.measures if facts else []:
        if m.text:
            rows.append([m.area, m.text])
        rows.extend([m.area, f"{ITEM_MARK}{item}"] for item in m.items)
        if not m.text and not m.items:
            rows.append([m.area, ""])
    return rows


def facts_to_form(facts: Facts | None, previous: Facts | None = None,
                  catalogue: Catalogue | None = None) -> FactsForm:
    """Form values showing ``facts`` (None = an empty form with last year's indicator names)."""
    if facts is None:
        return FactsForm(indicators=indicator_rows(None, previous, catalogue), duties=duty_rows(None))
    return FactsForm(
        organization=facts.organization,
        year=facts.year,
        indicators=indicator_rows(facts, previous, catalogue),
        measures=measure_rows(facts),
        shortcomings="\n".join(split_shortcoming(s)[0] for s in facts.shortcomings),
        reasons="\n".join(split_shortcoming(s)[1] for s in facts.shortcomings),
        duties=duty_rows(facts),
        first_responsible_person="\n".join(facts.first_responsible_person),
        next_year_plans="\n".join(facts.next_year_plans),
        other="\n".join(facts.other),
    )


def _indicators(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in table_rows(value):
        name, amount = (row + ["", ""])[:2]
        if not amount:
            continue  # a pre-filled name staff did not complete this year
        if not name:
            raise FactsError(f"指标表中数值“{amount}”缺少指标名称")
        out[name] = amount
    return out


def _measures(value: Any) -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for row in table_rows(value):
        area, content = (row + ["", ""])[:2]
        m = grouped.setdefault(area, {"area": area, "text": "", "items": []})
        if content.startswith(ITEM_MARK.strip()):
            item = content.lstrip("-").strip()
            if item:
                m["items"].append(item)
        elif content:
            m["text"] = f"{m['text']}\n{content}".strip()
    return list(grouped.values())


def form_to_dict(form: FactsForm) -> dict[str, Any]:
    """Raw facts from the form, in the shape :func:`facts_from_dict` validates."""
    year: Any = form.year
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    return {
        "organization": (form.organization or "").strip(),
        "year": year,
        "indicators": _indicators(form.indicators),
        "measures": _measures(form.measures),
        "shortcomings": _shortcomings(form),
        "responsible_duties": _duties(form.duties),
        "first_responsible_person": lines(form.first_responsible_person),
        "next_year_plans": lines(form.next_year_plans),
        "other": lines(form.other),
    }


def form_to_facts(form: FactsForm, catalogue: Catalogue | None = None,
                  structure: ReportStructure | None = None) -> Facts:
    """Validated facts from the form.

    Raises:
        FactsError: every problem, in Chinese.
    """
    return facts_from_dict(form_to_dict(form), catalogue, structure)


def editable_rows(value: Any, width: int) -> list[list[str]]:
    """All rows of a table value, empty ones included, each padded or cut to ``width`` cells."""
    return [(row + [""] * width)[:width] for row in table_cells(value)]


def add_row(value: Any, width: int) -> list[list[str]]:
    """The table with one empty row appended."""
    return editable_rows(value, width) + [[""] * width]


def remove_row(value: Any, width: int, index: int | None = None) -> list[list[str]]:
    """The table without row ``index`` (the last row when None or out of range); one empty row stays."""
    rows = editable_rows(value, width)
    if rows:
        rows.pop(index if index is not None and 0 <= index < len(rows) else -1)
    return rows or [[""] * width]
