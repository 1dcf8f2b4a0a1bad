"""Multi-turn state: past turns plus the law and article in focus, and follow-up resolution.

Offline (no LLM), a follow-up is resolved by carrying the focus over:

- ``那第二款呢？`` → same law and article, paragraph 2 (an exact citation);
- ``第三十三条呢？`` → same law, article 33 (an exact citation);
- a question that names no law → the law in focus is named in the standalone question
  (``《人民防空法》…``), unless it asks about the office's own work (``我们``, a year…);
- ``那一年…`` / ``当年…`` → the year the conversation was about (``2021年…``);
- an elliptical question (``对单位最多能罚多少？``, ``这几个指标完成得怎么样？``: a demonstrative, or
  hardly any content words of its own) → prefixed with the topic of the latest question that has
  one (``人防工程被侵占，对单位最多能罚多少？``).

With an LLM the question is first condensed by ``prompts/condense_v1.yaml`` (see ``service.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.core.answering.question import QUESTION_PHRASE, has_report_cue, keywords
from assistant.core.answering.years import YEAR

_NUM = r"[零〇一二两三四五六七八九十百千\d]+"
ARTICLE_REF = re.compile(rf"第{_NUM}条(?:之{_NUM})?")
PARAGRAPH_REF = re.compile(rf"第{_NUM}款")
ITEM_REF = re.compile(rf"第{_NUM}项")
YEAR_REF = re.compile(r"(?:那|这|该|同|当)一?年(?:度)?")
_DEMONSTRATIVE = re.compile(r"(?:这|那|该|此|上述)(?:几|些|种|类|项|个|方面)")
_ASKING = re.compile(r"[？?吗呢]|多少|多久|几|哪|什么|怎么|如何|是否|能否|要不要|能不能|谁")
_PLURAL = re.compile(r"(?:这|那|上述)(?:几|些)[个项种类条]?")
MIN_TOPIC_CHARS = 4  # content-word characters a question needs to stand on its own
SHORT_FOLLOWUP = 12  # a question this short, after one on a law, stays on that law


class _Parser(Protocol):
    def parse(self, text: str) -> list[Any]: ...


class _Names(Protocol):
    def detect(self, query: str) -> list[str]: ...  # optional: match_before(text, end)


@dataclass
class Turn:
    """One question and the answer given to it."""

    question: str
    answer: str


@dataclass
class Conversation:
    """Turns of one chat plus the law/article the last answer was about.

    Pass the same object to every ``AnswerService.ask`` call of a chat; the service records
    each turn and updates the focus. Plain histories (Gradio message dicts or
    ``(question, answer)`` pairs) are converted with :meth:`coerce`.
    """

    turns: list[Turn] = field(default_factory=list)
    focus_law: str | None = None
    focus_article: str | None = None  # e.g. "第三十二条"

    def record(
        self, question: str, answer: str, law: str | None = None, article: str | None = None
    ) -> None:
        """Append a turn; a law (and article) in the answer becomes the new focus."""
        self.turns.append(Turn(question, answer))
        if law:
            self.focus_law, self.focus_article = law, article

    def transcript(self, max_turns: int = 3, max_chars: int = 300) -> str:
        """Recent turns as text for prompts, answers shortened to ``max_chars``."""
        lines: list[str] = []
        for turn in self.turns[-max_turns:]:
            answer = (
                turn.answer if len(turn.answer) <= max_chars else turn.answer[:max_chars] + "……"
            )
            lines += [f"用户：{turn.question}", f"助手：{answer}"]
        return "\n".join(lines)

    @classmethod
    def coerce(cls, history: Conversation | Iterable[Any] | None) -> Conversation:
        """Accept a Conversation, Gradio ``{"role", "content"}`` dicts or ``(q, a)`` pairs."""
        if history is None:
            return cls()
        if isinstance(history, Conversation):
            return history
        conv = cls()
        pending: str | None = None
        for item in history:
            if isinstance(item, dict):
                role, content = item.get("role"), _text(item.get("content"))
                if role == "user":
                    pending = content
                elif role == "assistant" and pending is not None:
                    conv.turns.append(Turn(pending, content))
                    pending = None
            elif isinstance(item, Sequence) and len(item) == 2:
                conv.turns.append(Turn(_text(item[0]), _text(item[1])))
        return conv


def _text(content: Any) -> str:
    # Gradio may hand over multimodal content lists; keep their text parts only.
    if isinstance(content, list):
        return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return "" if content is None else str(content)


@dataclass
class Resolved:
    """A question made standalone, plus the laws retrieval should favour."""

    question: str
    laws: list[str] = field(default_factory=list)
    carried_over: bool = False


def find_focus(conversation: Conversation, parser: _Parser) -> tuple[str | None, str | None]:
    """Law and article in focus: the recorded focus, else the latest citation in the turns."""
    if conversation.focus_law:
        return conversation.focus_law, conversation.focus_article
    for turn in reversed(conversation.turns):
        for text in (turn.question, turn.answer):
            for cite in parser.parse(text):
                if getattr(cite, "law", None):
                    return cite.law, getattr(cite, "article", None)
    return None, None


_LAW_NAME_END = re.compile(r"(?:法|法典|条例|办法|规定|细则|决定)》?$")


def named_laws(question: str, names: _Names) -> list[str]:
    """Laws the question writes by name (《…》 or a known name or alias), in order."""
    match_before = getattr(names, "match_before", None)
    found: list[str] = []
    if match_before is not None:
        for end in range(2, len(question) + 1):
            hit = match_before(question, end)
            if hit and hit[0] not in found and _LAW_NAME_END.search(question[:end]):
                found.append(hit[0])
    if not found and "《" in question:
        found = list(names.detect(question))
    return found


def names_law_explicitly(question: str, names: _Names, detected: list[str]) -> bool:
    """Whether the question writes a law's name (not merely implies one by topic keywords)."""
    if "《" in question:
        return True
    match_before = getattr(names, "match_before", None)
    if match_before is None:  # detectors without name positions: trust detect()
        return bool(detected)
    return any(match_before(question, end) for end in range(2, len(question) + 1))


