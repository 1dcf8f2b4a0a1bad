"""Stage 4 for questions on the law: the direct answer first, then the article, then the local rule.

A legal question (怎么处罚, 有什么规定) is answered by the clause that answers it
("侵占人民防空工程的，……对单位并处一万元至五万元的罚款"), then the governing article quoted,
then the matching provision of a local regulation when the knowledge base holds one
(人民防空法第四十九条 with the matching article of 北京市人民防空条例). A question for a figure
(罚款最多多少, a follow-up included) gets the clause holding the figure with its citation only.
"""

from __future__ import annotations

import re

from assistant.core.answering.passage import (
    article_sentences,
    hit_lines,
    is_article,
    is_penalty,
    paragraph_blocks,
    strip_label,
)
from assistant.core.answering.question import Question, has_figure, normalize
from assistant.core.answering.quotation import quote_article
from assistant.documents import Hit

_LEAD = re.compile(r"^(?:有)?(?:下列|以下)(?:行为|情形)之一的[，,]\s*")
_CLAUSES = re.compile(r"(?<=[，,；;：:])")
_LOCAL = re.compile(r"^(?:北京|天津|上海|重庆|[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,5}自治区|[\u4e00-\u9fff]{2,4}市)")
_SANCTION = re.compile(r"罚款|处分|吊销|拘留|没收")
FACT_CHARS = 260  # a direct answer longer than this is no answer: the article is quoted
MIN_LOCAL_COVER = 0.35  # share of the question a local provision must cover to be quoted


def _best_sentence(q: Question, hit: Hit) -> str:
    return max(article_sentences(hit), key=lambda s: q.coverage(s) + q.figure_bonus(s) + q.kind_bonus(s))


def direct_answer(q: Question, hit: Hit) -> str:
    """The clauses of the article that answer the question, as one plain sentence (or "");
    a question with several asks gets each ask's clauses, in the article's order."""
    if q.parts:
        answers = [a for a in dict.fromkeys(_direct(p, hit) for p in q.parts) if a]
        body = normalize(strip_label(hit.text))
        answers.sort(key=lambda a: body.find(normalize(a)[:12]))
        return "；".join(a for a in answers if not any(a != b and a in b for b in answers))
    return _direct(q, hit)


def _direct(q: Question, hit: Hit) -> str:
    sentence = _best_sentence(q, hit)
    lead, _, item = sentence.partition("\n")
    if not item:  # a 项 read with its lead-in: "有下列行为之一的，X：" + "（一）侵占…的；"
        m = re.search(r"[：:]\s*([（(][一二三四五六七八九十]+[）)].*)$", sentence)
        lead, item = (sentence[: m.start() + 1], m.group(1)) if m else (sentence, "")
    if item and _LEAD.search(lead):
        condition = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", item).rstrip("；;。")
        sentence = f"{condition}，{_LEAD.sub('', lead).rstrip('：:')}"
    clauses = [c for c in _CLAUSES.split(sentence) if c.strip()]
    keep = clauses  # the whole rule: who does what, and the sanction
    if q.quantity:
        figures = [c for c in clauses if q.unit is not None and q.unit.search(c)]
        keep = figures or [c for c in clauses if has_figure(c)] or clauses
    text = "".join(keep).strip().rstrip("，,；;：:。")
    if q.penalty and not has_figure(text):
        text = scale(hit) or text  # "可以按下列规定并处罚款：" + the amounts in its items
    if q.quantity and item and keep != clauses:
        condition = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", item).rstrip("；;。")
        if not has_figure(condition):
            text = f"{condition}，{text}"
        elif not has_figure(lead):  # the figures are in the items: the whole scale
            text = scale(hit) or text
    return text


def _clause_answer(q: Question, hit: Hit, direct: str, marker: int) -> str:
    """The direct answer with its article; the 款 holding it quoted when it says more."""
    label = f"《{hit.metadata['law']}》{hit.metadata['article']}"
    quoted, where = clause_quote(hit, direct)
    if q.quantity and not q.parts or len(normalize(direct)) >= 0.8 * len(normalize(quoted)):
        return f"根据{label}，{direct}[{marker}]。"  # one figure asked: the clause is the answer
    return f"{direct}[{marker}]。\n根据{label}{where}：“{quoted}”[{marker}]"


_AMOUNT = re.compile(r"([\d.]+|[零〇一二两三四五六七八九十百千]+)(万|亿)?(元|工作日|日|天|个月|年|%)")


def _amounts(text: str) -> set[tuple[float, str]]:
    """The amounts and periods a clause sets, whatever the numerals (5000元 = 五千元)."""
    from assistant.numerals import chinese_to_int

    out = set()
    for number, scale, unit in _AMOUNT.findall(text):
        try:
            value = float(number) if number[0].isdigit() else float(chinese_to_int(number))
        except ValueError:
            continue
        value *= {"万": 1e4, "亿": 1e8}.get(scale, 1)
        out.add((value, "日" if unit == "天" else unit))
    return out


