"""Offline composition of the opening and parts 二–五 from the staff's entries and stock wording.

Staff entries are kept verbatim (list numbering removed, closing 。 ensured). Stock sentences
that state something about the office (causes, duties) are added to the notes for the writer.
"""

from __future__ import annotations

from assistant.core.drafting.areas import AreaClassifier
from assistant.core.drafting.facts import Facts
from assistant.core.drafting.offline import sentence
from assistant.core.drafting.phrases import PhraseLibrary, Picker, Rule
from assistant.core.drafting.report import cn_numeral


def short(text: str, limit: int = 24) -> str:
    """A sentence shortened for the notes."""
    text = text.rstrip("。")
    return text if len(text) <= limit else text[:limit] + "……"


def compose_part(key: str, facts: Facts, phrases: PhraseLibrary, classifier: AreaClassifier,
                 picker: Picker, notes: list[str]) -> str:
    """Text of one part other than 一 (paragraphs separated by newlines)."""
    if key == "opening":
        return picker.pick(phrases.opening)
    if key == "shortcomings":
        return shortcomings(facts, phrases, picker, notes)
    if key == "responsible":
        return responsible(facts, phrases, picker, notes)
    if key == "plans":
        return plans(facts, phrases, classifier, picker)
    items = [sentence(s) for s in facts.other]
    return "\n".join(f"{i}.{s}" if len(items) > 1 else s for i, s in enumerate(items, 1))


def _best_rule(text: str, rules: tuple[Rule, ...], picker: Picker) -> str:
    """A sentence of the best-matching rule that is still unused, falling back to keyword-free rules."""
    ranked = sorted(rules, key=lambda r: -r.score(text))
    matching = [r for r in ranked if r.score(text) > 0]
    fallback = [r for r in rules if not r.keywords]
    for rule in [*matching, *fallback, *ranked]:
        choice = picker.pick(rule.sentences)
        if choice:
            return choice
    return ""


def shortcomings(facts: Facts, phrases: PhraseLibrary, picker: Picker, notes: list[str]) -> str:
    """二: intro, 一是…（cause）, 二是…, and a closing remedy sentence."""
    lines = [picker.pick(phrases.shortcoming_intro)]
    causes = []
    for i, text in enumerate(facts.shortcomings, 1):
        entry = sentence(text)
        cause = _best_rule(text, phrases.causes, picker)
        causes.append(cause)
        impact = picker.pick(phrases.impacts)
        lines.append(f"{cn_numeral(i)}是{entry}{impact}{cause}")
    remedy = picker.pick(phrases.remedies) + picker.pick(phrases.remedies)
    if remedy:
        lines.append(remedy)
    quoted = "；".join(f"“{short(c)}”" for c in causes if c)
    if quoted:
        notes.append(f"二、中的原因分析为用语库通用表述，请结合本单位实际修改：{quoted}")
    return "\n".join(line for line in lines if line)


def responsible(facts: Facts, phrases: PhraseLibrary, picker: Picker, notes: list[str]) -> str:
    """三: intro, then one （一）（二）（三） block per duty with the staff's entries woven in."""
    assigned: dict[str, list[str]] = {d.key: [] for d in phrases.duties}
    for text in facts.first_responsible_person:
        ranked = sorted(phrases.duties, key=lambda d: (-d.score(text), len(assigned[d.key])))
        assigned[ranked[0].key].append(sentence(text))
    lines = [picker.pick(phrases.responsible_intro)]
    stock = []
    for n, duty in enumerate(phrases.duties, 1):
        first, second = picker.pick(duty.sentences), picker.pick(duty.sentences)
        stock += [s for s in (first, second) if s]
        lines.append(f"（{cn_numeral(n)}）{picker.pick(duty.headings)}")
        lines.append(first + "".join(assigned[duty.key]) + second)
    if stock:
        notes.append("三、中以下第一责任人职责为通用表述（参照《党政主要负责人履行推进法治建设第一责任人职责规定》），"
                     "请确认主要负责人确已履行，否则删改：" + "；".join(f"“{short(s)}”" for s in stock))
    return "\n".join(line for line in lines if line)


def plans(facts: Facts, phrases: PhraseLibrary, classifier: AreaClassifier, picker: Picker) -> str:
    """四: intro, （一）overall direction, （二）the staff's plans each led by its area's framing."""
    other = phrases.area("other")
    lines = [picker.pick(phrases.plan_intro)]
    headings = list(phrases.plan_headings)
    lines += [f"（一）{picker.take(headings[0])}", picker.pick(phrases.plan_leads)]
    lines.append(f"（二）{picker.take(headings[1])}")
    for i, text in enumerate(facts.next_year_plans, 1):
        area = classifier.classify(text).area
        lead = picker.pick(area.plans, other.plans)
        follow = picker.pick(area.plans) if len(text) < 40 else ""
        lines.append(f"{i}.{lead}{sentence(text)}{follow}")
    closing = picker.pick(phrases.plan_closing)
    if closing:
        lines.append(closing)
    return "\n".join(line for line in lines if line)
