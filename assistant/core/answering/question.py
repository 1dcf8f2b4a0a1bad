"""Question analysis: what a question asks, in the terms the offline scorer needs.

Stage 2 of the answer path. A question is parsed once per ask (:meth:`Question.parse`) into
jieba keywords, character bigrams, flags (asks for a quantity, a list, a penalty; points at
the office's own work…), its answer shape and report part (:mod:`.intent`); every later stage
reads that object, and scoring a candidate passage only does substring tests
(:meth:`Question.coverage`).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.core.answering.intent import Cues
from assistant.core.answering.scope import Mentions, Places
from assistant.core.answering.years import YEAR, asked_years, resolve_years
from assistant.core.ownwork import OWN_WORK, is_own_work

QUANTITY_CUES = tuple("多少 几 数量 比例 比率 多大 多高 多长 多久 人次 金额".split())
STOP_TERMS = frozenset(
    "什么 怎么 怎样 如何 哪些 哪个 是否 可以 应当 规定 有关 关于 情况 一下 请问 去年 今年 明年 "
    "这个 那个 以及 还是 还有 是不是 有没有 需要 一共 分别 最多 最高 最长 最少 上限 下限 能否 "
    "不要 要不要 能不能 可不可以 依据 根据".split()
)
_QUESTION_TOKEN = re.compile(
    r"^(?:几.?|多少.*|多长.*|多久|多大|多高|哪.*|什么.*|怎么.*|谁|最[多高长少低大短]能?|.说)$"
)
# Not questions: "这几个指标" points back; "第16条" is a citation, not content.
_MODAL = re.compile(r"^[能可要应会该](?=[\u4e00-\u9fff]$)")
_NOT_ASKING = re.compile(r"[这那该此上述]+[几些]个?|第[零〇一二两三四五六七八九十百千\d]+[条款项]")
QUESTION_PHRASE = re.compile(
    r"多少[钱次件个人场]?|多长时间|多久|几[次件个起处场支册级种类项名]?|哪[些个几条两]*|什么|怎么样?|"
    r"如何|是否|能否|要不要|能不能|有没有|是不是|[吗呢吧]"
)
STOP_CHARS = frozenset("的了吗呢吧啊么是在和与及或对把被为有个几多少请问那这其该")
ABBREVIATIONS = (("人民防空", "人防"),)  # staff write the short form; texts the long one
FIGURE = re.compile(  # a measured figure: 500余人次, 伍千伍百元, 30%, not a bare year
    r"[\d一二两三四五六七八九十百千万亿伍陆柒捌玖拾佰仟][\d.]*余?(?:万|亿)?"
    r"(?:人次|件|次|场|个|支|册|元|名|人|项|家|户|处|期|批|篇|所|%|％|倍|平方米)"
)
PERIOD = re.compile(r"(?<!\d)[一二两三四五六七八九十百\d]{1,3}个?(?:工作日|日|天|个月|年)")
_UNIT_ASKED = re.compile(r"(?:多少|几)(人次|万元|元|场|次|件|个|人|名|项|家|支|册|户|处|批|期|天)")
_MONEY_ASKED = re.compile(r"多少钱|罚款.{0,3}多少|罚了多少|罚多少|金额|罚款幅度|能罚|罚款.{0,2}最[多高]")
_PERIOD_ASKED = re.compile(r"多久|多长时间|期限|几天|几日|多少日|多少天|多少年|几年|时限")
_LIST_ASKED = re.compile(r"哪[些几两]|几[个项类种]|种类|分为|方面")
_PENALTY = re.compile(r"罚|处分|法律责任|追究")
_SANCTION_WORDS = frozenset(("处罚", "惩罚"))
_NORMATIVE = re.compile(
    r"应当|应该|可以|能否|能不能|要不要|需要|必须|是否|依据|规定|期限|罚|处分|不得|谁"
)
# Wording about work done (besides the own-work words of assistant.core.ownwork).
_REPORT_CUE = re.compile(r"全年|报告|开展了|做了|搞了|办了|查处了|完成了|举办了|明年")
ARTICLE_NO = re.compile(r"第([零〇一二两三四五六七八九十百\d]+)条")
_LIST_SENTENCE = re.compile(r"(?:分为|包括|种类|下列)[^。；]*、[^。；]*、")


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
    for tok in jieba.lcut(YEAR.sub(" ", normalize(text))):  # "2021年会前" is not "年会"
        tok = tok.strip()
        if len(tok) < 2 or tok in STOP_TERMS or _QUESTION_TOKEN.match(tok) or OWN_WORK.fullmatch(tok):
            continue
        tok = _MODAL.sub("", tok)  # "能罚" asks whether one may 罚: the content is 罚
        if re.fullmatch(r"[\d.]+", tok) or not re.search(r"\w", tok) or tok in out:
            continue
        out.append(tok)
    return out


def split_asks(text: str) -> list[str]:
    """The separate asks of a question: sentences ending in ？, or clauses that each ask
    ("多少天内申请，复查机关多少天内答复")."""
    sentences = [s for s in re.split(r"[？?；;]", text) if s.strip()]
    if len(sentences) == 1:
        clauses = [c for c in re.split(r"[，,]", text) if c.strip()]
        asking = [c for c in clauses if QUESTION_PHRASE.search(c)]
        sentences = clauses if len(asking) > 1 and len(asking) == len(clauses) else sentences
    asking = [s for s in sentences if QUESTION_PHRASE.search(s)]
    return asking if len(asking) > 1 else [text]


FOCUS_WEIGHT = 3.0  # the word asked about ("审结了多少") over the scene ("行政复议申请")
_FILLER = "了的是有为过"


def _focus(text: str, terms: Iterable[str]) -> tuple[str, ...]:
    """The term written right before the first question phrase ("审结了多少", "响应率是多少"),
    else the one right after it ("多少人参加")."""
    found = QUESTION_PHRASE.search(text)
    if not found:
        return ()
    before = text[: found.start()].rstrip(_FILLER)[-6:]
    after = text[found.end() :].lstrip(_FILLER)[:6]
    near = [t for t in terms if t in before and before.rindex(t) + len(t) >= len(before) - 1]
    return tuple(near or [t for t in terms if after.startswith(t)])


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" and c not in STOP_CHARS]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def asks_quantity(question: str) -> bool:
    """Whether the question asks for a number (多少人次, 几件, 比例…)."""
    return any(cue in question for cue in QUANTITY_CUES)


def has_report_cue(question: str, office_names: Iterable[str] = ()) -> bool:
    """Whether the wording points at the office's own work rather than at a law."""
    return bool(_REPORT_CUE.search(question)) or is_own_work(question, office_names)


