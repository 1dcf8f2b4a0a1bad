"""Quotation: how the chosen passage is quoted in an offline answer.

An article is quoted whole with its full citation (the best 款 of a long one, its 项 cut to the
items the question names). A report sentence is quoted whole when short; for quantity questions
by the clause holding the figure plus the adjacent clauses that answer the other things asked
("几件……罚款多少"); a lead-in ("主要反映在以下两个方面：") brings its 一是/二是 items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.answering.passage import (
    ITEM_LINE,
    LIST_ITEM,
    SENTENCE_END,
    hit_lines,
    paragraph_blocks,
    strip_label,
)
from assistant.core.answering.question import Question, has_figure, normalize
from assistant.documents import Hit

LEGAL_QUOTE_LIMIT = 300  # articles longer than this are quoted by their best paragraph
SHORT_SENTENCE = 120  # report sentences up to this length are quoted whole


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals, for 款 labels (第二款)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@dataclass
class Candidate:
    """A scored unit of a hit: a whole article, or a report sentence split into clauses."""

    hit_index: int
    score: float
    clauses: list[str] = field(default_factory=list)  # report sentence split into clauses
    best: int = 0  # best clause
    line: int = 0  # line of the hit the sentence is on
    heading: bool = False

    @property
    def text(self) -> str:
        """The sentence, joined back from its clauses."""
        return "".join(self.clauses)


def window(q: Question, cand: Candidate) -> str:
    """The sentence, or for figures and long sentences the clauses that answer the question."""
    clauses = cand.clauses
    if not q.quantity:
        if len(cand.text) <= SHORT_SENTENCE:
            return cand.text
        picks, have = {cand.best}, normalize(clauses[cand.best])
        for j in sorted(range(len(clauses)), key=lambda j: -q.coverage(clauses[j]))[:3]:
            if adds(q, clauses[j], have):
                picks.add(j)
                have += normalize(clauses[j])
        return "".join(clauses[min(picks) : max(picks) + 1])
    lo = hi = cand.best
    for _ in range(q.asks - 1):  # one more figure per further thing asked
        have = normalize("".join(clauses[lo : hi + 1]))
        # The nearest figure on each side, over one connecting clause ("在……调查中，").
        options = [j for j in (hi + 1, hi + 2, lo - 1, lo - 2) if 0 <= j < len(clauses)]
        useful = [j for j in options if adds(q, clauses[j], have)]
        if not useful:
            break
        j = max(useful, key=lambda j: (q.coverage(clauses[j]), -abs(j - cand.best), j > hi))
        lo, hi = min(lo, j), max(hi, j)
    return "".join(clauses[lo : hi + 1])


def adds(q: Question, clause: str, have: str) -> bool:
    """Whether an adjacent clause answers more: a further figure, or words not yet covered."""
    if q.quantity:
        return has_figure(clause)
    return any(t in normalize(clause) and t not in have for t in q.terms)


def list_quote(q: Question, cand: Candidate, hits: list[Hit]) -> str | None:
    """A lead-in ending with "：" plus the first sentence of each enumerated item after it."""
    if not q.wants_list:
        return None
    lines = hit_lines(hits[cand.hit_index])
    start = cand.line
    if LIST_ITEM.match(lines[start]) and start > 0 and lines[start - 1].endswith(("：", ":")):
        start -= 1  # the best sentence is an item: quote the whole list
    if not lines[start].endswith(("：", ":")):
        return None
    items = []
    for line in lines[start + 1 :]:
        if not LIST_ITEM.match(line):
            break
        items.append(SENTENCE_END.split(line)[0].rstrip("。；;"))
    return lines[start] + "；".join(items) if items else None


def quote_article(q: Question, hit: Hit, marker: int = 1) -> str:
    """The article quoted with its citation and marker [n]; a long one by its best 款."""
    m = hit.metadata
    paragraphs = [p.strip() for p in strip_label(hit.text).split("\n") if p.strip()]
    label = f"《{m['law']}》{m['article']}"
    body = "\n".join(paragraphs)
    blocks = paragraph_blocks(paragraphs)
    if len(body) > LEGAL_QUOTE_LIMIT and len(blocks) > 1:
        scores = [q.coverage(b) + q.figure_bonus(b) for b in blocks]
        number = max(range(len(blocks)), key=lambda i: (scores[i], -i))
        body = blocks[number]
        label += f"第{cn_number(number + int(m.get('paragraph') or 1))}款"
    elif m.get("paragraph"):
        label = hit.label
    if len(body) > LEGAL_QUOTE_LIMIT:
        body = matching_items(q, body)
    return f"根据{label}：“{body}”[{marker}]"


def matching_items(q: Question, block: str) -> str:
    """A long 款 with its 项 cut to the items the question names; "……" marks the cuts."""
    lines = block.split("\n")
    items = [i for i, line in enumerate(lines) if ITEM_LINE.match(line)]
    named = {i for i in items if any(t in normalize(lines[i]) for t in q.terms)}
    if not named or len(named) == len(items):
        return block
    out: list[str] = []
    for i, line in enumerate(lines):
        if i not in items or i in named:
            out.append(line)
        elif out[-1] != "……":
            out.append("……")
    return "\n".join(out)