def _relation(national: str, local: str) -> str:
    """Whether Beijing's rule repeats the national one or sets its own terms (by their amounts)."""
    if _amounts(national) == _amounts(local):
        return "北京市的地方性法规与国家规定一致："
    return "北京市的地方性法规另有规定（细化或从严，以本市规定为准）："


def clause_quote(hit: Hit, direct: str) -> tuple[str, str]:
    """The 款 of the article that hold the direct answer, and where they are ("第二款"; "" for
    the whole article). The whole article goes to the sources panel, not into the answer."""
    from assistant.core.answering.quotation import cn_number

    blocks = paragraph_blocks(hit_lines(hit))
    pieces = [normalize(p)[:10] for p in direct.split("；") if p.strip()]
    held = [i for i, b in enumerate(blocks) if any(p in normalize(b) for p in pieces)]
    if not held or len(held) == len(blocks):
        return "\n".join(blocks), ""
    base = int(hit.metadata.get("paragraph") or 1)
    where = "、".join(f"第{cn_number(i + base)}款" for i in held)
    return "\n".join(blocks[i] for i in held), where


def scale(hit: Hit) -> str:
    """An article whose items set the amounts ("（一）不到500平方米的，处3万元以下罚款；…"),
    as its lead plus every item."""
    for block in paragraph_blocks(hit_lines(hit)):
        lead, *items = block.split("\n")
        if (
            len(items) > 1
            and lead.endswith(("：", ":"))
            and not has_figure(lead)
            and all(has_figure(i) for i in items)
        ):
            return (lead + "".join(items)).rstrip("；;。")
    return ""


def is_local(hit: Hit) -> bool:
    """Whether the article belongs to a local regulation (北京市…条例)."""
    return bool(_LOCAL.match(str(hit.metadata.get("law") or "")))


def companion(q: Question, main: Hit, hits: list[Hit]) -> Hit | None:
    """The matching article on the other level: the local rule for a national law's article,
    the national law's for a local one (another law, relevant to the question)."""
    law, local = main.metadata.get("law"), is_local(main)
    best, best_cover = None, MIN_LOCAL_COVER
    for hit in hits:
        other = str(hit.metadata.get("law") or "")
        if not is_article(hit) or other == law or is_local(hit) == local:
            continue
        if q.penalty and not (is_penalty(hit) or _SANCTION.search(hit.text)):
            continue
        cover = max(q.coverage(f"{other} {s}") for s in article_sentences(hit))
        if cover > best_cover:
            best, best_cover = hit, cover
    return best


def applying(main: Hit, hits: list[Hit]) -> Hit | None:
    """An article of the same law that sets the fine for ``main``'s acts
    ("有本办法第三十四条第（一）项……行为的，……并处1万元以上10万元以下罚款")."""
    ref = re.compile(rf"本(?:法|条例|办法|规定|细则){main.metadata.get('article')}")
    for hit in hits:
        same = hit.metadata.get("law") == main.metadata.get("law") and hit is not main
        if same and is_article(hit) and ref.search(hit.text) and has_figure(hit.text):
            return hit
    return None


def legal_answer(q: Question, main: Hit, hits: list[Hit]) -> tuple[str, list[Hit]] | None:
    """The shaped answer for a legal or figure question answered by the article ``main``.

    The national law governs: when the best article is a local rule and the law it applies
    was retrieved, the direct answer and first quote come from the law.
    """
    other = companion(q, main, hits)
    if other is not None and is_local(main) and q.shape != "fact":
        main, other = other, main
    direct = direct_answer(q, main)
    if not direct:
        return None
    if q.shape in ("fact", "procedure"):
        if (q.quantity and not has_figure(direct)) or len(direct) > FACT_CHARS:
            return None
        text = _clause_answer(q, main, direct, 1)
        if other is None or not q.mentions.home:
            return text, [main]
        paired = direct_answer(q, other)  # Beijing asked: the matching provision on the other level
        if not paired:
            return text, [main]
        (nat, nat_text), (loc, loc_text) = sorted(((main, direct), (other, paired)), key=lambda x: is_local(x[0]))
        lines = [_clause_answer(q, nat, nat_text, 1), _relation(nat_text, loc_text), _clause_answer(q, loc, loc_text, 2)]
        return "\n".join(lines), [nat, loc]
    used = [main]
    lines = [f"{direct}[1]。"]
    fine = applying(main, hits) if q.penalty and not has_figure(direct) else None
    if fine is not None:
        used.append(fine)
        lines.append(f"{_first_fine(fine)}[2]。")
    quotes = [quote_article(q, main, 1)]
    if other is not None:
        used.append(other)
        quote = quote_article(q, other, len(used))
        quotes.insert(0 if is_local(main) else 1, quote)
    if normalize(direct) in normalize(quotes[0]) and len(direct) > 0.8 * len(quotes[0]) - 20:
        lines.pop(0)  # the article is hardly longer than the direct answer: quote it once
    return "\n".join(lines + quotes), used


def _first_fine(hit: Hit) -> str:
    """The sentence of an article that sets a fine."""
    for sentence in article_sentences(hit):
        if has_figure(sentence):
            return sentence.rstrip("；;。")
    return ""
