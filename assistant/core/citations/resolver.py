"""Exact article lookup (《X法》第三十二条第一款第（二）项) against the law library and local regulations.

Articles come straight from the law library (every law in it, ingested or not) and, for
regulations it lacks (国务院条例、北京市地方性法规), from an :class:`ArticleSource` the
knowledge base provides. A wrong article number never yields another article's text. A
repealed regulation is reported with its successor and date (:mod:`.history`), judged at the
date the citing text speaks of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.adapters.lawlib import LawLibrary
from assistant.core.citations.history import (
    AsOf,
    Supersession,
    add_library_history,
    add_local_history,
    as_of_iso,
)
from assistant.core.citations.names import LawNames
from assistant.core.citations.parser import Citation, CitationParser, citation_label, select_part
from assistant.core.citations.verifier import CitationCheck, check_citation
from assistant.numerals import article_label, int_to_chinese

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
    since: str | None = None  # ISO date the repeal / successor took effect
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
            "since": self.since,
            "message": self.message,
            "suggestions": list(self.suggestions),
            "score": 1.0 if self.found else 0.0,
        }


class ArticleSource(Protocol):
    """Articles of regulations the law library lacks (the knowledge base implements this)."""

    def law_names(self) -> list[str]: ...

    def find_article(self, law: str, article_no: int) -> dict | None: ...

    def article_numbers(self, law: str) -> list[int]: ...


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
        self.history = names.history
        self._lib_laws: set[str] | None = None
        self._local_seen: set[str] = set()
        self._parser = CitationParser(names)

    # -- sources -----------------------------------------------------------------------------

    def _library_laws(self) -> set[str]:
        if self._lib_laws is None:
            self._lib_laws = set(self.lawlib.law_names()) if self.lawlib is not None else set()
            for name in self._lib_laws:
                self.names.add(name)
            if self.lawlib is not None:
                add_library_history(self.history, self.lawlib)
        return self._lib_laws

    def _sync_names(self) -> None:
        # Regulations may be added to the knowledge base while the app runs.
        self._library_laws()
        if self.local is not None:
            new = [n for n in self.local.law_names() if n not in self._local_seen]
            for name in new:
                self.names.add(name)
            add_local_history(self.history, self.local, new)
            self._local_seen.update(new)

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

    def article_numbers(self, law: str) -> list[int]:
        """Article numbers of a law known to the library or the knowledge base."""
        if law in self._library_laws():
            return self.lawlib.article_numbers(law)
        return list(self.local.article_numbers(law)) if self.local is not None else []

    # -- parsing -----------------------------------------------------------------------------

    def parse(self, text: str) -> list[Citation]:
        """Every article citation in ``text``, in order of appearance."""
        self._sync_names()
        return self._parser.parse(text, loose=False)

    def is_citation(self, query: str) -> bool:
        """Whether the query is essentially one explicit citation (so it needs no retrieval)."""
        self._sync_names()
        return self._parser.is_citation(query)

    # -- lookup ------------------------------------------------------------------------------

    def resolve(self, query: str, as_of: AsOf = None) -> CiteResult:
        """Look up the article a query cites; never returns another article's text."""
        self._sync_names()
        cites = self._parser.parse(query, loose=True)
        if cites:
            return self.lookup(cites[0], query, as_of)
        law = self.names.canonical(query)
        if law:
            message = f"请指明条号，例如“《{law}》第一条”。"
        else:
            message = "未能识别法条引用，请按“《法规名称》第X条”的格式输入，例如“《中华人民共和国行政处罚法》第三十二条”。"
        return CiteResult(found=False, query=query, law=law, message=message)

    def lookup(self, c: Citation, query: str, as_of: AsOf = None) -> CiteResult:
        """Look one parsed citation up, judging repeals at ``as_of`` (report year or date)."""
        self._sync_names()
        if c.law is None:
            return self._lookup_unknown(c, query, as_of)
        result = CiteResult(False, query, c.law, c.article, c.article_no, c.paragraph, c.item)
        repeal = self.history.lookup(c.law, as_of)
        if repeal is not None:
            result.status, result.replaced_by = "superseded", self._successor(repeal)
            result.since = repeal.since or None
        article = self._fetch(c.law, c.article_no, c.sub)
        if article is None:
            numbers = self.article_numbers(c.law)
            if numbers:
                result.message = f"《{c.law}》共{len(numbers)}条，没有{c.article}。"
            else:
                result.message = f"《{c.law}》的条文不在法律库或本地知识库中，无法查询原文。"
            if repeal is not None:
                result.message += repeal.note()
            return result
        result.chapter, result.source = article.chapter, article.source
        result.full_text = f"{article.article} {article.text}"
        selected, error = select_part(article.text, c)
        if error:
            result.message = error
            return result
        result.found, result.text = True, selected
        if repeal is not None:
            result.message = repeal.note() + "以下条文仅供参考。"
        elif article.status == "superseded" and self.history.entry(c.law) is None:
            result.status = "superseded"
            result.message = f"《{c.law}》已失效，以下条文仅供参考。"
        return result

    def _lookup_unknown(self, c: Citation, query: str, as_of: AsOf) -> CiteResult:
        """A law neither the library nor the knowledge base holds: repealed, or misnamed."""
        entry = self.history.entry(c.law_query)
        if entry is not None:
            result = CiteResult(False, query, entry.law, c.article, c.article_no, c.paragraph, c.item)
            if entry.applies(as_of):
                result.status, result.replaced_by = "superseded", self._successor(entry)
                result.since = entry.since or None
                advice = f"请改为引用《{result.replaced_by}》的相应条款。" if entry.by else ""
                result.message = entry.note() + advice
            else:
                result.status = "historical"
                result.message = (
                    f"《{entry.law}》在{as_of_iso(as_of)[:4]}年有效（{entry.earlier_note()}），"
                    "其条文不在法律库或本地知识库中，未能核对原文。"
                )
            return result
        suggestions = self.names.suggest(c.law_query)
        message = f"未找到法规“{c.law_query}”"
        if suggestions:
            message += "，您是否要找：" + "、".join(f"《{s}》" for s in suggestions)
        return CiteResult(False, query, message=message + "。", suggestions=suggestions)

    def _successor(self, entry: Supersession) -> str | None:
        return (self.names.canonical(entry.by) or entry.by) if entry.by else None

    # -- verification ------------------------------------------------------------------------

    def verify(self, text: str, as_of: AsOf = None) -> list[CitationCheck]:
        """Check every citation in ``text``: article exists, law in force at ``as_of``, quote faithful.

        Args:
            text: Text to check.
            as_of: The year (or date) the text speaks of, e.g. a report's year; today if None.
        """
        return [check_citation(self, c, as_of) for c in self.parse(text)]
