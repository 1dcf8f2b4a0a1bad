"""Offline composition: a real first draft from facts, in the house style of the annual report.

Part 一 groups the measures by area into （一）（二）… blocks with numbered items; each item gets a
two-clause heading, framing sentences, the staff's own text (every figure verbatim) and an
effect sentence. Parts 二–四 frame the staff's entries with causes, first-responsible-person
duties and plan framings. All stock wording comes from the phrase library, is chosen with a
seeded picker (same facts, same draft; no sentence twice) and is listed in the 起草提示 notes for
the writer to confirm. Figures come only from the facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.core.drafting.areas import AreaClassifier
from assistant.core.drafting.claims import MARK, load_claim_rules
from assistant.core.drafting.draft import Draft, DraftSection
from assistant.core.drafting.facts import Facts, Measure
from assistant.core.drafting.indicators import Catalogue, Indicator, load_catalogue
from assistant.core.drafting.offline import OfflineWriter, sentence
from assistant.core.drafting.outline import load_outline
from assistant.core.drafting.parts import compose_part, opening, short
from assistant.core.drafting.pastwording import PastSearch, PastWording
from assistant.core.drafting.phrases import Area, PhraseLibrary, Picker, is_two_clause, load_phrases
from assistant.core.drafting.quality import clauses
from assistant.core.drafting.report import cn_numeral
from assistant.core.drafting.units import Voice, load_units


@dataclass
class Item:
    """One numbered item of part 一: an area and the staff's sentences for it."""

    area: Area
    label: str = ""
    units: list[tuple[str, list[str]]] = field(default_factory=list)
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
    voice: Voice | None = None
    templates: set[str] = field(default_factory=set)


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
        self.units = load_units()
        self.outline = load_outline()
        self.claims = load_claim_rules()

    def compose(self, facts: Facts, seed: str = "") -> Composition:
        """The whole draft (part 五 only when ``facts.other`` is filled) and its notes."""
        voice = self.units.voice(facts.organization)
        variables = {"organization": facts.organization, "year": facts.year, "next_year": facts.year + 1,
                     **voice.variables()}
        state = _State(Picker(f"{facts.organization}|{facts.year}|{self.phrases.version}|{seed}", variables),
                       organization=facts.organization, voice=voice)
        sections = []
        for key in (k for k in self.writer.structure.keys if k != "other" or facts.other):
            if key == "measures":
                text = self.measures_text(facts, state)
            elif key == "opening":
                topics = list(dict.fromkeys(self.outline.topic(m.area) for m in facts.measures if m.area.strip()))
                text = opening(self.phrases, state.picker, voice, topics)
            else:
                text = compose_part(key, facts, self.phrases, self.classifier, state.picker, state.notes)
            sections.append(DraftSection(key, self.writer.heading(key, facts), text))
        notes = list(state.notes)
        if state.effects:
            quoted = "；".join(f"“{short(e)}”" for e in state.effects)
            notes.insert(0, f"一、各条目末尾标【待确认】的成效句为用语库通用表述，请对照实际核实或删改：{quoted}")
        sources = sorted(set(state.carried.values()))
        draft = Draft(self.writer.title(facts), sections, [], facts)
        return Composition(draft, notes, sources, list(dict.fromkeys(state.areas)))

    # -- part 一 -----------------------------------------------------------------------------

    def items(self, facts: Facts, notes: list[str]) -> list[Item]:
        """Blocks of part 一 in outline order: one per measure the user entered, plus indicator homes."""
        items: list[Item] = []
        for m in facts.measures:
            units = measure_units(m)
            found = self.classifier.classify("".join(s for _, ss in units for s in ss), m.area)
            if found.method != "keywords":
                way = "按向量相似度" if found.method == "embedding" else "未匹配到领域，"
                notes.append(f"举措“{m.area}”{way}归入“{found.area.name}”，请确认其位置")
            items.append(Item(found.area, m.area, units=units, order=len(items)))
        self._place_indicators(facts, items)
        items.sort(key=lambda it: (self.outline.rank(it.area.key), it.order))
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
                home = next((it for it in items), None) or Item(area, area.name, order=len(items))
                if home not in items:
                    items.append(home)
            home.figures.append(phrase)

    def measures_text(self, facts: Facts, state: _State) -> str:
        """Part 一: a （N） heading per area the user entered (or per place, by the outline rule)."""
        items = self.items(facts, state.notes)
        state.areas += [it.area.key for it in items]
        blocks: list[list[Item]] = [[it] for it in items]
        if self.outline.grouped(len(items)):
            places = list(dict.fromkeys(it.area.key for it in items))
            blocks = [[it for it in items if it.area.key == p] for p in places]
        lines: list[str] = [state.picker.pick(self.phrases.measures_intro)] if len(blocks) > 1 else []
        for n, block in enumerate(blocks, 1):
            where = f"一、（{cn_numeral(n)}）"
            if len(block) == 1:
                lines.append(f"（{cn_numeral(n)}）{self._heading(block[0], state, where)}")
                lines += self._block_lines(block[0], state, where)
                continue
            group = self.phrases.group(block[0].area.group)
            lines.append(f"（{cn_numeral(n)}）{state.picker.pick(group.headings, self.phrases.group('other').headings)}")
            lines.append(state.picker.pick(group.leads))
            for i, item in enumerate(block, 1):
                body = "".join(self._block_lines(item, state, f"{where}{i}."))
                lines.append(f"{i}.{self._heading(item, state, where)}。{body}")
        return "\n".join(line for line in lines if line)

    def _heading(self, item: Item, state: _State, where: str) -> str:
        heading = self.outline.heading(item.label, item.area, self.phrases.area("other"), state.picker)
        if not heading:
            heading = state.picker.pick(item.area.headings, self.phrases.area("other").headings)
            state.notes.append(f"{where}领域名称“{item.label}”较长，小标题改用通用表述“{heading}”，请据实修改")
        return heading

    def _block_lines(self, item: Item, state: _State, where: str) -> list[str]:
        """Framing, the staff's sentences (numbered only when there are two or more full items), effect."""
        picker, area, other = state.picker, item.area, self.phrases.area("other")
        own = "".join(s for _, ss in item.units for s in ss)
        unit = self._unit_lead(item, state, short=len(own) < FULL_ITEM_CHARS)
        picker.used_clauses.update(clauses(own))
        group = picker.pick(self.phrases.group(area.group).leads)
        framing = self._carried(item, state, where) or picker.pick(area.framings, other.framings)
        second = picker.pick(area.framings, other.framings)
        framing = f"{group}{framing}"
        claim = self._supported_claim(item, own, picker, f"{unit}{framing}{second}")
        figures = f"全年，{'，'.join(item.figures)}。" if item.figures else ""
        effect = picker.pick(area.effects, other.effects)
        effect += picker.pick(area.effects, other.effects)
        if effect:
            state.effects.append(effect)
            # An outcome nobody entered ("执法案卷质量稳步提升") is checkable: marked in the body too.
            effect = "".join(f"{MARK}{s}" for s in re.split(r"(?<=。)", effect) if s.strip())
        lead = f"{unit}{framing}{second}{claim}"
        if len(item.units) < 2:
            return [f"{lead}{own}{figures}{effect}"]
        lines = [lead]
        for i, (label, sentences) in enumerate(item.units, 1):
            heading = label.strip().rstrip("。") if is_two_clause(label) else picker.pick(
                [h for h in area.headings if not self.claims.is_specific(h)], other.headings)
            lines.append(f"{i}.{heading}。{''.join(sentences)}")
        lines.append(f"{figures}{effect}")
        return lines

    def _unit_lead(self, item: Item, state: _State, short: bool = False) -> str:
        """The unit's framing, what the area means for this unit type, and the area's legal basis.

        Each template is used once per draft (the unit's own first, then the shared ones). A
        measure of a sentence or two (``short``) gets a second meaning sentence.
        """
        picker, units = state.picker, self.units
        extra = {"area": self.outline.topic(item.label) if len(item.label) <= 14 else item.area.name}
        out = ""
        pools = [(state.voice.unit.framings, units.common_framings), (state.voice.unit.meanings, units.common_meanings)]
        for own, common in pools + pools[1:] * short:
            fresh = [f for f in own if f not in state.templates]
            fresh = fresh or [f for f in common if f not in state.templates]
            text = picker.pick(fresh, extra=extra)
            state.templates.update(f for f in fresh if text and picker.render(f, extra) == text)
            out += text
        basis = units.area_basis.get(item.area.key, "")
        return out + (picker.pick([basis], extra=extra) if basis else "")

    def _supported_claim(self, item: Item, own: str, picker: Picker, written: str) -> str:
        """One of the area's specific sentences, only when the staff's text names what it asserts."""
        source = item.label + own
        said = set(clauses(source + written))
        backed = [c for c in item.area.claims
                  if not self.claims.unsupported(c, source) and not said & set(clauses(c))]
        return picker.pick(backed)

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
