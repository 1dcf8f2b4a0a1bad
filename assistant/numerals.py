"""Chinese numerals, the one place they are parsed and written.

Article numbers (第一百零一条), report headings (（十二）), and amounts in figures, including the
大写 forms of money (伍千伍百元, 壹万贰仟) and Arabic numbers with a Chinese multiplier (1.2万).
"""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
# 大写 numerals used in money amounts.
CAPITAL = "零壹贰叁肆伍陆柒捌玖拾佰仟"
# Every character a Chinese numeral may contain.
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿" + CAPITAL[1:]
_ARABIC_SCALED = re.compile(r"(\d+(?:\.\d+)?)([千万亿]?)")
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_to_int(text: str) -> int:
    """Convert a Chinese or Arabic numeral to an int.

    Accepts ``三十二``, ``一百零一``, ``十``, ``二〇二一`` (digit by digit), ``32`` and
    full-width ``３２``.

    Args:
        text: The numeral, without surrounding 第/条.

    Raises:
        ValueError: If ``text`` is empty or not a numeral.
    """
    s = text.strip()
    if not s:
        raise ValueError(f"不是有效的数字：{text!r}")
    if s.isdigit():
        return int(s)  # int() also understands full-width digits
    if any(ch not in _DIGITS and ch not in _UNITS and ch not in _BIG_UNITS for ch in s):
        raise ValueError(f"不是有效的数字：{text!r}")
    if len(s) > 1 and all(ch in _DIGITS for ch in s):
        # Year style without units: 二〇二一 = 2021.
        return int("".join(str(_DIGITS[ch]) for ch in s))
    return _parse_with_units(s)


def chinese_to_number(text: str) -> float | None:
    """Amount of a numeral in a figure: 伍千伍百 → 5500, 二十三 → 23, 2千 → 2000, 1.2万 → 12000.

    Returns None when ``text`` is not a numeral (never raises).
    """
    text = text.strip()
    m = _ARABIC_SCALED.fullmatch(text)
    if m:
        mult = {"": 1, "千": 1000, "万": 10_000, "亿": 100_000_000}[m.group(2)]
        return float(m.group(1)) * mult
    try:
        return float(chinese_to_int(text))
    except ValueError:
        return None


def _parse_with_units(s: str) -> int:
    total = 0  # completed 万/亿 groups
    section = 0  # value below the current big unit
    digit: int | None = None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            # A bare unit (十 in 十二) means one of it.
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * _BIG_UNITS[ch]
            section, digit = 0, None
        else:
            # 亿 scales everything before it, including a preceding 万 group.
            total = (total + section + (digit or 0)) * _BIG_UNITS[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def int_to_chinese(n: int) -> str:
    """Write a non-negative int in Chinese, e.g. 101 → 一百零一, 10 → 十, 1001 → 一千零一.

    Raises:
        ValueError: If ``n`` is negative or not below 10**12.
    """
    if n < 0 or n >= 10**12:
        raise ValueError(f"超出范围的数字：{n}")
    if n == 0:
        return "零"
    groups = []  # 4-digit groups, least significant first
    while n:
        n, rem = divmod(n, 10_000)
        groups.append(rem)
    parts: list[str] = []
    big_units = ["", "万", "亿"]
    pending_zero = False
    for i in range(len(groups) - 1, -1, -1):
        group = groups[i]
        if group == 0:
            pending_zero = bool(parts)
            continue
        if parts and (pending_zero or group < 1000):
            parts.append("零")
        parts.append(_group_to_chinese(group) + big_units[i])
        pending_zero = False
    text = "".join(parts)
    # Spoken form drops the leading 一 of 一十 (十二, not 一十二).
    return text[1:] if text.startswith("一十") else text


def _group_to_chinese(n: int) -> str:
    out = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out.append("零")
            out.append(_CHINESE_DIGITS[d] + unit)
            zero = False
        else:
            zero = True
    return "".join(out)


def article_label(n: int) -> str:
    """Article heading for an article number: 32 → 第三十二条."""
    return f"第{int_to_chinese(n)}条"
