"""Offline composition of the opening and parts 二–五 from the staff's entries and stock wording.

Staff entries are kept verbatim (list numbering removed, closing 。 ensured). Stock sentences
that state something about the office (causes, duties) are added to the notes for the writer.
"""

from __future__ import annotations

from assistant.core.drafting.areas import AreaClassifier
from assistant.core.drafting.claims import MARK
from assistant.core.drafting.facts import Facts, split_shortcoming
from assistant.core.drafting.offline import sentence
from assistant.core.drafting.phrases import PhraseLibrary, Picker, Rule
from assistant.core.drafting.report import cn_numeral
from assistant.core.drafting.units import Voice


def short(text: str, limit: int = 24) -> str:
    """A sentence shortened for the notes."""
    text = text.rstrip("。")
    return text if len(text) <= limit else text[:limit] + "……"


CLOSING = "现将有关情况报告如下。"


def opening(phrases: PhraseLibrary, picker: Picker, voice: Voice, topics: list[str]) -> str:
    """开头段: 指导思想 and the year's approach, the unit's legal basis and approach, the areas entered."""
    lead = picker.pick(phrases.opening).removesuffix(CLOSING)
    unit = [picker.pick([t]) for t in (voice.unit.basis, voice.unit.approach) if t]
    summary = picker.pick(phrases.opening_summary, extra={"topics": "、".join(topics)}) if topics else ""
    return "".join([lead, *unit, summary, CLOSING])


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
        return plans(facts, phrases, classifier, picker, notes)
    items = [sentence(s) for s in facts.other]
    return "\n".join(f"{i}.{s}" if len(items) > 1 else s for i, s in enumerate(items, 1))


def _best_rule(text: str, rules: tuple[Rule, ...]) -> Rule:
    """The rule whose keywords match the text best (the keyword-free rule when none does)."""
    ranked = sorted(rules, key=lambda r: -r.score(text))
    if ranked and ranked[0].score(text) > 0:
        return ranked[0]
    return next((r for r in rules if not r.keywords), rules[-1])


def shortcomings(facts: Facts, phrases: PhraseLibrary, picker: Picker, notes: list[str]) -> str:
    """二: intro, then 一是 shortcoming, its reason (the staff's, else a topic reason marked 【待确认】), remedy."""
    lines = [picker.pick(phrases.shortcoming_intro)]
    guessed, suggested = [], []
    general = next((r for r in phrases.causes if not r.keywords), phrases.causes[-1])
    for i, entry in enumerate(facts.shortcomings, 1):
        text, reason = split_shortcoming(entry)
        rule = _best_rule(text, phrases.causes)
        if reason:
            cause = f"究其原因，主要是{sentence(reason)}"
        else:
            cause = picker.pick(rule.sentences, *(r.sentences for r in phrases.causes if not r.keywords))
            guessed.append(cause)
            cause = f"{cause.rstrip('。')}{MARK}。" if cause else ""
        remedy = picker.pick(rule.remedies)
        suggestion = picker.pick(rule.suggestions, general.suggestions)
        if suggestion:
            suggested.append(suggestion)
            remedy += f"{suggestion.rstrip('。')}{MARK}。"
        impact = picker.pick(phrases.impacts)
        lines.append(f"{cn_numeral(i)}是{sentence(text)}{impact}{cause}{remedy}")
    closing = picker.pick(phrases.remedies)
    if closing:
        lines.append(closing)
    if guessed:
        notes.append("二、中以下原因为按不足的主题选用的通用表述，已在正文标注【待确认】，请填写或改写实际原因："
                     + "；".join(f"“{short(c)}”" for c in guessed))
    if suggested:
        notes.append("二、中以下改进建议为按不足的主题选用的通用表述，已标注【待确认】，请按实际打算改写或删除："
                     + "；".join(f"“{short(c)}”" for c in suggested))
    return "\n".join(line for line in lines if line)


def duty_sentences(facts: Facts, phrases: PhraseLibrary, picker: Picker) -> list[str]:
    """Sentences from the form's 三 fields (会前学法 count, 专题听取汇报 count, 出庭应诉, 述法, 批示)."""
    out = []
    said = "".join(facts.first_responsible_person)
    for f in phrases.duty_fields:
        value = facts.responsible_duties.get(f.key, "").strip()
        if value and value.rstrip("。") not in said:  # an entry says it already: not twice
            out.append(picker.take(picker.render(f.sentence, {"value": value.rstrip("。")})))
    return out


def responsible(facts: Facts, phrases: PhraseLibrary, picker: Picker, notes: list[str]) -> str:
    """三: one stock intro, the person's own duties (form fields, then entries), one stock closing."""
    own = duty_sentences(facts, phrases, picker) + [sentence(s) for s in facts.first_responsible_person]
    lines = [picker.pick(phrases.responsible_intro)]
    if len(own) > 2:
        lines += [f"{cn_numeral(i)}是{s}" for i, s in enumerate(own, 1)]
    else:
        lines.append("".join(own))
    lines.append(picker.pick(phrases.responsible_closing))
    missing = [f.label for f in phrases.duty_fields if not facts.responsible_duties.get(f.key)
               and not any(w in "".join(facts.first_responsible_person) for w in _DUTY_WORDS.get(f.key, ()))]
    if missing:
        notes.append(f"三、未填写主要负责人的{'、'.join(missing)}情况；如有，请补充到事实材料，正文不代为表述")
    return "\n".join(line for line in lines if line)


_DUTY_WORDS = {"study_sessions": ("会前学法",), "briefings": ("听取",), "court": ("出庭",),
               "report_on_law": ("述法", "述职"), "instructions": ("批示",)}


def plans(facts: Facts, phrases: PhraseLibrary, classifier: AreaClassifier, picker: Picker,
          notes: list[str] | None = None) -> str:
    """四: the stock framing once, then one paragraph per plan.

    Each paragraph is the plan verbatim (its target and time kept), one framing sentence that
    asserts nothing, and the area's stock measure as a suggestion marked 【待确认】.
    """
    intro = picker.pick(phrases.plan_intro)
    head, dot, tail = intro.rpartition("。")  # the focus goes before “重点做好以下工作：”
    lines = [f"{head}{dot}{picker.pick(phrases.plan_focus)}{tail}" if dot else intro]
    other = phrases.area("other")
    suggested = []
    for i, text in enumerate(facts.next_year_plans, 1):
        area = classifier.classify(text).area
        heading = picker.pick(area.headings, other.headings, phrases.plan_headings)
        if heading:
            lines.append(f"（{cn_numeral(i)}）{heading}")
        own = picker.take(sentence(text))
        framing = picker.pick(phrases.plan_framings, extra={"area": area.name if area.key != "other" else "这项工作"})
        suggestion = picker.pick(area.plans) if area.key != "other" else ""
        if suggestion:
            suggested.append(suggestion)
            suggestion = f"具体可考虑：{suggestion.rstrip('。')}{MARK}。"
        lines.append(f"{own}{framing}{suggestion}")
    closing = picker.pick(phrases.plan_closing)
    if closing:
        lines.append(closing)
    if suggested and notes is not None:
        notes.append("四、各项安排后的“具体可考虑”为按安排主题选用的通用措施，已标注【待确认】，请按实际计划改写或删除："
                     + "；".join(f"“{short(c)}”" for c in suggested))
    return "\n".join(line for line in lines if line)
