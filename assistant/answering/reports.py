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

from assistant.answering.intent import Cues
from assistant.answering.passage import ENUMERATOR, SENTENCE_END, hit_lines, is_article
from assistant.answering.question import Question, has_figure, normalize
from assistant.documents import Hit

MIN_CHARS, MAX_CHARS = 150, 800  # broad answers
ITEM_CHARS = {"list": 170, "summary": 400}  # per item
MAX_ITEMS = {"list": 8, "summary": 3}
_OUTCOME = re.compile(r"取得|实现|提升|提高|保持|成效|明显|完成|确保|达到|满意|增强|无.{0,6}发生")
_CONTINUED = re.compile(r"（续）$")

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
    """A report's chunks regrouped into items (leaf sections), in document order.

    Heading lines are dropped; an item line's title sentence ("2.积极普法宣传……。") is kept
    only when the item says nothing else.
    """
    chunks = sorted(chunks, key=lambda h: int(h.metadata.get("chunk_index") or 0))
    units: dict[str, Unit] = {}
    titles: dict[str, tuple[str, Hit]] = {}
    for hit in chunks:
        section = str(hit.metadata.get("section") or "")
        path = tuple(p.strip() for p in section.split(" > ") if p.strip()) or ("",)
        unit = units.setdefault(section, Unit(path, cues.part_of(section)))
        for line in hit_lines(hit):
            if _CONTINUED.search(line) or any(_same(line, p) for p in path[:-1]):
                continue  # a heading, or its "（续）" repeat
            for sentence in (s.strip() for s in SENTENCE_END.split(line)):
                if not sentence:
                    continue
                if _same(sentence, path[-1]):
                    titles.setdefault(section, (ENUMERATOR.sub("", sentence), hit))
                else:
                    unit.sentences.append((sentence, hit))
    for section, unit in units.items():
        if not unit.sentences and section in titles:
            unit.sentences.append(titles[section])
    return [u for u in units.values() if u.sentences]


def _same(text: str, heading: str) -> bool:
    """Whether ``text`` is the heading (labels may be cut short with "…")."""
    a = ENUMERATOR.sub("", text).strip().rstrip("。；;")
    b = ENUMERATOR.sub("", heading).strip().rstrip("。；;")
    if not a or not b:
        return False
    return a == b or (b.endswith("…") and a.startswith(b.rstrip("…")))


def choose_units(q: Question, units: list[Unit]) -> list[Unit]:
    """The items that answer: those of the asked part, narrowed by the question's topic words."""
    part = q.part if q.part and q.part != "measures" else None
    pool = [u for u in units if u.part == part] if part else [
        u for u in units if u.part not in ("plans", "shortcomings", "opening")
    ]
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
        return (
            (2.0 if has_figure(s) else 0.0)
            + (1.0 if _OUTCOME.search(s) else 0.0)
            + sum(0.5 for t in topic if t in s)
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
    used: list[Hit] = []
    lines = []
    for number, unit in enumerate(units, 1):
        parts = []
        for sentence, hit in key_sentences(q, unit, budget):
            if hit not in used:
                used.append(hit)
            parts.append(f"{sentence.rstrip('。；;，, ')}[{used.index(hit) + 1}]。")
        only_title = _same(unit.sentences[0][0], unit.path[-1]) or unit.heading.startswith(
            ENUMERATOR.sub("", unit.sentences[0][0]).rstrip("。")
        )
        lead = f"{number}. " if only_title else f"{number}. {unit.heading}："
        lead = lead if len(units) > 1 or q.shape == "list" else ""
        lines.append(lead + "".join(parts))
    title = str(reports[0].metadata.get("title") or source or "知识库").strip("《》")
    return f"据《{title}》：\n" + "\n".join(lines), used
