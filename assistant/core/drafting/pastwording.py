"""Framing wording carried from past reports in the knowledge base, figures removed, source kept.

A past paragraph about the same area may lend a framing sentence to this year's item. Only
sentences that state no figure, no year and no period word (今年, 全年 …) are carried, so an old
value can never reappear; every carried sentence keeps the name of the report it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.core.drafting.units import same_organization
from assistant.core.report import markers

# ``(query) -> [(paragraph text, source name[, section heading path]), …]``, nearest first.
PastSearch = Callable[[str], list[tuple[str, str]]]

_FIGURE_CHARS = re.compile(r"[\d０-９零〇壹贰叁肆伍陆柒捌玖拾佰仟%％]")
_PERIOD_WORDS = re.compile(r"(?:19|20)\d{2}|今年|全年|本年|去年|上年|明年|年度|年内|年初|年底|以来|累计|共计|达到")
_LEADING = markers.ITEM_LEAD


_TITLE_BOILERPLATE = re.compile(r"(?:19|20)\d{2}年?|法治政府建设|年度|情况|报告|\.\w+$|[《》\s]")


def foreign_terms(source: str, organization: str) -> set[str]:
    """Two-character terms of the source report's office name that this office's name lacks.

    A sentence naming them (人防 from a 人防办 report in a 司法局 draft) belongs to another office.
    """
    core = _TITLE_BOILERPLATE.sub("", source)
    pairs = {core[i:i + 2] for i in range(len(core) - 1)}
    return {p for p in pairs if p not in organization and not re.search(r"[^\u4e00-\u9fff]", p)}


@dataclass(frozen=True)
class Carried:
    """One sentence taken from a past report."""

    text: str
    source: str


def framing_sentences(paragraph: str, min_chars: int = 14, max_chars: int = 90) -> list[str]:
    """Figure-free, period-free sentences of a past paragraph that can frame a new item."""
    out = []
    for raw in re.split(r"(?<=[。！？])", paragraph):
        sentence = _LEADING.sub("", raw.strip())
        if not sentence.endswith("。") or not min_chars <= len(sentence) <= max_chars:
            continue
        if _FIGURE_CHARS.search(sentence) or _PERIOD_WORDS.search(sentence):
            continue
        if "，" not in sentence:  # a bare heading such as 依法开展信访工作。
            continue
        out.append(sentence)
    return out


class PastWording:
    """Finds a framing sentence for an area in the nearest past-report paragraph.

    Args:
        search: the knowledge-base search for past-report paragraphs.
        limit: at most this many carried sentences per draft (most wording stays stock).
    """

    def __init__(self, search: PastSearch, limit: int = 4):
        self.search = search
        self.limit = limit

    def framing(self, query: str, used: set[str], carried: int = 0, organization: str = "") -> Carried | None:
        """First unused framing sentence from the paragraphs nearest to the query.

        Args:
            query: area name and the staff's area heading.
            used: sentences already in the draft.
            carried: sentences already carried into this draft (at most ``limit``).
            organization: this office; sentences naming another office's terms are not carried.
        """
        if carried >= self.limit:
            return None
        try:
            hits = self.search(query)
        except Exception:  # a knowledge-base failure must not stop an offline draft
            return None
        for hit in hits[:2]:
            text, source = hit[0], hit[1]
            section = hit[2] if len(hit) > 2 else ""
            # Only this organisation's own reports, and never a 不足 passage (it must not become 成效).
            if organization and not same_organization(source, organization):
                continue
            if any(w in str(section) for w in ("不足", "问题")):
                continue
            foreign = foreign_terms(source, organization) if organization else set()
            for sentence in framing_sentences(text):
                if sentence not in used and not any(t in sentence for t in foreign):
                    return Carried(sentence, source)
        return None
