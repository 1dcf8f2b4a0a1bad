"""Offline composition: a real first draft from facts, in the house style of the annual report.

Part 一 groups the measures by area into （一）（二）… blocks with numbered items; each item gets a
two-clause heading, framing sentences, the staff's own text (every figure verbatim) and an
effect sentence. Parts 二–四 frame the staff's entries with causes, first-responsible-person
duties and plan framings. All stock wording comes from the phrase library, is chosen with a
seeded picker (same facts, same draft; no sentence twice) and is listed in the 起草提示 notes for
the writer to confirm. Figures come only from the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.drafting.areas import AreaClassifier
from assistant.core.drafting.draft import Draft, DraftSection
from assistant.core.drafting.facts import Facts, Measure
from assistant.core.drafting.indicators import Catalogue, Indicator, load_catalogue
from assistant.core.drafting.offline import OfflineWriter, sentence
from assistant.core.drafting.parts import compose_part, short
from assistant.core.drafting.pastwording import PastSearch, PastWording
from assistant.core.drafting.phrases import Area, PhraseLibrary, Picker, is_two_clause, load_phrases
from assistant.core.drafting.report import cn_numeral


@dataclass
class Item:
    """One numbered item of part 一: an area and the staff's sentences for it."""

    area: Area
    label: str = ""
    sentences: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    order: int = 0


@dataclass
class Composition:
    """A composed draft and the 起草提示 notes (stock wording to confirm, carried wording)."""

    draft: Draft
    notes: list[str]
    sources: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


@dataclass
class _State:
    picker: Picker
    notes: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    carried: dict[str, str] = field(default_factory=dict)
    areas: list[str] = field(default_factory=list)
    organization: str = ""


