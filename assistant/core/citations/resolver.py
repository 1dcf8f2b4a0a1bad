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
from typing import TYPE_CHECKING, Any, Protocol

from assistant.core.citations.history import (
    AsOf,
    Supersession,
    add_library_history,
    add_local_history,
    add_regulation_history,
    as_of_iso,
)
from assistant.core.citations.library import (
    LawDbArticles,
    LawVersion,
    Library,
    RegulationArticles,
    version_at,
)
from assistant.core.citations.names import LawNames
from assistant.core.citations.parser import (
    Citation,
    CitationParser,
    citation_label,
    quote_matches,
    select_part,
)
from assistant.core.citations.verifier import CitationCheck, check_citation
from assistant.core.citations.versions import (
    MIN_SUCCESSOR_SIMILARITY,
    choose_version,
    successor_article,
    text_change,
)
from assistant.numerals import article_label, int_to_chinese

if TYPE_CHECKING:
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.reglib import RegulationLibrary

_SUPERSEDED = {"superseded", "已废止", "失效", "已失效", "历史版本"}


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
    level: str = ""  # 法律 / 行政法规 / 地方性法规（北京） / 司法解释 / 部门规章
    version: LawVersion | None = None  # the version the text comes from
    successor: str | None = None  # 《信访工作条例》第十八条: where a replaced article went
    successor_text: str = ""

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
            "level": self.level,
            "version": self.version.label() if self.version else None,
            "version_date": self.version.version_date if self.version else None,
            "effective": self.version.effective if self.version else None,
            "successor": self.successor,
            "successor_text": self.successor_text,
            "score": 1.0 if self.found else 0.0,
        }

    def heading(self) -> str:
        """Label with level and version: ``《…》第三十三条  行政法规 · 2019年4月3日版（…起施行）``."""
        parts = [p for p in (self.level, self.version.label() if self.version else "") if p]
        return f"{self.label()}  {' · '.join(parts)}".strip()


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
    level: str = ""
    version: LawVersion | None = None
    note: str = ""  # e.g. the version named was not yet in force


