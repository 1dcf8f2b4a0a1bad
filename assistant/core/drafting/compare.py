"""Year-over-year comparison of indicator values, as phrases, a Markdown table and a bar chart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.core.drafting.facts import Facts
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.numbers import Quantity, format_number

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei")
# Phrases the drafter adds itself; the invented-figure check skips them.
CHANGE_RE = re.compile(r"(?:较上年|同比)(?:增长|减少|提高|降低|下降)\d+(?:\.\d+)?(?:%|个百分点)|与上年持平")
# A change a writer mentions in the prose: at least this many percent (rates: percentage points).
NOTABLE_PCT = 10.0
NOTABLE_POINTS = 3.0
NOTABLE_LIMIT = 3


@dataclass
class Comparison:
    """One indicator in two consecutive years."""

    indicator: str
    label: str
    previous: str
    current: str
    change_pct: float | None
    phrase: str
    unit: str = ""


def _phrase(prev: float, cur: float, unit: str) -> tuple[float | None, str]:
    if unit == "%":
        # Rates change in percentage points, not in percent of themselves.
        diff = round(cur - prev, 1)
        if diff == 0:
            return 0.0, "与上年持平"
        word = "提高" if diff > 0 else "下降"
        return diff, f"同比{word}{format_number(abs(diff))}个百分点"
    if prev == 0:
        return None, ""
    pct = round((cur - prev) / prev * 100)
    if pct == 0:
        return 0.0, "与上年持平"
    return float(pct), f"同比{'增长' if pct > 0 else '下降'}{abs(pct)}%"


SAME_TEXT = "与上年相同（请核实是否已更新）"
APPROXIMATE = "约数，不计算同比"


def _change(prev_q: Quantity, cur_q: Quantity, pv: float, cv: float, unit: str) -> tuple[float | None, str]:
    """Year-on-year only from exact bases: a value copied unchanged is probably not updated (never
    "与上年持平"), and 近290余件 is no base for a percentage."""
    if prev_q.text == cur_q.text:
        return None, SAME_TEXT
    if prev_q.approximate or cur_q.approximate:
        return None, APPROXIMATE
    return _phrase(pv, cv, unit)


def compare(previous: Facts, current: Facts, catalogue: Catalogue | None = None) -> list[Comparison]:
    """Indicators present in both years with comparable units, in catalogue order."""
    catalogue = catalogue or load_catalogue()
    prev_q, cur_q = previous.quantities(), current.quantities()
    order = [ind.key for ind in catalogue] + [k for k in cur_q if catalogue.get(k) is None]
    out = []
    for key in order:
        if key not in prev_q or key not in cur_q:
            continue
        (pv, pu), (cv, cu) = prev_q[key].base, cur_q[key].base
        if pu != cu:
            continue
        change, phrase = _change(prev_q[key], cur_q[key], pv, cv, cu)
        ind = catalogue.get(key)
        out.append(Comparison(key, ind.label if ind else key, prev_q[key].text, cur_q[key].text,
                              change, phrase, cu))
    return out


def comparison_table_markdown(comparisons: list[Comparison], previous_year: int | None = None,
                              current_year: int | None = None) -> str:
    """Markdown table: 指标 | 上年 | 本年 | 变化."""
    prev_h = f"{previous_year}年" if previous_year else "上年"
    cur_h = f"{current_year}年" if current_year else "本年"
    rows = [f"| 指标 | {prev_h} | {cur_h} | 变化 |", "| --- | --- | --- | --- |"]
    for c in comparisons:
        rows.append(f"| {c.label} | {c.previous} | {c.current} | {c.phrase or '—'} |")
    return "\n".join(rows) + "\n"


def find_cjk_font() -> str | None:
    """Name of an installed font that has Chinese glyphs, if any."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def comparison_chart(comparisons: list[Comparison], path: Path | str, title: str = "主要指标同比变化") -> Path:
    """Bar chart (PNG) of the change of every comparable indicator.

    Bars show the change in % (rates: percentage points). Without a CJK font the Chinese labels
    are replaced by numbers 1..n that match the rows of :func:`comparison_table_markdown`.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    font = find_cjk_font()
    items = [c for c in comparisons if c.change_pct is not None]
    labels = [c.label if font else str(i) for i, c in enumerate(items, 1)]
    values = [c.change_pct for c in items]
    rc = {"font.family": [font, "DejaVu Sans"]} if font else {}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(items) + 1)), dpi=120)
        colors = ["#c0392b" if v < 0 else "#2e7d32" for v in values]
        ax.barh(labels[::-1], values[::-1], color=colors[::-1])
        ax.axvline(0, color="#555", linewidth=0.8)
        for y, (v, c) in enumerate(zip(values[::-1], items[::-1], strict=True)):
            suffix = "pp" if c.unit == "%" else "%"
            ax.annotate(f"{format_number(v)}{suffix}", (v, y), xytext=(4 if v >= 0 else -4, 0),
                        textcoords="offset points", va="center", ha="left" if v >= 0 else "right",
                        fontsize=8)
        ax.set_title(title if font else "Year-over-year change (%)")
        fig.tight_layout()
        fig.savefig(path, format="png")
        plt.close(fig)
    return path


def notable(comparisons: list[Comparison], limit: int = NOTABLE_LIMIT) -> list[Comparison]:
    """The few changes a writer would mention: the largest ones above the threshold."""
    def size(c: Comparison) -> float:
        if c.change_pct is None:
            return 0.0
        return abs(c.change_pct) / (NOTABLE_POINTS if c.unit == "%" else NOTABLE_PCT)

    ranked = sorted((c for c in comparisons if size(c) >= 1), key=size, reverse=True)
    return ranked[:limit]


def weave_changes(text: str, comparisons: list[Comparison], catalogue: Catalogue,
                  limit: int = NOTABLE_LIMIT) -> str:
    """Add ``同比增长24%`` after the first mention of each notable change (idempotent).

    Only the few largest changes are mentioned, in natural words, at most one per paragraph;
    every change is in the 主要指标对比表 attached to the report.
    """
    from assistant.core.drafting.numbers import parse_quantity

    for c in notable(comparisons, len(comparisons)):
        if text.count("同比") >= limit:
            break
        ind = catalogue.get(c.indicator)
        current = parse_quantity(c.current)
        if not c.phrase or ind is None or current is None or c.phrase in text:
            continue
        hit = next((h for h in ind.find_all(text) if h[2].same_as(current)), None)
        if hit is None:
            continue
        line_start = text.rfind("\n", 0, hit[0]) + 1
        line_end = text.find("\n", hit[1])
        if "同比" in text[line_start:line_end if line_end >= 0 else len(text)]:
            continue
        text = text[:hit[1]] + change_suffix(text, hit[1], c.phrase) + text[hit[1]:]
    return text


def change_suffix(text: str, end: int, phrase: str) -> str:
    """How to attach a change phrase after a figure ending at ``end`` in ``text``."""
    nxt = text[end:end + 1]
    return f"，{phrase}" if nxt in ("", "，", "。", "；", "\n") else f"（{phrase}）"
