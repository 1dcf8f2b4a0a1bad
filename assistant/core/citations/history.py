"""Which regulations were repealed or replaced, by what and since when.

Three sources feed one :class:`LawHistory`:

- ``prompts/rules/law_aliases.yaml`` ``replaced:`` (curated, e.g. 信访条例 → 信访工作条例 from 2022-05-01);
- the law library's own records: repeal clauses in the laws' final articles
  (``本法自2021年1月1日起施行。《中华人民共和国合同法》……同时废止。``) and laws whose status is 已废止;
- ingested regulations, whose final articles carry the same kind of clause.

Supersession is dated: :meth:`LawHistory.lookup` takes the date (or report year) at which a
citation is judged, so a 2021 report citing 信访条例 is not told that it was replaced in 2022.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.core.citations.keys import NATIONAL_PREFIX, normalize
from assistant.prompts import load_yaml

LAW_ALIASES = "rules/law_aliases.yaml"  # aliases, topics and curated repeals (names.py reads it too)

# 本法自2021年1月1日起施行。《A》、《B》同时废止。 / 本法自公布之日起施行，《C》同时废止。
_REPEAL = re.compile(
    r"自\s*(?:(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|公布之日)\s*起\s*施行"
    r"[。，,；;\s]*(?P<list>[^。]{0,600}?)同时(?:废止|失效)"
)
_NAME = re.compile(r"《([^《》]+)》")
AsOf = date | int | str | None


def date_cn(iso: str) -> str:
    """2022-05-01 -> 2022年5月1日 (anything else is returned as is)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", iso or "")
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日" if m else iso


def as_of_iso(as_of: AsOf) -> str:
    """The date a citation is judged at, as ISO text: a report year means its last day."""
    if as_of is None:
        return date.today().isoformat()
    if isinstance(as_of, int):
        return f"{as_of:04d}-12-31"
    if isinstance(as_of, date):
        return as_of.isoformat()
    text = str(as_of).strip()
    return f"{text}-12-31" if re.fullmatch(r"\d{4}", text) else text


@dataclass(frozen=True)
class Supersession:
    """One repealed regulation: its successor (if any) and the date the change took effect."""

    law: str
    by: str | None
    since: str
    origin: str

    def applies(self, as_of: AsOf = None) -> bool:
        """Whether the regulation was already repealed at ``as_of`` (undated entries always are)."""
        return not self.since or self.since <= as_of_iso(as_of)

    def note(self) -> str:
        """《信访条例》已被《信访工作条例》替代（2022年5月1日起施行）。"""
        if self.by:
            since = f"（{date_cn(self.since)}起施行）" if self.since else ""
            return f"《{self.law}》已被《{self.by}》替代{since}。"
        since = f"，自{date_cn(self.since)}起" if self.since else ""
        return f"《{self.law}》已废止{since}。"

    def earlier_note(self) -> str:
        """For a citation judged before the change: the law was still in force then."""
        change = f"被《{self.by}》替代" if self.by else "废止"
        return f"《{self.law}》于{date_cn(self.since)}{change}，此前有效。"


def repeal_clauses(text: str, effective: str = "") -> list[tuple[str, str]]:
    """``(repealed name, ISO date)`` for every repeal clause in an article's text.

    Args:
        text: Article text, e.g. a law's final article.
        effective: Date to use when the law takes effect 自公布之日. Leave it empty for the
            law library: it stores the latest amendment's date, not the original publication's.
    """
    out = []
    for m in _REPEAL.finditer(text or ""):
        since = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}" if m["y"] else effective
        out += [(name.strip(), since) for name in _NAME.findall(m["list"])]
    return out


def _keys(name: str) -> list[str]:
    key = normalize(name)
    keys = [key, key.removeprefix(NATIONAL_PREFIX), NATIONAL_PREFIX + key]
    return list(dict.fromkeys(k for k in keys if k))


def _rank(entry: Supersession) -> tuple[bool, bool]:
    return entry.origin == "curated", bool(entry.by)


class LawHistory:
    """Repealed and replaced regulations, looked up by any usual way of writing their name."""

    def __init__(self, entries: Iterable[Supersession] = ()):
        self._entries: dict[str, Supersession] = {}
        for entry in entries:
            self.add(entry)

    @classmethod
    def from_mapping(cls, replaced: Mapping[str, Mapping[str, Any]] | None) -> LawHistory:
        """From ``{old name: {by: new name, since: 'YYYY-MM-DD'}}`` (law_aliases.yaml)."""
        return cls(
            Supersession(str(old), str(v.get("by") or "") or None, str(v.get("since") or ""), "curated")
            for old, v in (replaced or {}).items()
        )

    @classmethod
    def from_resources(cls) -> LawHistory:
        """The curated repeals shipped in ``prompts/rules/law_aliases.yaml`` (``replaced:``)."""
        return cls.from_mapping(load_yaml(LAW_ALIASES).get("replaced"))

    def add(self, entry: Supersession) -> None:
        """Record one repeal; curated entries win, then entries that name a successor."""
        key = normalize(entry.law)
        current = self._entries.get(key)
        if current is None or _rank(entry) > _rank(current):
            self._entries[key] = entry

    def add_repeals(self, successor: str, text: str, effective: str = "", origin: str = "") -> int:
        """Record the repeal clauses of one law's article; returns how many were found."""
        found = repeal_clauses(text, effective)
        for old, since in found:
            if normalize(old) != normalize(successor):
                self.add(Supersession(old, successor, since, origin or successor))
        return len(found)

    def lookup(self, name: str, as_of: AsOf = None) -> Supersession | None:
        """The repeal of ``name`` in effect at ``as_of`` (today when None), or None."""
        entry = self.entry(name)
        return entry if entry is not None and entry.applies(as_of) else None

    def entry(self, name: str) -> Supersession | None:
        """The recorded repeal of ``name`` whatever its date, or None."""
        for key in _keys(name):
            if key in self._entries:
                return self._entries[key]
        return None

    def mentions(self, text: str, as_of: AsOf = None) -> list[Supersession]:
        """Repealed regulations named in 《》 in ``text`` (judged at ``as_of``), in order."""
        out: list[Supersession] = []
        for name in _NAME.findall(text or ""):
            entry = self.lookup(name, as_of)
            if entry is not None and entry not in out:
                out.append(entry)
        return out

    def __len__(self) -> int:
        return len(self._entries)


LAWLIB_ORIGIN = "法律库"
REGLIB_ORIGIN = "法规库"


def add_library_history(history: LawHistory, lawlib: Any) -> None:
    """Repeals recorded in the law library: repeal clauses, then laws marked 已废止."""
    for law, _effective, text in lawlib.repeal_articles():
        history.add_repeals(law, text, "", LAWLIB_ORIGIN)
    for info in lawlib.repealed():
        history.add(Supersession(info.name, None, "", LAWLIB_ORIGIN))


def add_local_history(history: LawHistory, local: Any, laws: Iterable[str]) -> None:
    """Repeal clauses in the final article of ingested regulations (``local`` is an ArticleSource)."""
    for law in laws:
        numbers = local.article_numbers(law)
        last = local.find_article(law, numbers[-1]) if numbers else None
        if last:
            history.add_repeals(law, last.get("text") or "", str(last.get("version_date") or ""), law)


def add_regulation_history(history: LawHistory, regulations: Any) -> None:
    """Repeal clauses of the imported regulation library (``regulations`` is a RegulationLibrary)."""
    for version, text in regulations.last_articles():
        history.add_repeals(version.title, text, version.effective, REGLIB_ORIGIN)
