"""The unit's own voice: unit type, self-reference and vocabulary from the organisation's name.

Data: ``prompts/drafting/units_v1.yaml``. A 卫健委 draft says 我委 and 委党委 and uses health
wording; words that belong to another unit type (人防工程 in a 卫健委 draft) are "foreign" unless
the staff wrote them themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.prompts import load_yaml

_DISTRICT = re.compile(r"([\u4e00-\u9fff]{2,4}?[区县市])")


@dataclass(frozen=True)
class UnitType:
    """One kind of office (人防, 卫健 …) with its wording."""

    key: str
    name: str
    match: tuple[str, ...]
    short: tuple[str, ...]
    mission: str
    terms: tuple[str, ...]
    framings: tuple[str, ...]
    self_ref: str = ""
    party: str = ""
    basis: str = ""
    approach: str = ""
    meanings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Voice:
    """How one organisation speaks of itself in its report."""

    organization: str
    unit: UnitType
    self_ref: str
    party: str

    def variables(self) -> dict[str, str]:
        """Template variables for phrases (``we``, ``party``, ``mission``)."""
        return {"we": self.self_ref, "party": self.party, "mission": self.unit.mission}


@dataclass(frozen=True)
class Units:
    """All unit types and the name-suffix rules."""

    types: tuple[UnitType, ...]
    suffixes: tuple[dict, ...]
    default_suffix: dict
    common_framings: tuple[str, ...] = ()
    common_meanings: tuple[str, ...] = ()
    area_basis: dict[str, str] = field(default_factory=dict)

    def unit_type(self, name: str) -> UnitType:
        """Type of an organisation (or a past report's title); the generic type when none matches."""
        for unit in self.types:
            if any(m in name for m in (*unit.match, *unit.short)):
                return unit
        return self.types[-1]

    def voice(self, organization: str) -> Voice:
        """Self-reference and party body: the type's own, else by the name's ending."""
        unit = self.unit_type(organization)
        name = organization.strip()
        suffix = next((s for s in self.suffixes if name.endswith(s["ends"])), self.default_suffix)
        return Voice(organization, unit, unit.self_ref or suffix["self"], unit.party or suffix["party"])

    def foreign_words(self, text: str, organization: str, own_text: str = "") -> list[str]:
        """Other unit types' words in ``text`` that the staff's own text (``own_text``) lacks."""
        mine = self.unit_type(organization)
        found = []
        for unit in self.types:
            if unit.key == mine.key:
                continue
            found += [t for t in unit.terms if t in text and t not in own_text and t not in organization]
        return sorted(set(found))


def same_organization(source: str, organization: str, units: Units | None = None) -> bool:
    """True when a past report (by its title) is this organisation's own: same type and district."""
    units = units or load_units()
    if units.unit_type(source).key != units.unit_type(organization).key or units.unit_type(source).key == "generic":
        return False
    here, there = (_DISTRICT.findall(re.sub(r"\d+年?", "", n)) for n in (organization, source))
    return not (here and there) or bool(set(here) & set(there))


def _strs(value) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in (value or ()) if str(v).strip())


@lru_cache(maxsize=4)
def _cached(version: str, prompts_dir: Path | None) -> Units:
    data = load_yaml(f"drafting/units_{version}.yaml", prompts_dir)
    types = tuple(UnitType(str(t["key"]), str(t["name"]), _strs(t.get("match")), _strs(t.get("short")),
                           str(t.get("mission", "")), _strs(t.get("terms")), _strs(t.get("framings")),
                           str(t.get("self", "")), str(t.get("party", "")), str(t.get("basis", "")),
                           str(t.get("approach", "")), _strs(t.get("meanings")))
                  for t in data["types"])
    basis = {str(k): str(v) for k, v in (data.get("area_basis") or {}).items()}
    return Units(types, tuple(data["suffixes"]), dict(data["default_suffix"]), _strs(data.get("common_framings")),
                 _strs(data.get("common_meanings")), basis)


def load_units(version: str = "v1", prompts_dir: Path | None = None) -> Units:
    """Read ``prompts/drafting/units_<version>.yaml`` (parsed once per version and folder)."""
    return _cached(version, prompts_dir)
