"""Stage 4 for broad questions about the office's own work: answer from a report's sections.

A list question (做了哪些工作, 有哪些安排, 存在哪些不足) gets the items of the matching report
part as a numbered list — each item's heading, then its key sentences and figures; a summary
question (情况怎么样, 成效如何) gets the figures and outcome sentences of the best-matching items.
The part comes from the question (:attr:`Question.part`: plans, shortcomings…; work done by
default, so a plan is never quoted as work done); within it, items are chosen by the question's
topic words, or all of them when the question names no topic. Every sentence keeps the [n] of
the chunk it was quoted from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.core.answering.intent import Cues
from assistant.core.answering.passage import ENUMERATOR, hit_lines, is_article
from assistant.core.answering.question import Question, has_figure, normalize
from assistant.core.ingest.splitters import REPORT_LEVELS
from assistant.core.report import markers
from assistant.documents import Hit

MIN_CHARS, MAX_CHARS = 150, 800  # broad answers
ITEM_CHARS = {"list": 170, "summary": 400}  # per item
MAX_ITEMS = {"list": 8, "summary": 3}
_OUTCOME = re.compile(r"取得|实现|提升|提高|保持|成效|明显|完成|确保|达到|满意|增强|无.{0,6}发生")
_CONTINUED = re.compile(r"（续）$")
_REASON = re.compile(r"原因|由于|因为|究其|根源")  # the 原因 half of 存在的不足和原因
_ORDINAL = re.compile(rf"^{markers.POINT}")  # 一是……二是……: the points of a paragraph
# Sentence ends, and a lead-in's colon before its points ("存在一些不足：一是……").
_POINTS = re.compile(r"(?<=[。！？；!?;])|(?<=[：:])(?=[一二三四五六七八九十]+是)")

Documents = Callable[[str], list[Hit]]


@dataclass
class Unit:
    """One item of a report: its section path and its sentences with the chunk each came from."""

    path: tuple[str, ...]
    part: str | None
    sentences: list[tuple[str, Hit]] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """The item's own heading, without its number and final stop."""
        return ENUMERATOR.sub("", self.path[-1]).rstrip("。；;：: …")

    def text(self) -> str:
        """The whole item, heading first."""
        return " ".join(self.path) + " " + "".join(s for s, _ in self.sentences)


def report_units(chunks: list[Hit], cues: Cues) -> list[Unit]:
    """A report's chunks read back as one text and regrouped into items, in document order.

    The heading tree is rebuilt from the lines (not from chunk metadata: a one-sentence item
    such as "（一）全面贯彻……。" is stored with the chunk after it). An item line's title
    sentence ("2.积极普法宣传……。") is kept only when the item says nothing else.
    """
    chunks = sorted(chunks, key=lambda h: int(h.metadata.get("chunk_index") or 0))
    units: list[Unit] = []
    stack: list[tuple[int, str]] = []
    current = Unit(("",), "opening")
    titles: dict[int, tuple[str, Hit]] = {}
    part = 0
    for hit in chunks:
        for line in hit_lines(hit):
            if _CONTINUED.search(line):
                continue
            level = _level(line, cues, part)
            if level:
                if level == 1:
                    key = cues.structure.heading_key(line, part)
                    part = cues.structure.section(key).number if key else part
                while stack and stack[-1][0] >= level:
                    stack.pop()
                title = line.partition("。")[0]
                stack.append((level, title))
                units.append(current)
                path = tuple(t for _, t in stack)
                current = Unit(path, cues.part_of(path[0]))
                titles[id(current)] = (ENUMERATOR.sub("", title), hit)
                line = line[len(title) + 1 :].strip()
            for sentence in (s.strip() for s in _POINTS.split(line)):
                if sentence:
                    current.sentences.append((sentence, hit))
    units.append(current)
    for unit, after in zip(units, [*units[1:], None], strict=True):
        parent = after is not None and after.path[: len(unit.path)] == unit.path
        if not unit.sentences and id(unit) in titles and len(unit.path) > 1 and not parent:
            unit.sentences.append(titles[id(unit)])  # a one-sentence item: its title says it all
    return [u for u in units if u.sentences]


def _level(line: str, cues: Cues, part: int) -> int:
    """Heading level of a report line (1 = a mandated part, even when mistyped "2、"), or 0."""
    if cues.structure.heading_key(line, part):
        return 1
    line = line.lstrip("#").strip()
    return next((lv for lv, rx in REPORT_LEVELS if rx.match(line)), 0)


