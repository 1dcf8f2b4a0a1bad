"""The 公文 phrase library (``prompts/drafting/phrases_v1.yaml``) and a seeded, no-repeat picker.

The library holds stock wording only: heading patterns, framing, effect, cause, duty and plan
sentences. It never holds a figure, so nothing it contributes can invent one.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.prompts import PromptError, Template, load_yaml

TWO_CLAUSE_RE = re.compile(r"^[^，。；：]{3,18}，[^，。；：]{3,18}[。]?$")


_CLAUSE_SPLIT = re.compile(r"[，。；：！？、\n]")
_CLAUSE_LEAD = re.compile(r"^(?:\d+\s*[.．]|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+是)")


def clauses(text: str, min_chars: int = 6) -> list[str]:
    """Clauses of a text (split at ，。；：！？、 and line breaks), list markers removed, short ones left out."""
    out = []
    for part in _CLAUSE_SPLIT.split(text):
        part = _CLAUSE_LEAD.sub("", part.strip()).strip("“”（）【】 ")
        if len(part) >= min_chars:
            out.append(part)
    return out


def is_two_clause(heading: str) -> bool:
    """True for a formal two-clause heading such as 规范行政执法行为，维护良好管理秩序."""
    return bool(TWO_CLAUSE_RE.match(heading.strip()))


@dataclass(frozen=True)
class Area:
    """One area of 法治政府建设 (重大决策, 行政执法 …) with its stock wording."""

    key: str
    name: str
    group: str
    keywords: tuple[str, ...]
    exemplars: tuple[str, ...]
    headings: tuple[str, ...]
    framings: tuple[str, ...]
    effects: tuple[str, ...]
    plans: tuple[str, ...]
    claims: tuple[str, ...] = ()
    verb: str = ""


@dataclass(frozen=True)
class Group:
    """A （一）（二）… block of part 一 gathering related areas."""

    key: str
    headings: tuple[str, ...]
    leads: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """Sentences chosen when a text contains one of the keywords (empty keywords = fallback)."""

    key: str
    keywords: tuple[str, ...]
    sentences: tuple[str, ...]
    headings: tuple[str, ...] = ()
    remedies: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()

    def score(self, text: str) -> int:
        """Keyword characters matched in a text."""
        return sum(len(k) for k in self.keywords if k in text)


@dataclass(frozen=True)
class DutyField:
    """A form field of 三 (会前学法 …) and the sentence it becomes."""

    key: str
    label: str
    sentence: str
    count: bool = False


@dataclass(frozen=True)
class PhraseLibrary:
    """Every stock phrase the composer may use, read from one versioned file."""

    version: str
    opening: tuple[str, ...]
    groups: tuple[Group, ...]
    areas: tuple[Area, ...]
    shortcoming_intro: tuple[str, ...]
    causes: tuple[Rule, ...]
    impacts: tuple[str, ...]
    remedies: tuple[str, ...]
    responsible_intro: tuple[str, ...]
    duties: tuple[Rule, ...]
    plan_intro: tuple[str, ...]
    plan_headings: tuple[str, ...]
    plan_leads: tuple[str, ...]
    plan_closing: tuple[str, ...]
    responsible_closing: tuple[str, ...] = ()
    duty_fields: tuple[DutyField, ...] = ()
    opening_summary: tuple[str, ...] = ()
    measures_intro: tuple[str, ...] = ()
    plan_focus: tuple[str, ...] = ()
    plan_framings: tuple[str, ...] = ()

    def area(self, key: str) -> Area:
        """Area by key (the ``other`` area when unknown)."""
        return next((a for a in self.areas if a.key == key), self.areas[-1])

    def group(self, key: str) -> Group:
        """Group by key (the last group when unknown)."""
        return next((g for g in self.groups if g.key == key), self.groups[-1])

    def all_sentences(self) -> list[str]:
        """Every phrase, for validation and tests."""
        out = [*self.opening, *self.shortcoming_intro, *self.impacts, *self.remedies, *self.responsible_intro,
               *self.plan_intro, *self.plan_headings, *self.plan_leads, *self.plan_closing,
               *self.responsible_closing, *self.opening_summary, *self.plan_framings,
               *self.measures_intro, *self.plan_focus]
        for g in self.groups:
            out += [*g.headings, *g.leads]
        for a in self.areas:
            out += [*a.headings, *a.framings, *a.effects, *a.plans, *a.claims]
        for r in (*self.causes, *self.duties):
            out += [*r.headings, *r.sentences, *r.remedies, *r.suggestions]
        return out


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in (value or ()) if str(v).strip())


def _rules(entries: list[dict]) -> tuple[Rule, ...]:
    return tuple(Rule(str(e.get("key", i)), _strs(e.get("keywords")), _strs(e.get("sentences")),
                      _strs(e.get("headings")), _strs(e.get("remedies")),
                      _strs(e.get("suggestions"))) for i, e in enumerate(entries))


def library_from_dict(data: dict) -> PhraseLibrary:
    """Build and validate a library from parsed YAML.

    Raises:
        PromptError: a phrase contains a digit, a heading is not two-clause, or a key is missing.
    """
    try:
        areas = tuple(Area(key=str(a["key"]), name=str(a["name"]), group=str(a["group"]),
                           keywords=_strs(a.get("keywords")), exemplars=_strs(a.get("exemplars")),
                           headings=_strs(a["headings"]), framings=_strs(a["framings"]),
                           effects=_strs(a["effects"]), plans=_strs(a.get("plans")),
                           claims=_strs(a.get("claims")), verb=str(a.get("verb", "")))
                      for a in data["areas"])
        groups = tuple(Group(str(g["key"]), _strs(g["headings"]), _strs(g["leads"])) for g in data["groups"])
        short, resp, plans = data["shortcomings"], data["responsible"], data["plans"]
        library = PhraseLibrary(
            version=str(data.get("version", "")), opening=_strs(data["opening"]), groups=groups, areas=areas,
            shortcoming_intro=_strs(short["intro"]), causes=_rules(short["causes"]),
            impacts=_strs(short.get("impacts")), remedies=_strs(short["remedies"]), responsible_intro=_strs(resp["intro"]),
            duties=_rules(resp["duties"]), plan_intro=_strs(plans["intro"]),
            plan_headings=_strs(plans["headings"]), plan_leads=_strs(plans["leads"]),
            plan_closing=_strs(plans["closing"]), responsible_closing=_strs(resp.get("closing")),
            duty_fields=tuple(DutyField(str(f["key"]), str(f["label"]), str(f["sentence"]), bool(f.get("count")))
                              for f in resp.get("fields") or ()),
            opening_summary=_strs(data.get("opening_summary")), measures_intro=_strs(data.get("measures_intro")),
            plan_framings=_strs(plans.get("framings")), plan_focus=_strs(plans.get("focus")))
    except (KeyError, TypeError) as exc:
        raise PromptError(f"用语库缺少字段：{exc}") from exc
    _validate(library)
    return library


def _validate(library: PhraseLibrary) -> None:
    problems = [f"含有数字：{s}" for s in library.all_sentences() if re.search(r"\d", s)]
    headings = [h for a in library.areas for h in a.headings] + [h for g in library.groups for h in g.headings]
    headings += [h for d in library.duties for h in d.headings] + list(library.plan_headings)
    problems += [f"不是两句式标题：{h}" for h in headings if not is_two_clause(h)]
    if len(library.plan_headings) < 2:
        problems.append("plans.headings 至少需要两条（四、的（一）（二））")
    if not library.areas or library.areas[-1].key != "other":
        problems.append("最后一个领域必须是 other（兜底）")
    known = {g.key for g in library.groups}
    problems += [f"领域“{a.key}”的分组“{a.group}”不存在" for a in library.areas if a.group not in known]
    if problems:
        raise PromptError("用语库有误：" + "；".join(problems[:5]))


def load_phrases(version: str = "v1", prompts_dir: Path | None = None) -> PhraseLibrary:
    """Read ``prompts/drafting/phrases_<version>.yaml``."""
    return library_from_dict(load_yaml(f"drafting/phrases_{version}.yaml", prompts_dir))


def guidance(key: str, library: PhraseLibrary, areas: list[str] | None = None) -> str:
    """Phrase-library wording shown to a chat model as style guidance for one section.

    Args:
        key: section key.
        library: the phrase library.
        areas: area keys of the draft's items (all areas when None).
    """
    if key == "measures":
        lines = ["二级标题“（一）”与条目“1.”均用两句式，如：" + "；".join(g.headings[0] for g in library.groups)]
        for a in (a for a in library.areas if areas is None or a.key in areas):
            lines.append(f"{a.name}：{a.headings[0]}；{a.framings[0]}{a.effects[0]}")
        return "\n".join(lines)
    if key == "shortcomings":
        return "每条不足以“一是……”“二是……”起句，原因只写材料给出的，未给出的标注【待确认】，如：" + library.causes[0].sentences[0]
    if key == "responsible":
        return "只写材料中主要负责人本人的履职事实，通用表述至多两句，如：" + "；".join(library.responsible_closing)
    if key == "plans":
        return "总体要求只写一次，每项安排一段，保留其目标和时限，如：" + "；".join(library.plan_headings)
    return ""


class Picker:
    """Chooses stock phrases: seeded (same facts, same draft) and never the same sentence twice."""

    def __init__(self, seed: str, variables: dict[str, Any] | None = None):
        digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
        self._rng = random.Random(int(digest[:16], 16))
        self.variables = variables or {}
        self.used: set[str] = set()
        self.used_clauses: set[str] = set()

    def render(self, phrase: str, extra: dict[str, Any] | None = None) -> str:
        """Fill ``{{ organization }}`` etc. strictly (a missing variable raises)."""
        if "{{" not in phrase:
            return phrase
        return Template("phrase", phrase).render(**(self.variables | (extra or {})))

    def pick(self, *pools: tuple[str, ...] | list[str], extra: dict[str, Any] | None = None) -> str:
        """A phrase from the first pool that still has an unused one ("" when all are used).

        ``extra`` adds variables for this pick (e.g. ``area``, the staff's area name).
        """
        for pool in pools:
            fresh = [p for p in pool if self.render(p, extra) not in self.used
                     and not set(clauses(self.render(p, extra))) & self.used_clauses]
            if fresh:
                return self.take(self.render(self._rng.choice(fresh), extra))
        return ""

    def take(self, text: str) -> str:
        """Record a sentence written from elsewhere so that no stock phrase repeats it."""
        self.used.add(text)
        self.used_clauses.update(clauses(text))
        return text
