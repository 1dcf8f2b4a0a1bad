"""Outline markers of a report, defined once: 一、 / （一） / 1. / （1） / 一是.

Ingest (splitting, line repair), answering (reading items back) and drafting (numbering,
stripping) compose their patterns from these atoms instead of writing their own.
"""

from __future__ import annotations

import re

CN = "[一二三四五六七八九十]+"
PART = rf"{CN}、"  # 一、 a mandated part
SECTION = rf"[（(]{CN}[）)]"  # （一）
ITEM = r"\d{1,2}\s*[.．、](?!\d)"  # 1. — never "5.12防灾减灾日" or "1.5万"
SUBITEM = r"[（(]\d{1,2}[）)]"  # （1）
POINT = rf"{CN}是"  # 一是……二是…… inside a paragraph

# Heading levels of a report, outermost first.
LEVELS: tuple[tuple[int, re.Pattern], ...] = (
    (1, re.compile(rf"^{PART}")),
    (2, re.compile(rf"^{SECTION}")),
    (3, re.compile(rf"^{ITEM}")),
    (4, re.compile(rf"^{SUBITEM}")),
)
# A leading marker of any kind (heading, item or point), with the space after it.
LEADING = re.compile(rf"^\s*(?:{PART}|{SECTION}|{SUBITEM}|{ITEM}|{POINT}[，：]?)\s*")
# A leading item or point marker (the numbering inside a part, not a part heading).
ITEM_LEAD = re.compile(rf"^\s*(?:{ITEM}|{SECTION}|{SUBITEM}|{POINT})\s*")
SUBHEADING = re.compile(rf"^{SECTION}")


def strip_marker(line: str) -> str:
    """The line without its leading outline marker."""
    return LEADING.sub("", line, count=1)
