"""Exact article lookup and citation checking (《X法》第三十二条第一款第（二）项).

Articles come straight from the law library (every law in it, ingested or not) and, for
regulations it lacks (国务院条例、北京市地方性法规), from an :class:`ArticleSource` the
knowledge base provides. A wrong article number never yields another article's text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from assistant.lawlib import LawLibrary
from assistant.lawnames import LawNames
from assistant.numerals import article_label, chinese_to_int, int_to_chinese

_NUM = r"[零〇○一二两三四五六七八九十百千0-9０-９]+"
_ARTICLE = re.compile(
    rf"第\s*(?P<art>{_NUM})\s*条(?:之(?P<sub>{_NUM}))?"
    rf"(?:\s*第\s*(?P<para>{_NUM})\s*款)?"
    rf"(?:\s*第\s*[（(]?\s*(?P<item>{_NUM})\s*[）)]?\s*项)?"
)
_ANAPHOR = re.compile(r"(?:该|本|同|此|上述)(?:法律|法|条例|规定|办法)$")
_LIST_SEP = re.compile(r"\s*(?:、|，|,|和|及|以及|与|或者|或|至|到)\s*")
_RUN = re.compile(r"[\u4e00-\u9fff（）()·0-9-]+$")
_LEAD = re.compile(
    r"^(?:请|帮我|查询|查找|查一下|查|看看|根据|依据|依照|按照|参照|对照|违反|适用|遵照)+"
)
_VERB = re.compile(r"根据|依据|依照|按照|参照|对照|违反|适用|遵照|执行|落实|贯彻|学习|宣传|对于")
_LAW_SUFFIX = re.compile(r"(?:法|法典|条例|规定|办法|细则|规则|决定)$")
_QUOTE = re.compile(
    # “…” right after the citation, or after 规定/指出…; a bare comma does not introduce a quote.
    r"\s*(?:(?:中)?(?:明确|明文)?(?:规定|指出|要求|载明)(?:的|了)?\s*[:：，,]?|[:：])?\s*"
    r"[“「\"](?P<q>[^”」\"]{1,800})[”」\"]"
)
_FILLER = re.compile(
    r"是什么|是怎么|怎么|如何|什么|哪些|有哪些|具体|规定|内容|原文|全文|条文|的|了|吗|呢|请|"
    r"查询|查找|查一下|查|找|一下|看看|给出|显示|说|讲|是"
)
_ITEM_LINE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_STRIP = re.compile(r"[\W_]+", re.UNICODE)
_ELLIPSIS = re.compile(r"……|…|\.{3,}|⋯+")
_SUPERSEDED = {"superseded", "已废止", "失效", "已失效", "历史版本"}
LAWLIB_SOURCE = "法律库"


@dataclass
class Citation:
    """One reference to an article found in text."""

    raw: str
    law_query: str
    law: str | None
    article_no: int
    paragraph: int | None
    item: int | None
    start: int
    end: int
    quote: str | None
    sub: int = 0  # 第十条之一 -> 1

    @property
    def article(self) -> str:
        """Article heading, e.g. ``第三十二条`` or ``第十条之一``."""
        label = article_label(self.article_no)
        return f"{label}之{int_to_chinese(self.sub)}" if self.sub else label


def _label(law: str | None, article: str | None, paragraph: int | None, item: int | None) -> str:
    label = f"《{law}》{article or ''}" if law else (article or "")
    if paragraph:
        label += f"第{int_to_chinese(paragraph)}款"
    if item:
        label += f"第（{int_to_chinese(item)}）项"
    return label


@dataclass
class CiteResult:
    """Outcome of looking one citation up."""

    found: bool
    query: str
    law: str | None = None
    article: str | None = None
    article_no: int | None = None
    paragraph: int | None = None
    item: int | None = None
    text: str = ""
    full_text: str = ""
    chapter: str | None = None
    status: str = "current"
    replaced_by: str | None = None
    source: str = ""
    message: str = ""
    suggestions: list[str] = field(default_factory=list)

    def label(self) -> str:
        """How staff cite it, e.g. ``《中华人民共和国行政处罚法》第三十二条第一款``."""
        return _label(self.law, self.article, self.paragraph, self.item)

    def to_json(self) -> dict[str, Any]:
        """Serialisable form (shaped like a search hit) for ``--json`` and the UI."""
        return {
            "found": self.found,
            "query": self.query,
            "law": self.law,
            "article": self.article,
            "label": self.label() if self.law else None,
            "title": self.law,
            "doc_type": "regulation",
            "source": self.source,
            "text": self.text,
            "full_text": self.full_text,
            "chapter": self.chapter,
            "status": self.status,
            "replaced_by": self.replaced_by,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "score": 1.0 if self.found else 0.0,
        }


CheckStatus = Literal["ok", "article_missing", "law_unknown", "superseded", "quote_mismatch"]


@dataclass
class CitationCheck:
    """Verdict on one citation found in a draft."""

    citation: Citation
    status: CheckStatus
    message: str
    replaced_by: str | None = None
    text: str | None = None  # the article as it really reads, when found

    def to_json(self) -> dict[str, Any]:
        """Serialisable form for ``--json`` and the UI."""
        c = self.citation
        data = {k: v for k, v in asdict(c).items() if k != "sub"}
        data["article"] = c.article
        data["label"] = _label(c.law or c.law_query, c.article, c.paragraph, c.item)
        data.update(status=self.status, message=self.message, replaced_by=self.replaced_by)
        data["text"] = self.text
        return data


class ArticleSource(Protocol):
    """Articles of regulations the law library lacks (the knowledge base implements this)."""

    def law_names(self) -> list[str]: ...

    def find_article(self, law: str, article_no: int) -> dict | None: ...

    def article_numbers(self, law: str) -> list[int]: ...


def _to_int(text: str | None) -> int | None:
    if not text:
        return None
    return chinese_to_int(re.sub(r"\s", "", text))


def _open_bracket(text: str, close: int) -> int | None:
    """Index of the 《 matching the 》 at ``close`` (names may nest: 《北京市实施《档案法》办法》)."""
    depth = 0
    for k in range(close, max(-1, close - 120), -1):
        if text[k] == "》":
            depth += 1
        elif text[k] == "《":
            depth -= 1
            if depth == 0:
                return k
    return None


def _split_paragraphs(text: str) -> list[list[str]]:
    """款 of an article; item lines （一）（二） belong to the 款 before them."""
    paragraphs: list[list[str]] = []
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        if _ITEM_LINE.match(line) and paragraphs:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def _plain(text: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", text))


def quote_matches(quote: str, article_text: str) -> bool:
    """Whether a quote is (punctuation and spacing aside) taken from the article; …… skips text."""
    haystack = _plain(article_text)
    pos = 0
    for part in (_plain(p) for p in _ELLIPSIS.split(quote)):
        if not part:
            continue
        found = haystack.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


def _date_cn(iso: str) -> str:
    """2022-05-01 -> 2022年5月1日 (anything else is returned as is)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso or "")
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m else iso


