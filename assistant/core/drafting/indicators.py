"""The built-in catalogue of recurring report figures (prompts/rules/indicators.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.core.drafting.numbers import Quantity, parse_quantity, quantity_regex
from assistant.prompts import load_yaml


@dataclass(frozen=True)
class Indicator:
    """One recurring figure, e.g. 行政检查 counted in 人次."""

    key: str
    label: str
    units: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    phrase: str = "{value}"
    patterns: tuple[re.Pattern, ...] = field(default=(), compare=False, repr=False)

    @property
    def default_unit(self) -> str:
        """Unit suggested in error messages."""
        return self.units[0]

    def sentence(self, value: str) -> str:
        """Formal phrase for a value, e.g. 开展行政检查620人次."""
        return self.phrase.replace("{value}", value)

    def find(self, text: str) -> tuple[int, int, Quantity] | None:
        """First mention of this indicator in a text: span of the figure and its quantity."""
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                q = parse_quantity(m.group("q"))
                if q is not None:
                    return m.start("q"), m.end("q"), q
        return None

    def find_all(self, text: str) -> list[tuple[int, int, Quantity]]:
        """Every mention of this indicator (all patterns), sorted by position, no overlaps."""
        spans: dict[int, tuple[int, int, Quantity]] = {}
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                q = parse_quantity(m.group("q"))
                if q is not None:
                    spans.setdefault(m.start("q"), (m.start("q"), m.end("q"), q))
        return [spans[k] for k in sorted(spans)]


class Catalogue:
    """Indicators by key, with alias lookup."""

    def __init__(self, indicators: list[Indicator]):
        self.indicators = indicators
        self._by_name: dict[str, Indicator] = {}
        for ind in indicators:
            for name in (ind.key, ind.label, *ind.aliases):
                self._by_name.setdefault(name, ind)

    def get(self, name: str) -> Indicator | None:
        """Indicator for a key, label or alias; None when unknown."""
        return self._by_name.get(str(name).strip())

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def extract(self, text: str) -> dict[str, Quantity]:
        """First value of every indicator found in a text, keyed by indicator key."""
        found = {}
        for ind in self.indicators:
            hit = ind.find(text)
            if hit is not None:
                found[ind.key] = hit[2]
        return found


def _build(entry: dict) -> Indicator:
    units = tuple(str(u) for u in entry["units"])
    q = f"(?P<q>{quantity_regex(units)})"
    patterns = tuple(re.compile(p.replace("{Q}", q)) for p in entry.get("patterns", []))
    return Indicator(
        key=str(entry["key"]),
        label=str(entry.get("label", entry["key"])),
        units=units,
        aliases=tuple(str(a) for a in entry.get("aliases", [])),
        topics=tuple(str(t) for t in entry.get("topics", [])),
        phrase=str(entry.get("phrase", entry["key"] + "{value}")),
        patterns=patterns,
    )


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read an indicator catalogue YAML file (the built-in one by default).

    Not cached: :func:`assistant.app.build_assistant` builds it once and hands it to the drafting
    service, the checks, the facts model and the UI.
    """
    if path is None:
        data = load_yaml("rules/indicators.yaml")
    else:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return Catalogue([_build(e) for e in data["indicators"]])
