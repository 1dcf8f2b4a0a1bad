"""Guards around an answer: the year gate on retrieved hits, and the checks on an LLM answer.

The year gate keeps report hits of the year a question names. The LLM checks drop [n] markers
that point at no retrieved source, mark law citations that do not resolve with
:data:`BAD_CITATION`, warn about superseded articles and misquotes, and strip reasoning models'
``<think>`` scratchpads.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.core.answering.answer import NOT_FOUND, Answer, hit_source
from assistant.core.answering.question import FIGURE, PERIOD, Question, normalize
from assistant.documents import Hit

BAD_CITATION = "〔引用有误〕"
_MARKER = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")
_INVALID = ("article_missing", "law_unknown")
_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.S)  # reasoning models' scratchpad


def year_gate(q: Question, hits: list[Hit]) -> tuple[list[Hit], str]:
    """Drop report hits of other years than the question names.

    Returns:
        The kept hits, and a note (else "") when the question asks about the office's work in
        a year no retrieved report covers: then no regulation may stand in for the figures.
    """
    years = list(q.years)
    if not years:
        return hits, ""
    kept = [h for h in hits if _is_regulation(h) or _covers_year(h, years)]
    dropped = [h for h in hits if h not in kept]
    if not dropped or any(not _is_regulation(h) for h in kept) or not q.report_cue:
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


_ORGANISATION = re.compile(r"[\u4e00-\u9fff]{2,3}区(?:人防办|[\u4e00-\u9fff]{2,5}(?:局|委|办公室))")


def unsupported(text: str, hits: list[Hit], resolver: Any) -> list[str]:
    """What an LLM answer states that no retrieved passage holds: figures (500余人次, 30日),
    articles it cites that were not retrieved, offices it names that no passage names."""
    evidence = normalize("".join(f"{h.label} {h.text}" for h in hits)).replace(" ", "")
    cited = {(h.metadata.get("law"), h.metadata.get("article")) for h in hits}
    problems = []
    for rx in (FIGURE, PERIOD):
        for m in rx.finditer(text):
            if m.group(0) not in evidence:
                problems.append(f"数字“{m.group(0)}”")
    for cite in resolver.parse(text):
        if cite.law and (cite.law, cite.article) not in cited:
            problems.append(f"条文“{cite.raw}”")
    problems += [f"单位“{m.group(0)}”" for m in _ORGANISATION.finditer(text) if m.group(0) not in evidence]
    return list(dict.fromkeys(problems))


_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
BROAD_CHARS = (150, 800)


def check_shape(text: str, q: Question, hits: list[Hit]) -> list[str]:
    """Warnings when an LLM answer leaves the shape the question asks for.

    Every sentence must carry a [n] marker; a broad answer (list, summary) should run 150–800
    characters; a question about the office's own work must be answered from its reports.
    """
    warnings = []
    bare = [
        s for s in _SENTENCE.findall(text)
        if len(re.findall(r"[\u4e00-\u9fff]", s)) >= 8 and not _MARKER.search(s)
    ]
    if bare:
        warnings.append(f"回答中有{len(bare)}句未标注来源编号，请核对")
    low, high = BROAD_CHARS
    if q.shape in ("list", "summary") and q.report_cue and not low <= len(text) <= high:
        warnings.append(f"回答篇幅{len(text)}字，超出概括性问题的{low}–{high}字范围")
    cited = [int(n) for group in _MARKER.findall(text) for n in re.split(r"\D+", group) if n]
    from_reports = any(not _is_regulation(hits[n - 1]) for n in cited if 1 <= n <= len(hits))
    if q.own_work and cited and not from_reports and any(not _is_regulation(h) for h in hits):
        warnings.append("问题问的是本单位的工作，但回答只引用了法律条文，请核对年度报告")
    return warnings
