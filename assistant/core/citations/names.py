"""Law names: canonical full names, short names staff write, topic keywords and successors.

Built from the full names that actually exist (law library + knowledge-base regulations) plus
``prompts/rules/law_aliases.yaml``; a name is only ever mapped to a law in that known set.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.core.citations.history import LAW_ALIASES, AsOf, LawHistory
from assistant.core.citations.keys import NATIONAL_PREFIX, normalize
from assistant.prompts import load_yaml

# 行政处罚法（2021年修订） / 行政处罚法(2021-01-22): a version note, not part of the name.
_VERSION_NOTE = re.compile(r"\([^()]*\d{4}[^()]*\)$")


def _variants(full: str) -> set[str]:
    """Keys under which a full name can be written besides itself."""
    key = normalize(full)
    out = {key}
    if key.startswith(NATIONAL_PREFIX) and len(key) > len(NATIONAL_PREFIX) + 1:
        out.add(key[len(NATIONAL_PREFIX) :])
    if NATIONAL_PREFIX in key[1:]:
        # 北京市实施《中华人民共和国档案法》办法 -> 北京市实施档案法办法
        out.add(key[0] + key[1:].replace(NATIONAL_PREFIX, ""))
    return out


class LawNames:
    """Map the many ways a law is written to one known full name."""

    def __init__(
        self,
        full_names: Iterable[str],
        aliases: Mapping[str, Any] | None = None,
        topics: Iterable[Mapping[str, Any]] | None = None,
        replaced: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        """Create the index.

        Args:
            full_names: Known full names (law library and knowledge-base regulations).
            aliases: ``{target: [alias, ...]}`` or ``{alias: target}``; targets may be short names.
            topics: ``[{keywords: [...], laws: [...]}]`` used by :meth:`detect`.
            replaced: ``{old name: {by: new name, since: 'YYYY-MM-DD'}}``; more repeals (law
                library, ingested regulations) are added to :attr:`history` later.
        """
        self._full: dict[str, str] = {}
        self._derived: dict[str, set[str]] = {}
        self._aliases: dict[str, str] = {}
        self._topics = [
            ([str(k) for k in t.get("keywords", [])], [str(n) for n in t.get("laws", [])])
            for t in topics or []
        ]
        self.history = LawHistory.from_mapping(replaced)
        for target, value in (aliases or {}).items():
            if isinstance(value, str):
                self._aliases[normalize(target)] = value
            else:
                for alias in value or []:
                    self._aliases[normalize(str(alias))] = str(target)
        self._max_key = 0
        for name in full_names:
            self.add(name)

    @classmethod
    def from_resources(cls, full_names: Iterable[str]) -> LawNames:
        """Index ``full_names`` with the aliases, topics and successors of the rule table."""
        data = load_yaml(LAW_ALIASES)
        return cls(full_names, data.get("aliases"), data.get("topics"), data.get("replaced"))

    # -- building ----------------------------------------------------------------------------

    def add(self, full_name: str) -> None:
        """Make one more full name known (e.g. a regulation just added to the knowledge base)."""
        full_name = full_name.strip()
        key = normalize(full_name)
        if not key or key in self._full:
            return
        self._full[key] = full_name
        for variant in _variants(full_name):
            self._derived.setdefault(variant, set()).add(full_name)
        self._max_key = max(self._max_key, len(key), *(len(a) for a in self._aliases))

    @property
    def names(self) -> list[str]:
        """All known full names."""
        return list(self._full.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize(name) in self._full

    # -- lookup ------------------------------------------------------------------------------

    def _lookup(self, key: str) -> str | None:
        if key in self._full:
            return self._full[key]
        derived = self._derived.get(key)
        if derived and len(derived) == 1:
            return next(iter(derived))
        return None

    def _resolve_key(self, key: str) -> str | None:
        found = self._lookup(key)
        if found is None and key in self._aliases:
            found = self._lookup(normalize(self._aliases[key]))
        return found

    def canonical(self, name: str) -> str | None:
        """Known full name for ``name`` (《》 optional, short names allowed); None if unknown or ambiguous."""
        key = normalize(name)
        if not key:
            return None
        found = self._resolve_key(key)
        if found is None and _VERSION_NOTE.search(key):
            found = self._resolve_key(_VERSION_NOTE.sub("", key))
        return found

    def match_before(self, text: str, end: int) -> tuple[str, int] | None:
        """Longest known name (or alias) ending exactly at ``text[end]``.

        Returns:
            ``(full name, start index)`` or None.
        """
        for length in range(min(self._max_key, end), 1, -1):
            if text[end - length].isspace() or text[end - length] == "》":
                continue  # normalize() would hide them, but they are not part of the name
            found = self._resolve_key(normalize(text[end - length : end]))
            if found is not None:
                return found, end - length
        return None

    def detect(self, query: str) -> list[str]:
        """Full names a free-text query names (first) or implies through topic keywords."""
        found = self.mentioned(query)
        found += [n for n in self.implied(query) if n not in found]
        return found

    def mentioned(self, query: str) -> list[str]:
        """Full names a query names explicitly (《行政处罚法》, 人防法, 信访工作条例…)."""
        found: list[str] = []
        for bracketed in re.findall(r"《([^《》]+)》", query):
            if (name := self.canonical(bracketed)) and name not in found:
                found.append(name)
        text = unicodedata.normalize("NFKC", query)
        i = 0
        while i < len(text):
            hit = None
            for length in range(min(self._max_key, len(text) - i), 1, -1):
                if (name := self._resolve_key(normalize(text[i : i + length]))) is not None:
                    hit = (name, length)
                    break
            if hit:
                if hit[0] not in found:
                    found.append(hit[0])
                i += hit[1]
            else:
                i += 1
        return found

    def implied(self, query: str) -> list[str]:
        """Full names a query only implies through topic keywords (人防, 信访, 罚款…)."""
        text = unicodedata.normalize("NFKC", query)
        found: list[str] = []
        for keywords, laws in self._topics:
            if any(k in text for k in keywords):
                for law in laws:
                    if (name := self.canonical(law)) and name not in found:
                        found.append(name)
        return found

    def replaced_by(self, name: str, as_of: AsOf = None) -> tuple[str, str] | None:
        """``(successor, effective date)`` when ``name`` was replaced by ``as_of`` (today if None)."""
        entry = self.history.lookup(self.canonical(name) or name, as_of) or self.history.lookup(
            name, as_of
        )
        if entry is None or not entry.by:
            return None
        return self.canonical(entry.by) or entry.by, entry.since

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` known full names that look like ``name`` (for “您是否要找”)."""
        key = normalize(name)
        keys = [*self._full, *self._derived, *self._aliases]
        out: list[str] = []
        for candidate in difflib.get_close_matches(key, keys, n=4 * n, cutoff=0.4):
            full = self._resolve_key(candidate)
            if full and full not in out:
                out.append(full)
        if len(out) < n:
            # Also offer names that share a distinctive part (e.g. 信访 in 信访办法).
            core = re.sub(r"(?:法|条例|规定|办法)$", "", key.removeprefix(NATIONAL_PREFIX))
            for full in self._full.values():
                if len(core) >= 2 and core in normalize(full) and full not in out:
                    out.append(full)
        return out[:n]