def choose_units(q: Question, units: list[Unit]) -> list[Unit]:
    """The items that answer: those of the asked part, narrowed by the question's topic words."""
    part = q.part if q.part and q.part != "measures" else None
    pool = [u for u in units if u.part == part] if part else [
        u for u in units if u.part not in ("plans", "shortcomings", "opening")
    ]
    if part is None and q.years:  # the part whose heading names the year asked
        dated = [u for u in units if any(f"{y}年" in u.path[0] for y in q.years)]
        pool = dated or pool  # (四、2022年…主要安排 for "2022年…", 一、2021年…举措 for "2021年…")
    if not pool:
        return []
    topic = [normalize(t) for t in q.topic]
    if not topic:
        return pool[: MAX_ITEMS[q.shape]] if q.shape == "list" else pool[:MAX_ITEMS["summary"]]
    texts = [normalize(u.text()) for u in pool]
    heads = [normalize(" ".join(u.path)) for u in pool]
    n = len(pool)
    idf = {t: math.log((n + 1) / (sum(t in x for x in texts) + 0.5)) for t in topic}
    scores = [
        sum(idf[t] * len(t) * (2.0 if t in h else 1.0) for t in topic if t in x)
        for x, h in zip(texts, heads, strict=True)
    ]
    best = max(scores)
    if best <= 0:
        return []
    keep = 0.5 if q.shape == "list" else 0.75
    chosen = [u for u, s in zip(pool, scores, strict=True) if s >= keep * best]
    if len(chosen) > MAX_ITEMS[q.shape]:
        ranked = sorted(chosen, key=lambda u: -scores[pool.index(u)])[: MAX_ITEMS[q.shape]]
        chosen = [u for u in chosen if u in ranked]
    return chosen


def key_sentences(q: Question, unit: Unit, budget: int) -> list[tuple[str, Hit]]:
    """The item's sentences that carry figures, outcomes or the topic, in order, within budget."""
    topic = [normalize(t) for t in q.topic]

    def weight(sentence: str) -> float:
        s = normalize(sentence)
        if s.endswith(("：", ":")):
            return -1.0  # a lead-in ("主要反映在以下两个方面：") says nothing itself
        return (
            (2.0 if has_figure(s) else 0.0)
            + (1.0 if _OUTCOME.search(s) else 0.0)
            + (1.5 if _ORDINAL.match(s) else 0.0)
            + sum(0.5 for t in topic if t in s)
            + (1.5 if unit.part == "shortcomings" and _REASON.search(s) else 0.0)
        )

    ranked = sorted(range(len(unit.sentences)), key=lambda i: (-weight(unit.sentences[i][0]), i))
    picked: list[int] = []
    used = 0
    for i in ranked:
        size = len(unit.sentences[i][0])
        if picked and (used + size > budget or weight(unit.sentences[i][0]) <= 0):
            continue
        picked.append(i)
        used += size
    return [unit.sentences[i] for i in sorted(picked)]


def section_answer(
    q: Question, hits: list[Hit], cues: Cues, documents: Documents | None = None
) -> tuple[str, list[Hit]] | None:
    """A list or summary answer from the report the best report hit belongs to, or None."""
    reports = [h for h in hits if not is_article(h)]
    if not reports or q.shape not in ("list", "summary"):
        return None
    source = reports[0].metadata.get("source")
    chunks = (documents(source) if documents and source else []) or [
        h for h in reports if h.metadata.get("source") == source
    ]
    units = choose_units(q, report_units(chunks, cues))
    if not units:
        return None
    budget = max(ITEM_CHARS[q.shape], MIN_CHARS // len(units) + 40)
    budget = min(budget, MAX_CHARS // len(units))
    used: dict[tuple[int, str], Hit] = {}  # (chunk, item) → source, so [n] names the item
    lines = []
    for number, unit in enumerate(units, 1):
        section = " > ".join(unit.path)
        parts = []
        for sentence, hit in key_sentences(q, unit, budget):
            key = (id(hit), section)
            if key not in used:
                used[key] = Hit(hit.text, {**hit.metadata, "section": section}, hit.score, hit.dense)
            parts.append(f"{sentence.rstrip('。；;，, ')}[{list(used).index(key) + 1}]。")
        only_title = unit.heading == ENUMERATOR.sub("", unit.sentences[0][0]).rstrip("。；;")
        lead = f"{number}. " if only_title else f"{number}. {unit.heading}："
        lines.append((lead if len(units) > 1 or q.shape == "list" else "") + "".join(parts))
    title = str(reports[0].metadata.get("title") or source or "知识库").strip("《》")
    return f"据《{title}》：\n" + "\n".join(lines), list(used.values())
