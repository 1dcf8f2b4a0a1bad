"""What the knowledge base holds, and whether a question is within it.

The knowledge base holds national laws, Beijing's regulations and the annual reports the office
ingested — each report of one organisation (``东城区人防办``) and one year. A question that asks
about another district, another office, a year no report covers, a part of a year (reports give
whole years), a place outside Beijing, or a topic no held report mentions is not answered from
whatever happens to be similar: the answer says "知识库中没有……" and lists what is held
("现有：2021年东城区人防办报告；2023年示例区人防办报告（示例）").

The bundled sample report (organisation or title with ``示例``) is demo data: it answers only
when the question names it or when no report of the office's own is held, and every answer
quoting it says so (:func:`sample_label`).

The names come from ``prompts/answering/places_v1.yaml``; the topic threshold from
``Settings.answering.min_topic_cover`` (calibrated on the dev split).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SAMPLE = "示例"
SAMPLE_LABEL = "【示例】以下内容来自内置的示例报告（虚构数据，不是本单位的实际情况）。\n"
_DISTRICT_TAIL = "(?:区|县)?"


@dataclass(frozen=True)
class Places:
    """Compiled names of ``prompts/answering/places_v1.yaml``."""

    home: re.Pattern
    districts: tuple[str, ...]
    regions: tuple[str, ...]
    offices: tuple[tuple[str, re.Pattern], ...]
    part_year: re.Pattern

    @classmethod
    def load(cls, name: str = "answering/places_v1.yaml") -> Places:
        """Read the names through :mod:`assistant.prompts`."""
        from assistant.prompts import load_yaml

        data = load_yaml(name)
        return cls(
            home=re.compile(data["home"]),
            districts=tuple(data["districts"]),
            regions=tuple(data["regions"]),
            offices=tuple((k, re.compile(v)) for k, v in data["offices"].items()),
            part_year=re.compile(data["part_year"]),
        )

    def office_of(self, name: str) -> str | None:
        """The office type of an organisation name (东城区人防办 → 人防办)."""
        return next((k for k, rx in self.offices if rx.search(name)), None)

    def district_of(self, name: str) -> str | None:
        """The district of an organisation name (东城区人防办 → 东城)."""
        return next((d for d in self.districts if name.startswith(d)), None)


@dataclass(frozen=True)
class Mentions:
    """Places, offices and periods a question names (read once, in :meth:`Question.parse`)."""

    districts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    sample: bool = False
    part_year: str = ""
    home: bool = False  # Beijing is implied (北京, 本市, a Beijing district)

    @classmethod
    def read(cls, text: str, places: Places) -> Mentions:
        """What ``text`` names (a law's own name, 《…》, is not a place the question asks about)."""
        plain = re.sub(r"《[^》]*》", "", text)
        districts = tuple(d for d in places.districts if re.search(d + _DISTRICT_TAIL, plain))
        return cls(
            home=bool(places.home.search(plain)) or any(d != SAMPLE for d in districts),
            districts=districts,
            regions=tuple(r for r in places.regions if r in plain),
            offices=tuple(k for k, rx in places.offices if rx.search(plain)),
            sample=SAMPLE in plain,
            part_year=m.group(0) if (m := places.part_year.search(plain)) else "",
        )


@dataclass(frozen=True)
class Held:
    """One report the knowledge base holds."""

    source: str
    organization: str
    year: int | None
    title: str = ""

    @property
    def sample(self) -> bool:
        """Whether this is the bundled demo report."""
        return SAMPLE in self.organization or SAMPLE in self.title

    def label(self) -> str:
        """``2021年东城区人防办报告`` (with ``（示例）`` for the demo)."""
        year = f"{self.year}年" if self.year else ""
        return f"{year}{self.organization or self.title}报告" + ("（示例）" if self.sample else "")


Holdings = Callable[[], list[Held]]


@dataclass(frozen=True)
class Verdict:
    """Whether a question is within the knowledge base, and which reports may answer it."""

    message: str = ""  # "知识库中没有……" when not held
    sources: frozenset[str] | None = None  # reports that may answer (None: no restriction)
    hidden: frozenset[str] = frozenset()  # reports that never answer (the demo, once not needed)
    reports: tuple[Held, ...] = field(default=())

    @property
    def held(self) -> bool:
        """Whether the question may be answered at all."""
        return not self.message


def held_list(reports: Iterable[Held]) -> str:
    """``现有：2021年东城区人防办报告；…`` (a report stored from two files is listed once)."""
    ordered = sorted(reports, key=lambda r: (r.sample, r.year or 0, r.organization))
    labels = list(dict.fromkeys(r.label() for r in ordered))
    return f"现有：{'；'.join(labels)}。" if labels else "知识库中还没有年度报告。"


def is_directed(q) -> bool:
    """Whether a :class:`Question` asks about an office's work (its reports), not about a law.

    Own-work wording, a year, an office named or a report part make it so — unless it names a
    law, or asks what one must or may do (谁批准, 期限) without naming a year, office or part.
    """
    m: Mentions = q.mentions
    if q.laws or not (q.report_cue or m.offices or m.sample):
        return False
    return bool(q.years or m.offices or m.sample or q.part) or not q.normative


def check(q, reports: list[Held], places: Places) -> Verdict:
    """Whether the knowledge base holds what ``q`` asks (a :class:`Question`).

    Args:
        q: The parsed question (its mentions, years and report part).
        reports: The reports held.
        places: District and office names, to read each report's organisation.
    """
    m: Mentions = q.mentions
    directed = is_directed(q)
    local = any(r in law for r in m.regions for law in q.laws)  # the region's own law is held
    if m.regions and not local:
        what = "的报告" if directed else "的地方性法规"
        return _refuse(f"知识库中没有{'、'.join(m.regions)}{what}（只有国家法律法规和北京市的法规、报告）。", reports)
    own = [r for r in reports if not r.sample]
    if not directed:
        demo = frozenset(r.source for r in reports if r.sample and own and not m.sample)
        return Verdict(hidden=demo)
    pool = [r for r in reports if r.sample] if m.sample else (own or list(reports))
    named = ""
    if m.districts:
        pool = [r for r in pool if places.district_of(r.organization) in m.districts]
        named = "、".join(f"{d}区" for d in m.districts)
    if m.offices:
        pool = [r for r in pool if places.office_of(r.organization) in m.offices]
        named += "、".join(m.offices)
    if not pool and (m.districts or m.offices or m.sample):
        return _refuse(f"知识库中没有{named or '示例'}的报告。", reports)
    if m.part_year:
        return _refuse(f"知识库中的年度报告只有全年数字，没有“{m.part_year}”的数字。", reports)
    if q.years:
        years = {int(y) for y in q.years}
        dated = [r for r in pool if r.year in years]
        if not dated and (q.part == "plans" or not q.quantity):  # next year: the report's plans
            dated = [r for r in pool if r.year and r.year + 1 in years]
        if not dated:
            asked = "、".join(f"{y}年" for y in sorted(years))
            return _refuse(f"知识库中没有{named}{asked}的报告。", reports)
        pool = dated
    return Verdict(sources=frozenset(r.source for r in pool), reports=tuple(pool))


def _refuse(message: str, reports: Iterable[Held]) -> Verdict:
    return Verdict(message=f"{message}{held_list(reports)}", sources=frozenset())


def topic_cover(terms: Iterable[str], text: str) -> float:
    """Share of the question's topic words (by length) that ``text`` holds; a word not found
    whole counts by the share of its character pairs found (法律书 ~ 法律法规书本)."""
    total = found = 0.0
    for term in terms:
        total += len(term)
        if term in text:
            found += len(term)
            continue
        pairs = [term[i : i + 2] for i in range(len(term) - 1)]
        if pairs:
            found += len(term) * sum(p in text for p in pairs) / len(pairs)
    return found / total if total else 1.0


def sample_label(text: str, sources: list[dict]) -> str:
    """The answer with the demo label in front when it quotes the sample report."""
    quoted = any(SAMPLE in f"{s.get('title') or ''}{s.get('source') or ''}" for s in sources)
    return SAMPLE_LABEL + text if quoted and not text.startswith(SAMPLE_LABEL) else text
