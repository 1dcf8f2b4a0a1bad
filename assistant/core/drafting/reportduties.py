"""三's duty fields and 二's reasons, read from a past report (``facts extract``).

A past report states 会前学法 N次, 专题听取汇报 N次, 出庭应诉, 述法 and 批示 in its own words;
these fill ``responsible_duties`` so next year's form starts filled in. A shortcoming that
gives its own reason (究其原因… / 因…的原因) keeps it as the entry's 原因.
"""

from __future__ import annotations

import re

from assistant.core.drafting.facts import REASON_SEP

_COUNTS = {
    "study_sessions": re.compile(r"会前学法[^。；，\d]{0,6}?(\d{1,3})\s*次"),
    "briefings": re.compile(r"听取[^。；\d]{0,24}?汇报[^。；\d]{0,4}?(\d{1,3})\s*次"),
}
_TEXTS = {"court": ("出庭",), "report_on_law": ("述法", "述职", "履职述评"), "instructions": ("批示",)}
_REASONS = (
    re.compile(r"(?:究其原因|分析原因|原因在于|主要原因是|原因是)[，：:]?(?:主要是|主要在于)?([^。]{4,80})。?"),
    re.compile(r"因([^，。；]{4,30}?)的原因"),
)


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[。；，]", text) if c.strip()]


def duties_from_report(responsible: list[str], elsewhere: str) -> tuple[dict[str, str], list[str]]:
    """(duty fields, 三's entries kept whole: the draft does not write a field's text again
    when an entry already says it).

    Counts are looked for in 三 first, then in the rest of the report (``elsewhere``); the
    text fields (出庭应诉, 述法, 批示) only in 三, each the sentence that states it.
    """
    joined = "。".join(responsible)
    duties: dict[str, str] = {}
    for key, pattern in _COUNTS.items():
        m = pattern.search(joined) or pattern.search(elsewhere)
        if m:
            duties[key] = m.group(1)
    entries = list(responsible)
    for key, words in _TEXTS.items():
        for entry in entries:
            found = next((s for s in _clauses(entry) if any(w in s for w in words)), None)
            if found:
                duties[key] = found
                break
    return duties, [e for e in entries if e.strip()]


def with_reason(entry: str) -> str:
    """A shortcoming entry as “不足｜原因” when the report states the reason, else unchanged."""
    for pattern in _REASONS:
        m = pattern.search(entry)
        if m:
            reason = m.group(1).strip("，。；： ")
            text = entry[:m.start()] + entry[m.end():] if pattern is _REASONS[0] else entry
            return f"{text.strip('，。；： ')}{REASON_SEP}{reason}"
    return entry