@dataclass
class _Article:
    article: str
    text: str
    chapter: str | None
    source: str
    status: str


class CitationResolver:
    """Parse, look up and verify article citations against the law library and local regulations."""

    def __init__(
        self, lawlib: LawLibrary | None, names: LawNames, local: ArticleSource | None = None
    ):
        self.lawlib = lawlib
        self.names = names
        self.local = local
        self._lib_laws: set[str] | None = None

    # -- sources -----------------------------------------------------------------------------

    def _library_laws(self) -> set[str]:
        if self._lib_laws is None:
            self._lib_laws = set(self.lawlib.law_names()) if self.lawlib is not None else set()
            for name in self._lib_laws:
                self.names.add(name)
        return self._lib_laws

    def _sync_names(self) -> None:
        # Regulations may be added to the knowledge base while the app runs.
        self._library_laws()
        if self.local is not None:
            for name in self.local.law_names():
                self.names.add(name)

    def _fetch(self, law: str, article_no: int, sub: int) -> _Article | None:
        if law in self._library_laws():
            found = self.lawlib.find_article(law, article_no, sub)
            if found is None:
                return None
            return _Article(found.article, found.text, found.chapter, LAWLIB_SOURCE, "current")
        if self.local is None:
            return None
        data = self.local.find_article(law, article_no)
        expected = article_label(article_no) + (f"之{int_to_chinese(sub)}" if sub else "")
        if not data or (data.get("article") or expected) != expected:
            return None
        text = re.sub(rf"^\s*{re.escape(expected)}\s*", "", data.get("text") or "")
        status = "superseded" if data.get("status") in _SUPERSEDED else "current"
        return _Article(
            expected, text, data.get("chapter"), data.get("source") or "本地知识库", status
        )

    def _numbers(self, law: str) -> list[int]:
        if law in self._library_laws():
            return self.lawlib.article_numbers(law)
        return list(self.local.article_numbers(law)) if self.local is not None else []

    # -- parsing -----------------------------------------------------------------------------

    def parse(self, text: str) -> list[Citation]:
        """Every article citation in ``text``, in order of appearance."""
        self._sync_names()
        return self._parse(text, loose=False)

    def _parse(self, text: str, loose: bool) -> list[Citation]:
        cites: list[Citation] = []
        for m in _ARTICLE.finditer(text):
            law = self._law_before(text, m.start(), cites, loose)
            if law is None:
                continue
            try:
                numbers = [_to_int(m[g]) for g in ("art", "sub", "para", "item")]
            except ValueError:
                continue
            quote = _QUOTE.match(text, m.end())
            cites.append(
                Citation(
                    raw=text[law[2] : m.end()],
                    law_query=law[0],
                    law=law[1],
                    article_no=numbers[0],
                    paragraph=numbers[2],
                    item=numbers[3],
                    start=law[2],
                    end=m.end(),
                    quote=quote["q"] if quote else None,
                    sub=numbers[1] or 0,
                )
            )
        return cites

    def _law_before(
        self, text: str, pos: int, cites: list[Citation], loose: bool
    ) -> tuple[str, str | None, int] | None:
        """(name as written, full name or None, start) of the law a 第X条 at ``pos`` belongs to."""
        j = pos
        while j > 0 and text[j - 1] in " \t\u3000":
            j -= 1
        if j > 0 and text[j - 1] == "》":
            opening = _open_bracket(text, j - 1)
            if opening is not None:
                written = text[opening + 1 : j - 1]
                return written, self.names.canonical(written), opening
        hit = self.names.match_before(text, j)
        if hit is not None:
            return text[hit[1] : j], hit[0], hit[1]
        if cites:
            prev = cites[-1]
            anaphor = _ANAPHOR.search(text, max(0, j - 4), j)
            if anaphor:
                return anaphor[0], prev.law, anaphor.start()
            if _LIST_SEP.fullmatch(text, prev.end, pos) or prev.end == pos:
                return prev.law_query, prev.law, pos
        return self._unknown_before(text, j, loose)

    def _unknown_before(self, text: str, j: int, loose: bool) -> tuple[str, str | None, int] | None:
        run = _RUN.search(text, max(0, j - 40), j)
        if run is None:
            return None
        name = _VERB.split(_LEAD.sub("", run[0]))[-1].lstrip("0123456789-年月日")
        if _ANAPHOR.search(name) or len(name) < 2:
            return None
        canonical = self.names.canonical(name)
        if not loose and canonical is None and (len(name) < 3 or not _LAW_SUFFIX.search(name)):
            return None
        return name, canonical, j - len(name)

    # -- lookup ------------------------------------------------------------------------------

    def is_citation(self, query: str) -> bool:
        """Whether the query is essentially one explicit citation (so it needs no retrieval)."""
        self._sync_names()
        cites = self._parse(query, loose=True)
        if not cites:
            return False
        rest = query
        for c in reversed(cites):
            rest = rest[: c.start] + rest[c.end :]
        return len(_plain(_FILLER.sub("", rest))) <= 2

    def resolve(self, query: str) -> CiteResult:
        """Look up the article a query cites; never returns another article's text."""
        self._sync_names()
        cites = self._parse(query, loose=True)
        if cites:
            return self._lookup(cites[0], query)
        law = self.names.canonical(query)
        if law:
            message = f"请指明条号，例如“《{law}》第一条”。"
        else:
            message = "未能识别法条引用，请按“《法规名称》第X条”的格式输入，例如“《中华人民共和国行政处罚法》第三十二条”。"
        return CiteResult(found=False, query=query, law=law, message=message)

    def _lookup(self, c: Citation, query: str) -> CiteResult:
        if c.law is None:
            suggestions = self.names.suggest(c.law_query)
            message = f"未找到法规“{c.law_query}”"
            if suggestions:
                message += "，您是否要找：" + "、".join(f"《{s}》" for s in suggestions)
            return CiteResult(False, query, message=message + "。", suggestions=suggestions)
        result = CiteResult(False, query, c.law, c.article, c.article_no, c.paragraph, c.item)
        replaced = self.names.replaced_by(c.law)
        if replaced:
            result.status, result.replaced_by = "superseded", replaced[0]
        article = self._fetch(c.law, c.article_no, c.sub)
        if article is None:
            numbers = self._numbers(c.law)
            if numbers:
                result.message = f"《{c.law}》共{len(numbers)}条，没有{c.article}。"
            else:
                result.message = f"《{c.law}》的条文不在法律库或本地知识库中，无法查询原文。"
            if replaced:
                result.message += self._superseded_note(c.law, replaced)
            return result
        result.chapter, result.source = article.chapter, article.source
        result.full_text = f"{article.article} {article.text}"
        selected, error = _select(article.text, c)
        if error:
            result.message = error
            return result
        result.found, result.text = True, selected
        if article.status == "superseded" and not replaced:
            result.status = "superseded"
            result.message = f"《{c.law}》已失效，以下条文仅供参考。"
        elif replaced:
            result.message = self._superseded_note(c.law, replaced) + "以下条文仅供参考。"
        return result

    @staticmethod
    def _superseded_note(law: str, replaced: tuple[str, str]) -> str:
        since = f"（{_date_cn(replaced[1])}起施行）" if replaced[1] else ""
        return f"《{law}》已被《{replaced[0]}》替代{since}。"

    # -- verification ------------------------------------------------------------------------

    def verify(self, text: str) -> list[CitationCheck]:
        """Check every citation in ``text``: article exists, law current, quote faithful."""
        return [self._check(c) for c in self.parse(text)]

    def _check(self, c: Citation) -> CitationCheck:
        result = self._lookup(c, c.raw)
        label = _label(c.law or c.law_query, c.article, c.paragraph, c.item)
        if c.law is None:
            return CitationCheck(c, "law_unknown", result.message)
        if not result.found:
            if not result.full_text and result.status == "superseded":
                return CitationCheck(c, "superseded", result.message, result.replaced_by)
            if not result.full_text and not self._numbers(c.law):
                return CitationCheck(c, "law_unknown", result.message)
            return CitationCheck(c, "article_missing", result.message, result.replaced_by)
        if c.quote and not quote_matches(c.quote, result.full_text):
            message = f"引文与{label}原文不一致。原文：{result.full_text}"
            if result.status == "superseded":
                message += result.message
            return CitationCheck(c, "quote_mismatch", message, result.replaced_by, result.full_text)
        if result.status == "superseded":
            return CitationCheck(
                c, "superseded", result.message, result.replaced_by, result.full_text
            )
        return CitationCheck(c, "ok", f"{label}核对无误。", None, result.full_text)


def _select(text: str, c: Citation) -> tuple[str, str | None]:
    """The 款/项 a citation asks for, or an error message if the article has no such part."""
    if c.paragraph is None and c.item is None:
        return text, None
    paragraphs = _split_paragraphs(text)
    head = f"《{c.law}》{c.article}"
    if c.paragraph is not None:
        if not 1 <= c.paragraph <= len(paragraphs):
            return "", f"{head}共{len(paragraphs)}款，没有第{int_to_chinese(c.paragraph)}款。"
        paragraph = paragraphs[c.paragraph - 1]
        head += f"第{int_to_chinese(c.paragraph)}款"
    else:
        paragraph = next((p for p in paragraphs if len(p) > 1), paragraphs[0] if paragraphs else [])
    if c.item is None:
        return "\n".join(paragraph), None
    items = [line for line in paragraph if _ITEM_LINE.match(line)]
    if not 1 <= c.item <= len(items):
        return "", f"{head}共{len(items)}项，没有第（{int_to_chinese(c.item)}）项。"
    return items[c.item - 1], None
