"""Passages: how the offline picker reads a retrieved hit.

A hit is either a law article (``law`` and ``article`` in its metadata) or a piece of a report.
Both are read without their leading citation label, line by line; an article by its 款 (a
paragraph plus the 项 lines after it) and sentences, each read with its context (law name,
title, chapter, report section).
"""

from __future__ import annotations

import re

from assistant.config import Calibration
from assistant.core.report import markers
from assistant.documents import Hit

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
CLAUSE_END = re.compile(r"(?<=[，,：:])")
_LABEL_LINE = re.compile(
    r"^\s*(?:《[^》]+》)?\s*第[零〇一二两三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?\s*"
)
ENUMERATOR = re.compile(rf"^\s*(?:{markers.ITEM}|{markers.SECTION}|{markers.SUBITEM}|{markers.PART})\s*")
LIST_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[)）]|\d+[.、．])"
)
ITEM_LINE = re.compile(rf"^\s*{markers.SECTION}")


def is_article(hit: Hit) -> bool:
    """Whether the hit is a law article rather than a piece of a report."""
    return bool(hit.metadata.get("law") and hit.metadata.get("article"))


def is_penalty(hit: Hit) -> bool:
    """Whether the article sets a penalty (法律责任 chapter, or it opens with 违反)."""
    chapter = str(hit.metadata.get("chapter") or "")
    return "法律责任" in chapter or strip_label(hit.text).startswith("违反")


def hit_lines(hit: Hit) -> list[str]:
    """The hit's non-empty lines, stripped, without its leading citation label."""
    return [line.strip() for line in strip_label(hit.text).split("\n") if line.strip()]


def hit_context(hit: Hit) -> str:
    """What the hit is read under: law name, title, chapter and section."""
    m = hit.metadata
    return " ".join(str(m.get(k) or "") for k in ("law", "title", "chapter", "section"))


def with_context(hit: Hit) -> str:
    """The hit's text preceded by its :func:`hit_context`."""
    return f"{hit_context(hit)} {hit.text}"


def strip_label(text: str) -> str:
    """The text without a leading citation label ("第三十二条 …")."""
    # Chunks may start with their own citation ("第三十二条 当事人…"); a quote should not.
    return _LABEL_LINE.sub("", text.strip(), count=1)


def dense_of(hit: Hit) -> float | None:
    """The hit's raw cosine (``Hit.dense``; older stores put it in the metadata)."""
    if hit.dense is not None:
        return float(hit.dense)
    value = hit.metadata.get("dense_score")
    return float(value) if value is not None else None


def rank_prior(rank: int, hit: Hit, calibration: Calibration) -> float:
    """Evidence the retriever already gathered: rank, and the cosine rescaled by the backend's
    calibration (``Settings.answering.calibration``)."""
    return 0.1 / (1 + rank) + 0.2 * calibration.scale(dense_of(hit))


def paragraph_blocks(paragraphs: list[str]) -> list[str]:
    """Group lines into 款: a paragraph plus the 项 lines (（一）…) that follow it."""
    starts = [i for i, p in enumerate(paragraphs) if not ITEM_LINE.match(p)] or [0]
    blocks = []
    for j, start in enumerate(starts):
        end = starts[j + 1] if j + 1 < len(starts) else len(paragraphs)
        blocks.append("\n".join(paragraphs[start:end]))
    return blocks


def article_sentences(hit: Hit) -> list[str]:
    """An article's sentences; a 项 is read together with the sentence that introduces it
    ("有下列行为之一的，……罚款：" + "（一）侵占人民防空工程的；")."""
    out: list[str] = []
    for block in paragraph_blocks(hit_lines(hit)):
        lead, *items = block.split("\n")
        out += _with_provisos([s for s in SENTENCE_END.split(lead) if s.strip()]) or [lead]
        out += [lead + item for item in items]
    return out or [strip_label(hit.text)]


_PROVISO = re.compile(r"^(?:但是|但|并且|且)")


def _with_provisos(sentences: list[str]) -> list[str]:
    """A proviso ("；但是延长期限最多不得超过三十日") stays with the rule it limits."""
    out: list[str] = []
    for sentence in sentences:
        if out and _PROVISO.match(sentence.strip()):
            out[-1] += sentence
        else:
            out.append(sentence)
    return out