def resolve_followup(
    question: str,
    conversation: Conversation,
    names: _Names,
    parser: _Parser,
    office_names: Iterable[str] = (),
) -> Resolved:
    """Rewrite a follow-up against the focus of the conversation (no LLM needed).

    A follow-up on a law keeps the law in focus by naming it (``《…》`` + the question), so
    retrieval ranks it exactly as it would rank that question typed out.

    Args:
        question: The user's latest question.
        conversation: Earlier turns (may be empty).
        names: Detects law names in the question (``LawNames``).
        parser: Parses citations in earlier turns (``CitationResolver``).
        office_names: The office's own names (questions about them are about own work).
    """
    detected = list(names.detect(question))
    if not conversation.turns:
        return Resolved(question, detected)
    question = fill_year(question, conversation)
    if names_law_explicitly(question, names, detected):
        return Resolved(question, detected)
    law, article = find_focus(conversation, parser)
    report = has_report_cue(conversation.turns[-1].question, office_names)
    standalone = carry_topic(question, conversation, report)
    if not law or has_report_cue(question, office_names):
        return Resolved(standalone, detected, standalone != question)
    article_ref = ARTICLE_REF.search(question)
    para_ref = PARAGRAPH_REF.search(question)
    item_ref = ITEM_REF.search(question)
    if article_ref:
        tail = "".join(m.group(0) for m in (para_ref, item_ref) if m)
        return Resolved(f"{law}{article_ref.group(0)}{tail}", [law], True)
    if (para_ref or item_ref) and article:
        tail = "".join(m.group(0) for m in (para_ref, item_ref) if m)
        return Resolved(f"{law}{article}{tail}", [law], True)
    if standalone == question and len(question) > SHORT_FOLLOWUP:
        return Resolved(question, detected)  # it has a topic of its own: it stands alone
    # Elliptical: the law under discussion is named along with the topic carried over.
    return Resolved(f"《{law}》{standalone}", [law, *(d for d in detected if d != law)], True)


def fill_year(question: str, conversation: Conversation) -> str:
    """Replace ``那一年``/``当年`` with the latest year named in the conversation."""
    if not YEAR_REF.search(question) or YEAR.search(question):
        return question
    for turn in reversed(conversation.turns):
        for text in (turn.question, turn.answer):
            years = YEAR.findall(text)
            if years:
                return YEAR_REF.sub(f"{years[-1]}年", question, count=1)
    return question


_OPENER = re.compile(r"^(?:那么|那|还有|另外|再问一下)[，,]?")
_MEASURE = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:率|额|比例|人数|数量|总数|金额))(?:呢|是多少|有多少|为多少|多少)$")
_NOUN = re.compile(r"^([\u4e00-\u9fff]{2,8})呢$")
# "原因是什么" / "依据有哪些": a noun asked of the prior question's subject.
_WHAT = re.compile(r"^([\u4e00-\u9fff]{2,6}?)(?:是什么|是啥|有哪些|有什么|是哪些)$")


