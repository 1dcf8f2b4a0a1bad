"""Figures in report text: Chinese numerals, quantities with units and the numbers a text mentions.

A *figure* is a number with a statistical unit (``620人次``, ``1.2万元``, ``伍千伍百元``,
``近290余件``, ``85%``). Years, list numbering and article numbers are numbers but not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest first so that 人次 wins over 人 and 万元 over 元.
UNITS = ("平方米", "万元", "人次", "元", "次", "件", "起", "处", "场", "支", "册", "名", "项", "家", "人", "%")

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8,
    "捌": 8, "九": 9, "玖": 9,
}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CAPITAL = "零壹贰叁肆伍陆柒捌玖拾佰仟"
ARABIC = r"\d+(?:\.\d+)?"
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿" + CAPITAL[1:]
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


def chinese_to_number(text: str) -> float | None:
    """Convert 伍千伍百 / 二十三 / 2千 / 1.2万 to a number; None when it is not one."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(rf"({ARABIC})([千万亿]?)", text)
    if m:
        mult = {"": 1, "千": 1000, "万": 10_000, "亿": 100_000_000}[m.group(2)]
        return float(m.group(1)) * mult
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch in _CN_BIG:
            total += (section + (digit or 0)) * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


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


def normalize_text(text: str) -> str:
    """Undo PDF artefacts: Kangxi radicals, half-width punctuation and hard line breaks."""
    import unicodedata

    chars = []
    for ch in text:
        code = ord(ch)
        if 0x2F00 <= code <= 0x2FDF or 0x2E80 <= code <= 0x2EFF:
            ch = _RADICALS.get(ch) or unicodedata.normalize("NFKC", ch)
        chars.append(ch)
    text = "".join(chars).replace("\r\n", "\n").replace("\u3000", " ")
    text = re.sub(r"(?<!\d),|,(?!\d)", "，", text)
    for half, full in (("(", "（"), (")", "）"), (";", "；"), (":", "：")):
        text = text.replace(half, full)
    return _unwrap(text)


# CJK Radicals Supplement characters have no NFKC mapping; these are the ones pypdf emits.
_RADICALS = {"⻔": "门", "⻓": "长", "⺠": "民", "⻅": "见", "⻋": "车", "⻢": "马", "⻜": "飞",
             "⻚": "页", "⻛": "风", "⻝": "食", "⻥": "鱼", "⻰": "龙", "⻬": "齐", "⻩": "黄",
             "⻉": "贝", "⻆": "角", "⻘": "青", "⻤": "鬼", "⻄": "西", "⺟": "母", "⻣": "骨"}
_BLOCK_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+[、.．](?!\d)|（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]是)")

_HEAD_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _unwrap(text: str) -> str:
    """Join hard-wrapped lines (PDF text) back into paragraphs; leaves normal text alone."""
    lines = [ln.strip() for ln in text.split("\n")]
    lengths = sorted(len(ln) for ln in lines if ln)
    if len(lengths) < 10 or lengths[len(lengths) // 2] > 45:
        return "\n".join(lines)
    full = lengths[int(len(lengths) * 0.8)]
    out: list[str] = []
    joinable = False
    for i, ln in enumerate(lines):
        if not ln:
            joinable = False
            continue
        if out and joinable and not _BLOCK_START.match(ln):
            out[-1] += ln
        else:
            out.append(ln)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # A line that fills the width continues; one ending in 。 short of the width ends.
        joinable = len(ln) >= full - 1 or (len(ln) >= full - 3 and not ln.endswith("。"))
        if _HEAD_START.match(out[-1]) and "。" not in out[-1]:
            # A heading continues only into a short tail line without a full stop.
            joinable = len(ln) >= full - 6 and len(nxt) < full - 3 and not nxt.endswith("。")
    return "\n".join(out)
