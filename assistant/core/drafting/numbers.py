"""Figures in report text: Chinese numerals, quantities with units and the numbers a text mentions.

A *figure* is a number with a statistical unit (``620人次``, ``1.2万元``, ``伍千伍百元``,
``近290余件``, ``85%``). Years, list numbering and article numbers are numbers but not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.numerals import CAPITAL, CN_NUMERAL_CHARS, chinese_to_number

__all__ = ["ARABIC", "CAPITAL", "UNITS", "Quantity", "chinese_to_number", "find_figures", "format_number",
           "number_values", "parse_quantity", "quantity_regex"]

# Longest first so that 人次 wins over 人 and 万元 over 元.
UNITS = ("平方米", "万元", "人次", "元", "次", "件", "起", "处", "场", "支", "册", "名", "项", "家", "人", "%")

ARABIC = r"\d+(?:\.\d+)?"
CN_NUMERAL = CN_NUMERAL_CHARS
NUMBER = rf"(?:{ARABIC}[千万亿]?|[{CN_NUMERAL}]+)"


def quantity_regex(units: tuple[str, ...] | list[str] = UNITS, capital_only: bool = False) -> str:
    """Regex source of one quantity (approximation words, number, unit), without groups."""
    unit_alt = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    number = rf"(?:{ARABIC}[千万亿]?|[{CAPITAL}万]+)" if capital_only else NUMBER
    return rf"(?:近|约)?{number}\s*(?:余|多)?\s*(?:{unit_alt})"


_CAP_ANY = CAPITAL + "十百千万"
# Figures found in free text: Arabic numbers, or capital-numeral money amounts (伍千伍百元).
# Plain small Chinese numerals (三项制度, 两个方面) are wording, not figures.
_FIGURE_RE = re.compile(
    rf"(?:近|约)?(?:{ARABIC}[千万亿]?|[{_CAP_ANY}]*[{CAPITAL}][{_CAP_ANY}]*(?=万?元))\s*(?:余|多)?\s*"
    rf"(?:{'|'.join(re.escape(u) for u in UNITS)})"
)
_QUANTITY_PARTS = re.compile(
    rf"^(?P<pre>近|约)?\s*(?P<num>{NUMBER})\s*(?P<approx>余|多)?\s*(?P<unit>"
    + "|".join(re.escape(u) for u in UNITS)
    + r")(?P<post>以上|左右)?$"
)
_ANY_NUMBER = re.compile(ARABIC)


@dataclass(frozen=True)
class Quantity:
    """A parsed figure: ``近290余件`` -> value 290, unit 件, approximate."""

    text: str
    value: float
    unit: str
    approximate: bool = False

    @property
    def base(self) -> tuple[float, str]:
        """Value in the base unit, so 1.2万元 and 12000元 compare equal."""
        if self.unit == "万元":
            return round(self.value * 10_000, 4), "元"
        return round(self.value, 4), self.unit

    def same_as(self, other: Quantity) -> bool:
        """True when both name the same amount in the same unit family."""
        return self.base == other.base


def parse_quantity(text: str) -> Quantity | None:
    """Parse one whole quantity such as ``620人次`` or ``伍千伍百元``; None if it is not one."""
    m = _QUANTITY_PARTS.match(str(text).strip())
    if not m:
        return None
    value = chinese_to_number(m.group("num"))
    if value is None:
        return None
    approx = bool(m.group("pre") or m.group("approx") or m.group("post"))
    return Quantity(str(text).strip(), value, m.group("unit"), approx)


def find_figures(text: str) -> list[tuple[int, int, Quantity]]:
    """All figures in a text with their spans (start, end, quantity)."""
    found = []
    for m in _FIGURE_RE.finditer(text):
        q = parse_quantity(m.group(0))
        if q is not None:
            found.append((m.start(), m.end(), q))
    return found


def number_values(text: str) -> set[float]:
    """Every numeric value a text mentions (Arabic numbers and figures, in both units)."""
    values = {round(float(n), 4) for n in _ANY_NUMBER.findall(text)}
    for _, _, q in find_figures(text):
        values.add(round(q.value, 4))
        values.add(q.base[0])
    return values


def format_number(value: float) -> str:
    """620.0 -> '620', 1.25 -> '1.25'."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
