"""One library of citable texts: the laws of laws.db and the imported regulations, with versions.

:class:`ArticleLibrary` is the interface cite, verify, search, answers, the UI and the drafting
checks use; :class:`Library` puts the law library (法律) and the regulation library (行政法规,
地方性法规, 司法解释, 部门规章) behind it. A law is looked up in the first part that knows its
name. The version of a regulation in force on a date is the latest whose 施行 date is on or
before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.core.citations.history import date_cn
from assistant.documents import REGLIB_SOURCE

if TYPE_CHECKING:
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.reglib import RegulationLibrary, RegulationVersion

LAWLIB_SOURCE = "法律库"


@dataclass(frozen=True)
class LawVersion:
    """One version of a law or regulation: level, region and dates."""

    law: str
    level: str
    version_date: str
    effective: str
    source: str
    region: str = ""
    decrees: tuple[str, ...] = ()
    key: int | str = ""  # the part's own id of the version

    def label(self) -> str:
        """How the version is named to staff: ``2024年11月29日版，2024年11月29日起施行``."""
        parts = []
        if self.version_date:
            parts.append(f"{date_cn(self.version_date)}版")
        if self.effective:
            parts.append(f"{date_cn(self.effective)}起施行")
        return "，".join(parts) or "现行版本"

    def level_label(self) -> str:
        """Level with the region of a local regulation: ``地方性法规（北京）``."""
        return f"{self.level}（{self.region}）" if self.region else self.level


@dataclass(frozen=True)
class LibraryArticle:
    """One article of one version; ``text`` has no heading and one 款 per line."""

    law: str
    article: str
    article_no: int
    sub: int
    chapter: str | None
    text: str
    version: LawVersion

    @property
    def full_text(self) -> str:
        """Article with its heading."""
        return f"{self.article} {self.text}".strip()


class ArticleLibrary(Protocol):
    """Citable laws and regulations, every version of them."""

    def law_names(self) -> list[str]:
        """Full names of everything citable."""
        ...

    def versions(self, law: str) -> list[LawVersion]:
        """Versions of one law (full name), oldest 施行 date first; empty if unknown."""
        ...

    def articles(self, version: LawVersion) -> list[LibraryArticle]:
        """Every article of one version, in order."""
        ...

    def find_article(
        self, version: LawVersion, article_no: int, sub: int = 0
    ) -> LibraryArticle | None:
        """One article of one version (``sub``: 第X条之一 = 1)."""
        ...

    def article_numbers(self, version: LawVersion) -> list[int]:
        """Distinct article numbers of one version, ascending."""
        ...


def version_at(versions: Sequence[LawVersion], as_of: str) -> LawVersion | None:
    """The version in force on ``as_of`` (ISO): latest 施行 date on or before it; None if none."""
    in_force = [v for v in versions if not v.effective or v.effective <= as_of]
    return in_force[-1] if in_force else None


class LawDbArticles:
    """The built-in law library (laws.db): one version per law, the one in force."""

    def __init__(self, lawlib: LawLibrary):
        self.lawlib = lawlib

    def law_names(self) -> list[str]:
        """Full names of the laws in force."""
        return self.lawlib.law_names()

    def versions(self, law: str) -> list[LawVersion]:
        """The version in force only (laws.db keeps no article text of older ones)."""
        info = self.lawlib.get_law(law)
        if info is None:
            return []
        level = info.doc_type if info.doc_type in ("宪法", "法律", "立法解释") else "法律"
        return [LawVersion(info.name, level, info.version_date, "", LAWLIB_SOURCE, key=info.law_id)]

    def _convert(self, version: LawVersion, found) -> LibraryArticle:
        return LibraryArticle(
            version.law, found.article, found.article_no, 0, found.chapter, found.text, version
        )

    def articles(self, version: LawVersion) -> list[LibraryArticle]:
        """Articles of the law in force."""
        return [self._convert(version, a) for a in self.lawlib.articles([version.law])]

    def find_article(
        self, version: LawVersion, article_no: int, sub: int = 0
    ) -> LibraryArticle | None:
        """One article of the law in force."""
        found = self.lawlib.find_article(version.law, article_no, sub)
        return None if found is None else self._convert(version, found)

    def article_numbers(self, version: LawVersion) -> list[int]:
        """Article numbers of the law in force."""
        return self.lawlib.article_numbers(version.law)


class RegulationArticles:
    """The imported regulation library: every version of every regulation."""

    def __init__(self, regulations: RegulationLibrary):
        self.regulations = regulations

    def law_names(self) -> list[str]:
        """Titles of the imported regulations."""
        return self.regulations.titles()

    @staticmethod
    def _version(v: RegulationVersion) -> LawVersion:
        return LawVersion(
            v.title, v.level, v.version_date, v.effective, f"{REGLIB_SOURCE}/{v.path}",
            v.region, v.decrees, v.id,
        )  # fmt: skip

    def _stored(self, version: LawVersion) -> RegulationVersion | None:
        return next(
            (v for v in self.regulations.versions(version.law) if v.id == version.key), None
        )

    def versions(self, law: str) -> list[LawVersion]:
        """Versions, oldest 施行 date first."""
        return [self._version(v) for v in self.regulations.versions(law)]

    def _convert(self, version: LawVersion, a) -> LibraryArticle:
        return LibraryArticle(version.law, a.label, a.article_no, a.sub, a.chapter, a.text, version)

    def articles(self, version: LawVersion) -> list[LibraryArticle]:
        """Articles of one version."""
        stored = self._stored(version)
        return (
            []
            if stored is None
            else [self._convert(version, a) for a in self.regulations.articles_of(stored)]
        )

    def find_article(
        self, version: LawVersion, article_no: int, sub: int = 0
    ) -> LibraryArticle | None:
        """One article of one version."""
        stored = self._stored(version)
        found = None if stored is None else self.regulations.find_article(stored, article_no, sub)
        return None if found is None else self._convert(version, found)

    def article_numbers(self, version: LawVersion) -> list[int]:
        """Article numbers of one version."""
        stored = self._stored(version)
        return [] if stored is None else self.regulations.article_numbers(stored)


class Library:
    """Several :class:`ArticleLibrary` parts behind one; a name belongs to the first part that has it."""

    def __init__(self, *parts: ArticleLibrary):
        self.parts = parts
        self._owner: dict[str, ArticleLibrary] | None = None

    def _owners(self) -> dict[str, ArticleLibrary]:
        if self._owner is None:
            owner: dict[str, ArticleLibrary] = {}
            for part in self.parts:
                for name in part.law_names():
                    owner.setdefault(name, part)
            self._owner = owner
        return self._owner

    def refresh(self) -> None:
        """Forget the cached names (after an import)."""
        self._owner = None

    def law_names(self) -> list[str]:
        """Every citable full name."""
        return list(self._owners())

    def _part(self, law: str) -> ArticleLibrary | None:
        return self._owners().get(law)

    def versions(self, law: str) -> list[LawVersion]:
        """Versions of one law, oldest first."""
        part = self._part(law)
        return part.versions(law) if part is not None else []

    def articles(self, version: LawVersion) -> list[LibraryArticle]:
        """Articles of one version."""
        part = self._part(version.law)
        return part.articles(version) if part is not None else []

    def find_article(
        self, version: LawVersion, article_no: int, sub: int = 0
    ) -> LibraryArticle | None:
        """One article of one version."""
        part = self._part(version.law)
        return part.find_article(version, article_no, sub) if part is not None else None

    def article_numbers(self, version: LawVersion) -> list[int]:
        """Article numbers of one version."""
        part = self._part(version.law)
        return part.article_numbers(version) if part is not None else []