def rewrite_ask(prior: str, question: str) -> str | None:
    """A follow-up on a report question made standalone: the prior question's scene (year,
    office, topic) kept, only what is asked changed; None when the pattern does not fit.

    ``区司法局2023年收到多少行政复议申请`` + ``审结了多少？`` → ``区司法局2023年审结了多少行政复议申请？``;
    ``2021年人防办开了几次办公会`` + ``党组会呢？`` → ``2021年人防办开了几次党组会？``;
    ``2021年我们接诉即办处置了多少件`` + ``满意率呢？`` → ``2021年我们接诉即办处置满意率是多少？``.
    """
    import jieba

    ask = _OPENER.sub("", question.strip()).rstrip("？?。! ")
    prior = prior.strip().rstrip("？?。! ")
    found = QUESTION_PHRASE.search(prior)
    if not found or not ask or "的" in ask:
        return None
    head = re.sub(r"[了过有是]+$", "", prior[: found.start()])
    words = jieba.lcut(head)
    verb = words[-1] if words and len(words[-1]) >= 2 and not YEAR.search(words[-1]) else ""
    scene = head[: len(head) - len(verb)]
    tail = prior[found.end() :]
    if measure := _MEASURE.match(ask):
        return f"{head}{measure.group(1)}是多少？"
    if what := _WHAT.match(ask):
        return f"{head.rstrip('的')}的{what.group(1)}{ask[what.end(1):]}？"
    if (noun := _NOUN.match(ask)) and not noun.group(1).startswith(("对", "在", "如果", "要是")):
        return f"{prior[: found.end()]}{noun.group(1)}？" if len(tail) >= 2 else f"{head}{noun.group(1)}是多少？"
    asked = QUESTION_PHRASE.search(ask)
    if not asked:
        return None
    if asked.start() == 0:  # 多少人参加: the prior's object is the topic
        return f"{scene}{tail}，{ask}？" if tail else None
    return f"{scene}{ask}{tail if asked.end() == len(ask) else ''}？"


def carry_topic(question: str, conversation: Conversation, report: bool = False) -> str:
    """Make an elliptical question standalone: a follow-up on a report question by
    :func:`rewrite_ask`, others prefixed with the topic of the latest question that has one."""
    if report and conversation.turns and not YEAR.search(question):
        rewritten = rewrite_ask(conversation.turns[-1].question, question)
        if rewritten:
            return rewritten
    own = sum(len(t) for t in keywords(question))
    if own >= MIN_TOPIC_CHARS and not _DEMONSTRATIVE.search(question):
        return question
    plural = _PLURAL.search(question)
    if plural and conversation.turns:  # "这几个指标" = the items the last answer listed
        items = listed_items(conversation.turns[-1])
        if items:
            end = plural.end() + len(_first_word(question[plural.end() :]))
            return f"{question[:end]}（{items}）{question[end:]}"
    own_year = bool(YEAR.search(question))
    for turn in reversed(conversation.turns):
        topic = topic_of(turn.question, keep_year=not own_year)
        if topic and topic not in question:
            return f"{topic}，{question}"
    return question


def _first_word(text: str) -> str:
    import jieba

    words = jieba.lcut(text)
    return words[0] if words and re.match(r"[\u4e00-\u9fff]", words[0]) else ""


def listed_items(turn: Turn) -> str:
    """The enumeration (A、B、C) in an answer that bears most on the question it answered.

    Later keywords weigh more: in Chinese the head noun asked about ("核心指标") comes last.
    """
    terms = keywords(turn.question)
    best, best_score = "", 0
    for clause in re.split(r"[，,。；;：:\n]", turn.answer):
        if clause.count("、") < 2:
            continue
        score = sum(i + 1 for i, t in enumerate(terms) if t in clause)
        if score > best_score:
            best, best_score = clause, score
    if not best:
        return ""
    items = best.split("、")
    # Trim the words around the list ("以响应率" … "满意率为核心内容") to the neighbours' length.
    items[0] = items[0][-max(2, len(items[1])) :]
    items[-1] = items[-1][: max(2, len(items[-2]))]
    return "、".join(items)


def topic_of(question: str, keep_year: bool = True) -> str:
    """What a question is about: its clauses that ask nothing (or the asking clause without its
    question words), without citations; its year too unless the follow-up names its own."""
    text = ARTICLE_REF.sub("", PARAGRAPH_REF.sub("", ITEM_REF.sub("", question)))
    text = text if keep_year else YEAR.sub("", text)
    clauses = [c.strip() for c in re.split(r"[，,；;。？?！!]", text) if c.strip()]
    statements = [c for c in clauses if not _ASKING.search(c)]
    topic = "，".join(statements) or QUESTION_PHRASE.sub("", "".join(clauses))
    topic = re.sub(r"(?:了|的|在|有|是|要|都)+$", "", topic.strip())
    return topic if sum(len(t) for t in keywords(topic)) >= MIN_TOPIC_CHARS else ""
