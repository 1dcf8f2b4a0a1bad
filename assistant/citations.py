"""Exact article lookup and citation checking (《X法》第三十二条第一款第（二）项).

Articles come straight from the law library (every law in it, ingested or not) and, for
regulations it lacks (国务院条例、北京市地方性法规), from an :class:`ArticleSource` the
knowledge base provides. A wrong article number never yields another article's text.
Finding citations in text is :mod:`assistant.citation_parser`'s job; its public names are
re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from assistant.citation_parser import (
    Citation,
    CitationParser,
    citation_label,
    quote_matches,
    select_part,
    split_paragraphs,
)
from assistant.lawlib import LawLibrary
from assistant.lawnames import LawNames
from assistant.numerals import article_label, int_to_chinese

__all__ = [
    "LAWLIB_SOURCE",
    "ArticleSource",
    "CheckStatus",
    "Citation",
    "CitationCheck",
    "CitationParser",
    "CitationResolver",
    "CiteResult",
    "citation_label",
    "quote_matches",
    "select_part",
    "split_paragraphs",
]

_SUPERSEDED = {"superseded", "已废止", "失效", "已失效", "历史版本"}
LAWLIB_SOURCE = "法律库"


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
        return citation_label(self.law, self.article, self.paragraph, self.item)

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
        data["label"] = citation_label(c.law or c.law_query, c.article, c.paragraph, c.item)
        data.update(status=self.status, message=self.message, replaced_by=self.replaced_by)
        data["text"] = self.text
        return data


class ArticleSource(Protocol):
    """Articles of regulations the law library lacks (the knowledge base implements this)."""

    def law_names(self) -> list[str]: ...

    def find_article(self, law: str, article_no: int) -> dict | None: ...

    def article_numbers(self, law: str) -> list[int]: ...


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
        self._parser = CitationParser(names)

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
        return self._parser.parse(text, loose=False)

    # -- lookup ------------------------------------------------------------------------------

    def is_citation(self, query: str) -> bool:
        """Whether the query is essentially one explicit citation (so it needs no retrieval)."""
        self._sync_names()
        return self._parser.is_citation(query)

    def resolve(self, query: str) -> CiteResult:
        """Look up the article a query cites; never returns another article's text."""
        self._sync_names()
        cites = self._parser.parse(query, loose=True)
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
        selected, error = select_part(article.text, c)
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
        label = citation_label(c.law or c.law_query, c.article, c.paragraph, c.item)
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
