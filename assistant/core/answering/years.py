"""Years in a question: the one place for the year patterns and for reading colloquial years.

Staff write years as ``2021年``, ``21年``, ``二〇二一年`` or relative to today (去年, 前年, 今年,
明年). :func:`resolve_years` writes each as a four-digit year: colloquial ones as they read,
relative ones against the years of the reports the knowledge base holds — the calendar reading
when a report of that year exists, otherwise the newest report (with a note, so the answer says
how it read the question).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.core.ownwork import RELATIVE_YEAR

YEAR = re.compile(r"((?:19|20)\d\d)\s*年")  # an explicit year: 2021年
# 21年 (not 满21年, 第21年, 12.5年, 2021年's tail); 二〇二一年.
_SHORT_YEAR = re.compile(r"(?<![\d.满第近约超过至])(\d\d)\s*年(?![以来内前后]|的时间)")
_CN_YEAR = re.compile(r"([一二][〇零九][〇零一二三四五六七八九]{2})\s*年")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_RELATIVE = re.compile("|".join(sorted(RELATIVE_YEAR, key=len, reverse=True)))


@dataclass(frozen=True)
class Years:
    """Which years a question is about once colloquial and relative years are resolved."""

    text: str  # the question with years written out ("2021年")
    note: str = ""  # how a relative year was read, for the answer's warnings


def asked_years(text: str) -> list[str]:
    """Explicit years a text names (``2021年`` → ``"2021"``), in order."""
    return list(dict.fromkeys(YEAR.findall(text)))


def spell_out(text: str, this_year: int) -> str:
    """``21年`` → ``2021年``, ``二〇二一年`` → ``2021年`` (two digits only up to next year)."""
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS) + "年", text)

    def short(m: re.Match) -> str:
        year = 2000 + int(m.group(1))
        return f"{year}年" if year <= this_year + 1 else m.group(0)

    return _SHORT_YEAR.sub(short, text)


def resolve_years(text: str, report_years: Iterable[int], this_year: int) -> Years:
    """Write colloquial years as four digits and 去年/前年/今年/明年 as the year they mean.

    A relative year takes its calendar reading when a report of that year exists; otherwise
    去年/今年 mean the newest report (明年 the year after it, whose plans that report lays out)
    and 前年 the year before that. Without any report nothing relative is resolved.
    """
    text = spell_out(text, this_year)
    match = _RELATIVE.search(text)
    held = sorted(set(report_years))
    if not match or not held or YEAR.search(text):
        return Years(text)
    offset = RELATIVE_YEAR[match.group(0)]
    ahead = 1 if offset > 0 else 0
    report_year = this_year + offset - ahead
    note = ""
    if report_year not in held:
        older = [y for y in held if y <= this_year]
        newest = (older or held)[-1]
        report_year = newest + min(offset + 1, 0)  # 前年 = the year before 去年's reading
        note = f"“{match.group(0)}”按知识库中最新的{newest}年报告理解"
        if report_year != newest:
            note = f"“{match.group(0)}”按知识库中最新的{newest}年报告的前一年理解"
    year = report_year + ahead
    return Years(text[: match.start()] + f"{year}年" + text[match.end() :], note)