class Composer:
    """Writes every section of a report from facts without a model.

    Args:
        phrases: the phrase library (``prompts/drafting/phrases_v1.yaml`` by default).
        embeddings: LangChain ``Embeddings`` for the nearest-exemplar area choice (optional).
        catalogue: indicator catalogue (built-in by default).
        past: knowledge-base search for past-report paragraphs (optional framing wording).
        writer: supplies the title and the mandated section headings.
    """

    def __init__(self, phrases: PhraseLibrary | None = None, embeddings: Any = None,
                 catalogue: Catalogue | None = None, past: PastSearch | None = None,
                 writer: OfflineWriter | None = None):
        self.phrases = phrases or load_phrases()
        self.catalogue = catalogue or load_catalogue()
        self.classifier = AreaClassifier(self.phrases, embeddings)
        self.past = PastWording(past) if past else None
        self.writer = writer or OfflineWriter(self.catalogue)

    def compose(self, facts: Facts, seed: str = "") -> Composition:
        """The whole draft (part 五 only when ``facts.other`` is filled) and its notes."""
        variables = {"organization": facts.organization, "year": facts.year, "next_year": facts.year + 1}
        state = _State(Picker(f"{facts.organization}|{facts.year}|{self.phrases.version}|{seed}", variables),
                       organization=facts.organization)
        sections = []
        for key in (k for k in self.writer.structure.keys if k != "other" or facts.other):
            if key == "measures":
                text = self.measures_text(facts, state)
            else:
                text = compose_part(key, facts, self.phrases, self.classifier, state.picker, state.notes)
            sections.append(DraftSection(key, self.writer.heading(key, facts), text))
        notes = list(state.notes)
        if state.effects:
            quoted = "；".join(f"“{short(e)}”" for e in state.effects)
            notes.insert(0, f"一、各条目末尾的成效句为用语库通用表述，请对照实际核实或删改：{quoted}")
        sources = sorted(set(state.carried.values()))
        draft = Draft(self.writer.title(facts), sections, [], facts)
        return Composition(draft, notes, sources, list(dict.fromkeys(state.areas)))

    # -- part 一 -----------------------------------------------------------------------------

    def items(self, facts: Facts, notes: list[str]) -> list[Item]:
        """Items of part 一 in order: one per measure (or per full sub-item), plus indicator homes."""
        items: list[Item] = []
        for m in facts.measures:
            for label, sentences in measure_units(m):
                found = self.classifier.classify("".join(sentences), label)
                if found.method != "keywords":
                    way = "按向量相似度" if found.method == "embedding" else "未匹配到领域，"
                    notes.append(f"举措“{label or m.area}”{way}归入“{found.area.name}”，请确认")
                items.append(Item(found.area, label, sentences, order=len(items)))
        self._place_indicators(facts, items)
        group_order = [g.key for g in self.phrases.groups]
        items.sort(key=lambda it: (group_order.index(it.area.group), it.order))
        return items

    def _place_indicators(self, facts: Facts, items: list[Item]) -> None:
        texts = [t for m in facts.measures for t in (m.area, m.text, *m.items)]
        for key, value in facts.indicators.items():
            ind = self.catalogue.get(key)
            if _mentioned(ind, key, value, texts):
                continue
            phrase = ind.sentence(value) if ind else f"{key}{value}"
            label = f"{ind.label} {' '.join(ind.topics)}" if ind else key
            area = self.classifier.classify(label, label, use_embeddings=False).area
            home = next((it for it in items if it.area.key == area.key), None)
            home = home or next((it for it in items if it.area.group == area.group), None)
            if home is None:
                home = Item(area, order=len(items))
                items.append(home)
            home.figures.append(phrase)

    def measures_text(self, facts: Facts, state: _State) -> str:
        """Part 一: （一）group heading, lead, then numbered items."""
        lines: list[str] = []
        items = self.items(facts, state.notes)
        state.areas += [it.area.key for it in items]
        groups = list(dict.fromkeys(it.area.group for it in items))
        for gi, gkey in enumerate(groups, 1):
            group = self.phrases.group(gkey)
            lines.append(f"（{cn_numeral(gi)}）{state.picker.pick(group.headings, self.phrases.group('other').headings)}")
            members = [it for it in items if it.area.group == gkey]
            leads = [state.picker.pick(group.leads) for _ in range(2)]
            if any(leads):
                lines.append("".join(leads))
            for n, item in enumerate(members, 1):
                lines.append(f"{n}.{self._item_text(item, state, f'一、（{cn_numeral(gi)}）{n}.')}")
        return "\n".join(lines)

    def _item_text(self, item: Item, state: _State, where: str) -> str:
        picker, area, other = state.picker, item.area, self.phrases.area("other")
        heading = item.label.strip().rstrip("。") if is_two_clause(item.label) else ""
        heading = picker.take(heading) if heading else picker.pick(area.headings, other.headings)
        framing = self._carried(item, state, where) or picker.pick(area.framings, other.framings)
        facts_text = "".join(item.sentences)
        second = picker.pick(area.framings, other.framings) if len(facts_text) < 150 else ""
        figures = f"全年，{'，'.join(item.figures)}。" if item.figures else ""
        effect = picker.pick(area.effects, other.effects)
        if len(facts_text) < 70:
            effect += picker.pick(area.effects)
        if effect:
            state.effects.append(effect)
        return f"{heading}。{framing}{second}{''.join(item.sentences)}{figures}{effect}"

    def _carried(self, item: Item, state: _State, where: str) -> str:
        if self.past is None or item.area.key in state.carried:
            return ""
        query = " ".join(dict.fromkeys(x for x in (item.area.name, item.label.strip()) if x))
        found = self.past.framing(query, state.picker.used, len(state.carried), state.organization)
        if found is None:
            return ""
        state.picker.take(found.text)
        state.carried[item.area.key] = found.source
        state.notes.append(f"{where}的引导句沿用往年报告《{found.source}》（已去除原有数字）：“{found.text}”，请确认仍适用")
        return found.text


FULL_ITEM_CHARS = 60


def _split_heading(item: str) -> tuple[str, list[str]]:
    """A sub-item that opens with its own two-clause heading: (heading, [rest]); else ("", [item])."""
    text = sentence(item)
    first, _, rest = text.partition("。")
    if rest.strip() and is_two_clause(first):
        return first, [rest.strip()]
    return "", [text]


def measure_units(m: Measure) -> list[tuple[str, list[str]]]:
    """(label, staff sentences) per item of part 一 that a measure yields.

    Short sub-points stay sentences of one item; full sub-items (a report's 1. 2. … under one
    （二）, e.g. facts extracted from last year's report) each become an item of their own, and
    the measure's own text leads the first of them.
    """
    parts = [str(t) for t in m.items if str(t).strip()]
    if len(parts) < 2 or sum(len(p) for p in parts) / len(parts) < FULL_ITEM_CHARS:
        return [(m.area, [sentence(t) for t in (m.text, *parts) if str(t).strip()])]
    units = [_split_heading(p) for p in parts]
    if m.text.strip():
        units[0] = (units[0][0], [sentence(m.text), *units[0][1]])
    return units


def _mentioned(ind: Indicator | None, key: str, value: str, texts: list[str]) -> bool:
    """True when a measure already states this indicator (with this or another value).

    A different value is left in place on purpose: the figure check that runs after
    composition ties it to the indicator and fixes or flags it.
    """
    if ind is not None and any(ind.find_all(t) for t in texts):
        return True
    names = (key, *((ind.label, *ind.aliases) if ind else ()))
    joined = "".join(texts)
    return value in joined and any(n in joined for n in names)
