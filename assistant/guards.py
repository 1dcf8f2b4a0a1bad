"""Guards around an answer: the year gate on retrieved hits, and the checks on an LLM answer.

The year gate keeps report hits of the year a question names. The LLM checks drop [n] markers
that point at no retrieved source, mark law citations that do not resolve with
:data:`BAD_CITATION`, warn about superseded articles and misquotes, and strip reasoning models'
``<think>`` scratchpads.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.answer import NOT_FOUND, Answer, hit_source
from assistant.documents import Hit
from assistant.question import asked_years, has_report_cue

BAD_CITATION = "〔引用有误〕"
_MARKER = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")
_INVALID = ("article_missing", "law_unknown")
_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.S)  # reasoning models' scratchpad


def year_gate(question: str, hits: list[Hit]) -> tuple[list[Hit], str]:
    """Drop report hits of other years than the question names.

    Returns:
        The kept hits, and a note (else "") when the question asks about the office's work in
        a year no retrieved report covers: then no regulation may stand in for the figures.
    """
    years = asked_years(question)
    if not years:
        return hits, ""
    kept = [h for h in hits if _is_regulation(h) or _covers_year(h, years)]
    dropped = [h for h in hits if h not in kept]
    if not dropped or any(not _is_regulation(h) for h in kept) or not has_report_cue(question):
        return kept, ""
    have = sorted({str(h.metadata["year"]) for h in dropped if h.metadata.get("year")})
    note = f"知识库中没有{'、'.join(years)}年的报告"
    note += f"，现有报告年份：{'、'.join(y + '年' for y in have)}。" if have else "。"
    return [], note


def _is_regulation(hit: Hit) -> bool:
    return hit.metadata.get("doc_type") == "regulation" or bool(hit.metadata.get("law"))


def _covers_year(hit: Hit, years: list[str]) -> bool:
    m = hit.metadata
    text = f"{m.get('section') or ''} {m.get('title') or ''} {hit.text}"
    return str(m.get("year")) in years or any(f"{y}年" in text for y in years)


def check_markers(text: str, count: int) -> tuple[str, list[int], list[str]]:
    """Drop [n] markers that point past the ``count`` retrieved sources.

    Returns:
        The cleaned text, the valid numbers in order of first use, and warnings.
    """
    cited: list[int] = []
    bad: list[int] = []

    def fix(match: re.Match) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,，、]\s*", match.group(1))]
        good = [n for n in numbers if 1 <= n <= count]
        bad.extend(n for n in numbers if n not in good)
        cited.extend(n for n in good if n not in cited)
        return "".join(f"[{n}]" for n in good)

    text = _MARKER.sub(fix, text)
    warnings = [
        f"回答中的来源编号[{n}]不存在（只检索到 {count} 条资料），已删除"
        for n in dict.fromkeys(bad)
    ]
    return text, cited, warnings


def check_citations(text: str, resolver: Any) -> tuple[str, list[str]]:
    """Verify every law citation in ``text``; mark invalid ones with 〔引用有误〕."""
    warnings: list[str] = []
    spans: list[tuple[int, int]] = []
    for check in resolver.verify(text):
        raw = check.citation.raw
        if check.status in _INVALID:
            spans.append((check.citation.start, check.citation.end))
            warnings.append(f"回答中的引用“{raw}”有误（{check.message}），已标注为{BAD_CITATION}")
        elif check.status == "superseded":
            newer = f"，现行规定见{check.replaced_by}" if check.replaced_by else ""
            warnings.append(f"回答引用的“{raw}”已被修改或废止{newer}")
        elif check.status == "quote_mismatch":
            warnings.append(f"回答中“{raw}”的引文与法条原文不一致，请核对（{check.message}）")
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + BAD_CITATION + text[end:]
    return text, warnings


def guard_answer(text: str, hits: list[Hit], resolver: Any) -> Answer:
    """The LLM's answer after all checks, with the sources its markers cite.

    Args:
        text: The model's full reply.
        hits: The numbered passages it was given ([1] = hits[0]).
        resolver: ``CitationResolver`` (verify).
    """
    text, cited, warnings = check_markers(_THINK.sub("", text).strip(), len(hits))
    text, more = check_citations(text, resolver)
    if NOT_FOUND.rstrip("。") in text and not cited:
        return Answer(NOT_FOUND, [], warnings + more, mode="llm", found=False)
    numbers = cited or list(range(1, len(hits) + 1))
    sources = [hit_source(n, hits[n - 1]) for n in numbers]
    return Answer(text, sources, warnings + more, mode="llm", found=True)
