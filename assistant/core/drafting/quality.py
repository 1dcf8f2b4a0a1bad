"""Measures of a draft's quality as a first draft: length per part, heading form, repetition.

Used by the drafting eval (evals/run_drafting.py) and the tests. Character counts are the
characters that are not whitespace (what a writer's 字数 roughly shows), headings included.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.drafting.draft import Draft
from assistant.core.drafting.phrases import clauses, is_two_clause

_SUBHEAD = re.compile(r"^（[一二三四五六七八九十]+）(.+)$")
_ITEM_HEAD = re.compile(r"^\d+\s*[.．、]\s*([^。]{4,40}。)")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def char_count(text: str) -> int:
    """Characters that are not whitespace."""
    return len(re.sub(r"\s", "", text))


def section_chars(draft: Draft) -> dict[str, int]:
    """Characters per part (heading included), keyed by section key."""
    return {s.key: char_count(s.heading + s.text) for s in draft.sections}


def measure_headings(draft: Draft) -> list[str]:
    """Sub-headings （一）… and item headings 1.…。 under part 一."""
    section = draft.section("measures")
    out = []
    for p in section.paragraphs if section else []:
        m = _SUBHEAD.match(p)
        if m and len(p) < 60:
            out.append(m.group(1))
            continue
        m = _ITEM_HEAD.match(p)
        if m:
            out.append(m.group(1))
    return out


def two_clause_share(draft: Draft) -> tuple[int, float]:
    """(number of two-clause headings under 一, their share of all headings there)."""
    headings = measure_headings(draft)
    good = sum(1 for h in headings if is_two_clause(h))
    return good, (good / len(headings) if headings else 0.0)


def sentences(text: str, min_chars: int = 8) -> list[str]:
    """Sentences of a text (split at 。！？；), headings and short fragments left out."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*(?:\d+\s*[.．、](?!\d)|（[一二三四五六七八九十]+）)", "", line.strip())
        for part in _SENTENCE_END.split(line):
            part = part.strip()
            if len(part) >= min_chars:
                out.append(part)
    return out


def duplicate_clauses(text: str, own_texts: list[str] = (), min_chars: int = 6) -> list[str]:
    """Clauses written more than once, except those the staff themselves wrote more than once."""
    own = Counter(c for t in own_texts for c in clauses(t, min_chars))
    return [c for c, n in Counter(clauses(text, min_chars)).items() if n > 1 and n > own.get(c, 0)]


def repeated_sentences(text: str) -> list[str]:
    """Sentences that occur more than once."""
    return [s for s, n in Counter(sentences(text)).items() if n > 1]