class CitationResolver:
    """Parse, look up and verify article citations against the library and local regulations."""

    def __init__(
        self,
        lawlib: LawLibrary | None,
        names: LawNames,
        local: ArticleSource | None = None,
        regulations: RegulationLibrary | None = None,
    ):
        """Args:
        lawlib: The built-in law library (laws.db).
        names: The law-name index (names of the library are added to it).
        local: Regulations ingested into the knowledge base as ordinary files.
        regulations: The imported regulation library (``assistant library import``).
        """
        self.lawlib = lawlib
        self.regulations = regulations
        parts = [LawDbArticles(lawlib)] if lawlib is not None else []
        if regulations is not None:
            parts.append(RegulationArticles(regulations))
        self.library = Library(*parts)
        self.names = names
        self.local = local
        self.history = names.history
        self._lib_laws: set[str] | None = None
        self._local_seen: set[str] = set()
        self._parser = CitationParser(names)

    # -- sources -----------------------------------------------------------------------------

    def _library_laws(self) -> set[str]:
        if self._lib_laws is None:
            self._lib_laws = set(self.library.law_names())
            for name in self._lib_laws:
                self.names.add(name)
            if self.lawlib is not None:
                add_library_history(self.history, self.lawlib)
            if self.regulations is not None:
                add_regulation_history(self.history, self.regulations)
        return self._lib_laws

    def refresh(self) -> None:
        """Read the library's names again (after ``library import``)."""
        self.library.refresh()
        self._lib_laws = None

    def _sync_names(self) -> None:
        # Regulations may be added to the knowledge base while the app runs.
        self._library_laws()
        if self.local is not None:
            new = [n for n in self.local.law_names() if n not in self._local_seen]
            for name in new:
                self.names.add(name)
            add_local_history(self.history, self.local, new)
            self._local_seen.update(new)

    def version_for(self, law: str, as_of: AsOf = None, edition: str | None = None) -> tuple[LawVersion | None, str]:
        """The version of ``law`` a citation means at ``as_of`` (see :func:`choose_version`)."""
        return choose_version(self.library.versions(law), as_of_iso(as_of), edition)

    def _fetch(self, c: Citation, as_of: AsOf = None) -> _Article | None:
        law = c.law or ""
        if law in self._library_laws():
            version, note = self.version_for(law, as_of, c.edition)
            found = self.library.find_article(version, c.article_no, c.sub) if version else None
            if found is None or version is None:
                return None
            return _Article(
                found.article, found.text, found.chapter, version.source, "current",
                version.level_label(), version, note,
            )  # fmt: skip
        if self.local is None:
            return None
        data = self.local.find_article(law, c.article_no)
        expected = article_label(c.article_no) + (f"之{int_to_chinese(c.sub)}" if c.sub else "")
        if not data or (data.get("article") or expected) != expected:
            return None
        text = re.sub(rf"^\s*{re.escape(expected)}\s*", "", data.get("text") or "")
        status = "superseded" if data.get("status") in _SUPERSEDED else "current"
        return _Article(
            expected, text, data.get("chapter"), data.get("source") or "本地知识库", status
        )

    def article_numbers(self, law: str, as_of: AsOf = None) -> list[int]:
        """Article numbers of a law known to the library or the knowledge base."""
        if law in self._library_laws():
            version, _ = self.version_for(law, as_of)
            return self.library.article_numbers(version) if version else []
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
        """Look one parsed citation up, judging versions and repeals at ``as_of`` (year or date)."""
        self._sync_names()
        if c.law is None:
            return self._lookup_unknown(c, query, as_of)
        result = CiteResult(False, query, c.law, c.article, c.article_no, c.paragraph, c.item)
        repeal = self.history.lookup(c.law, as_of)
        if repeal is not None:
            result.status, result.replaced_by = "superseded", self._successor(repeal)
            result.since = repeal.since or None
        article = self._fetch(c, as_of)
        if article is None:
            numbers = self.article_numbers(c.law, as_of)
            if numbers:
                result.message = f"《{c.law}》共{len(numbers)}条，没有{c.article}。"
            else:
                result.message = f"《{c.law}》的条文不在法律库或本地知识库中，无法查询原文。"
            if repeal is not None:
                result.message += repeal.note()
            return result
        result.chapter, result.source = article.chapter, article.source
        result.level, result.version = article.level, article.version
        result.full_text = f"{article.article} {article.text}"
        selected, error = select_part(article.text, c)
        if error:
            result.message = error
            return result
        result.found, result.text = True, selected
        if repeal is not None:
            result.message = repeal.note() + self._point_to_successor(result, article.text) + "以下条文仅供参考。"
        elif article.status == "superseded" and self.history.entry(c.law) is None:
            result.status = "superseded"
            result.message = f"《{c.law}》已失效，以下条文仅供参考。"
        elif article.note:
            result.message = article.note
        return result

    def _point_to_successor(self, result: CiteResult, old_text: str) -> str:
        """Name the successor's corresponding article (and keep its text) when one is close."""
        if not result.replaced_by or result.replaced_by not in self._library_laws():
            return ""
        successor = version_at(self.library.versions(result.replaced_by), as_of_iso(None))
        match = successor_article(self.library, old_text, successor) if successor else None
        if match is None:
            return f"未找到与原{result.article}明显对应的条款，请查阅《{result.replaced_by}》。"
        article, score = match
        result.successor = f"《{result.replaced_by}》{article.article}"
        result.successor_text = article.full_text
        if score >= MIN_SUCCESSOR_SIMILARITY:
            return f"对应条款为{result.successor}：{article.full_text}\n"
        return f"内容相近的条款可能是{result.successor}（相似度不高，请核对）：{article.full_text}\n"

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

    def version_quoted(self, c: Citation, result: CiteResult) -> str | None:
        """When a quote is another version's wording of the article: what changed, in Chinese."""
        current = result.version
        if c.law is None or current is None or not c.quote:
            return None
        for version in reversed(self.library.versions(c.law)):
            if version == current:
                continue
            article = self.library.find_article(version, c.article_no, c.sub)
            if article is None or not quote_matches(c.quote, article.full_text):
                continue
            label = citation_label(c.law, c.article, c.paragraph, c.item)
            when = "后来已修改" if version.effective <= current.effective else "当时尚未施行"
            message = (
                f"引文是{label}{version.label()}的表述，该表述{when}。"
                f"应引用{current.label()}：{result.full_text}\n"
                f"修改处：{text_change(article.text, result.full_text.split(' ', 1)[-1])}"
            )
            moved = successor_article(self.library, article.text, current)
            if moved and moved[1] >= MIN_SUCCESSOR_SIMILARITY and moved[0].article != c.article:
                message += f"\n原表述的内容在该版本中见{moved[0].article}：{moved[0].full_text}"
            return message
        return None

    # -- verification ------------------------------------------------------------------------

    def verify(self, text: str, as_of: AsOf = None) -> list[CitationCheck]:
        """Check every citation in ``text``: article exists, law in force at ``as_of``, quote faithful.

        Args:
            text: Text to check.
            as_of: The year (or date) the text speaks of, e.g. a report's year; today if None.
        """
        return [check_citation(self, c, as_of) for c in self.parse(text)]