def has_figure(text: str) -> bool:
    """Whether ``text`` holds a measured figure or a period (500余人次, 30日)."""
    return bool(FIGURE.search(text) or PERIOD.search(text))


def _cn_article(number: str) -> str:
    from assistant.numerals import int_to_chinese

    return int_to_chinese(int(number)) if number.isdigit() else number


@dataclass(frozen=True)
class Question:
    """What a question asks, parsed once per ask; every stage reads this object.

    ``query`` is the standalone question with relative years written out: the text sent to
    retrieval. ``weights`` are empty until :meth:`weigh` sees the retrieved passages.
    """

    text: str
    query: str
    terms: tuple[str, ...]
    grams: frozenset[str]
    asks: int  # how many things it asks for ("几起……罚了多少" = 2)
    quantity: bool
    unit: re.Pattern | None  # a figure carrying the unit asked for
    wants_list: bool
    penalty: bool
    report_cue: bool
    own_work: bool  # first person or the office itself: the answer is in its reports
    normative: bool
    shape: str = "fact"  # fact | list | summary | legal | procedure
    part: str | None = None  # report part asked about (measures, plans, …)
    topic: tuple[str, ...] = ()  # terms that name the topic, without generic report words
    years: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()  # articles it cites: "第二十二条"
    notes: tuple[str, ...] = ()  # how the question was read (relative years)
    focus: tuple[str, ...] = ()  # the words right at the question phrase: what is asked
    parts: tuple[Question, ...] = ()  # each ask of a question with several (…多少天？能延期吗？)
    mentions: Mentions = field(default_factory=Mentions)  # districts, offices, periods named
    laws: tuple[str, ...] = ()  # laws the question names (detected once, by the resolver)
    kinds: tuple[re.Pattern, ...] = ()  # how an answer to what is asked reads (之日起, 不得超过)
    kind_weight: float = 0.0
    weights: Mapping[str, float] = field(default_factory=dict)  # term → weight (length × idf)

    @classmethod
    def parse(
        cls, question: str, cues: Cues | None = None, office_names: Iterable[str] = (),
        report_years: Iterable[int] = (), this_year: int | None = None,
        places: Places | None = None, laws: Iterable[str] = (),
    ) -> Question:
        """Analyse ``question`` once; scoring then only does substring tests."""
        return cls._read(question, cues, office_names, report_years, this_year, places, laws)

    @classmethod
    def _read(
        cls, question: str, cues: Cues | None, office_names: Iterable[str],
        report_years: Iterable[int], this_year: int | None, places: Places | None,
        laws: Iterable[str], whole: bool = True,
    ) -> Question:
        cues = cues or Cues.load()
        office_names = tuple(office_names)
        years = resolve_years(question, report_years, this_year or date.today().year)
        query = years.text
        text = _NOT_ASKING.sub(" ", normalize(query))
        plain = YEAR.sub("", QUESTION_PHRASE.sub(" ", text))
        asked = _UNIT_ASKED.search(text)
        if asked:
            unit = re.compile(rf"[\d一二两三四五六七八九十百千万]余?{asked.group(1)}")
        elif _MONEY_ASKED.search(text):
            unit = re.compile(r"[\d一二两三四五六七八九十百千万伍陆柒捌玖拾佰仟]元")
        else:
            unit = PERIOD if _PERIOD_ASKED.search(text) else None
        own = is_own_work(question, office_names)
        part = cues.part(text)
        report = bool(own or YEAR.search(text) or _REPORT_CUE.search(text))
        report = report or part in cues.report_parts
        quantity = asks_quantity(text) or unit is not None
        terms = tuple(keywords(text))
        if _PENALTY.search(text):  # 处罚 is asked; texts say 罚款, 处…罚款: any 罚 answers
            terms = tuple(dict.fromkeys("罚" if t in _SANCTION_WORDS else t for t in terms))
        pieces = split_asks(query)
        parts = tuple(
            cls._read(p, cues, office_names, (), this_year, None, (), whole=False) for p in pieces
        ) if whole and len(pieces) > 1 else ()
        return cls(
            parts=parts,
            text=text,
            query=query,
            terms=terms,
            grams=frozenset(_bigrams(plain)),
            asks=max(1, len(re.findall(r"多少|多久|多长|几|哪|什么|是否|要不要|能不能", text))),
            quantity=quantity,
            unit=unit,
            wants_list=bool(_LIST_ASKED.search(text)),
            penalty=bool(_PENALTY.search(text)),
            report_cue=report,
            own_work=own,
            normative=bool(_NORMATIVE.search(text)),
            shape=cues.shape(text, report, quantity),
            part=part if report else None,
            topic=tuple(t for t in cues.topic(terms) if not any(t in o for o in office_names)),
            years=tuple(asked_years(query)),
            articles=tuple(f"第{_cn_article(n)}条" for n in ARTICLE_NO.findall(question)),
            notes=(years.note,) if years.note else (),
            focus=_focus(text, terms),
            mentions=Mentions.read(query, places) if places else Mentions(),
            laws=tuple(laws),
            kinds=cues.answer_kinds(text),
            kind_weight=cues.kind_bonus,
        )

    def weigh(self, texts: list[str]) -> Question:
        """This question with terms weighted by rarity among ``texts`` (words every passage
        shares decide nothing), and the words of the clause that asks above the scene-setters."""
        texts = [normalize(t) for t in texts]
        n = len(texts)
        clauses = [c for c in re.split(r"[，,；;]", self.text) if c.strip()]
        asking = [c for c in clauses if QUESTION_PHRASE.search(c)]
        focus = "".join(asking) if 0 < len(asking) < len(clauses) else ""
        weights = {}
        for t in self.terms:
            df = sum(t in text for text in texts)
            asked = FOCUS_WEIGHT if t in self.focus else 1.5 if t in focus else 1
            weights[t] = len(t) * (1 + math.log((n + 1) / (df + 1))) * asked
        return replace(self, weights=weights)

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

    def kind_bonus(self, text: str) -> float:
        """Sentences worded as an answer to what is asked (起算点: "之日起计算"; 上限: "不得超过")."""
        return self.kind_weight if any(k.search(text) for k in self.kinds) else 0.0

    def figure_bonus(self, text: str) -> float:
        """Quantity questions favour text holding a figure, more so the unit asked for."""
        if not self.quantity:
            return 0.0
        unit = 0.2 if self.unit is not None and self.unit.search(text) else 0.0
        return (0.25 if has_figure(text) else 0.0) + unit
