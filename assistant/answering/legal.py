"""Stage 4 for questions on the law: the direct answer first, then the article, then the local rule.

A legal question (怎么处罚, 有什么规定) is answered by the clause that answers it
("侵占人民防空工程的，……对单位并处一万元至五万元的罚款"), then the governing article quoted,
then the matching provision of a local regulation when the knowledge base holds one
(人民防空法第四十九条 with the matching article of 北京市人民防空条例). A question for a figure
(罚款最多多少, a follow-up included) gets the clause holding the figure with its citation only.
"""

from __future__ import annotations

import re

from assistant.answering.passage import article_sentences, is_article, is_penalty
from assistant.answering.question import Question, has_figure, normalize
from assistant.answering.quotation import quote_article
from assistant.documents import Hit

_LEAD = re.compile(r"^(?:有)?(?:下列|以下)(?:行为|情形)之一的[，,]\s*")
_CLAUSES = re.compile(r"(?<=[，,；;：:])")
_LOCAL = re.compile(r"^(?:北京|天津|上海|重庆|[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,5}自治区|[\u4e00-\u9fff]{2,4}市)")
MIN_LOCAL_COVER = 0.35  # share of the question a local provision must cover to be quoted


def _best_sentence(q: Question, hit: Hit) -> str:
    return max(article_sentences(hit), key=lambda s: q.coverage(s) + q.figure_bonus(s))


def direct_answer(q: Question, hit: Hit) -> str:
    """The clauses of the article that answer the question, as one plain sentence (or "")."""
    sentence = _best_sentence(q, hit)
    lead, _, item = sentence.partition("\n")
    if not item:  # a 项 read with its lead-in: "有下列行为之一的，X：" + "（一）侵占…的；"
        m = re.search(r"[：:]\s*([（(][一二三四五六七八九十]+[）)].*)$", sentence)
        lead, item = (sentence[: m.start() + 1], m.group(1)) if m else (sentence, "")
    if item and _LEAD.search(lead):
        condition = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", item).rstrip("；;。")
        sentence = f"{condition}，{_LEAD.sub('', lead).rstrip('：:')}"
    clauses = [c for c in _CLAUSES.split(sentence) if c.strip()]
    if q.quantity and q.unit is not None:
        keep = [c for c in clauses if q.unit.search(c)] or [c for c in clauses if has_figure(c)]
    else:
        keep = clauses  # the whole rule: who does what, and the sanction
    text = "".join(keep).strip().rstrip("，,；;：:。")
    if q.quantity and item and keep != clauses:
        condition = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", item).rstrip("；;。")
        text = f"{condition}，{text}" if condition not in text else text
    return text


def local_provision(q: Question, main: Hit, hits: list[Hit]) -> Hit | None:
    """The matching article of a local regulation among the hits (not the main one's law)."""
    law = main.metadata.get("law")
    best, best_cover = None, MIN_LOCAL_COVER
    for hit in hits:
        other = str(hit.metadata.get("law") or "")
        if not is_article(hit) or other == law or not _LOCAL.match(other):
            continue
        if q.penalty and not is_penalty(hit):
            continue
        cover = max(q.coverage(f"{other} {s}") for s in article_sentences(hit))
        if cover > best_cover:
            best, best_cover = hit, cover
    return best


def legal_answer(q: Question, main: Hit, hits: list[Hit]) -> tuple[str, list[Hit]] | None:
    """The shaped answer for a legal or figure question answered by the article ``main``."""
    direct = direct_answer(q, main)
    if not direct:
        return None
    label = f"《{main.metadata['law']}》{main.metadata['article']}"
    if q.shape == "fact":
        if not (q.quantity and has_figure(direct)) or len(direct) > 200:
            return None
        return f"根据{label}，{direct}[1]。", [main]
    lines = [f"{direct}[1]。", quote_article(q, main, 1)]
    used = [main]
    local = local_provision(q, main, hits)
    if local is not None:
        used.append(local)
        lines.append(quote_article(q, local, 2).replace("根据", "地方性法规：", 1))
    if normalize(direct) in normalize(lines[1]) and len(direct) > 0.8 * len(lines[1]) - 20:
        lines.pop(0)  # the article is hardly longer than the direct answer: quote it once
    return "\n".join(lines), used
