"""Drafting a report: offline composition from facts, or a chat model checked against the facts.

Offline, :class:`~assistant.core.drafting.compose.Composer` writes the whole first draft (structure,
two-clause headings, phrase-library wording, the staff's figures verbatim). In LLM mode the
composed section is the model's reference and the phrase library its guidance; a model's section
is accepted only when it keeps every figure of the composed text and adds no number of its own,
otherwise the composed text is used and a warning says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.drafting.checks import Verify, check_draft, invented_numbers
from assistant.core.drafting.compare import Comparison, compare, weave_changes
from assistant.core.drafting.compose import Composer, Composition
from assistant.core.drafting.draft import Draft, DraftSection
from assistant.core.drafting.facts import Facts
from assistant.core.drafting.figures import FigureCheck
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.numbers import find_figures
from assistant.core.drafting.offline import OfflineWriter, annotate_changes
from assistant.core.drafting.pastwording import PastSearch
from assistant.core.drafting.phrases import PhraseLibrary, guidance, load_phrases
from assistant.core.drafting.timebound import load_time_bounds, mark_outdated
from assistant.core.report.structure import ReportStructure, load_structure
from assistant.prompts import load_prompt

if TYPE_CHECKING:
    from assistant.core.citations.history import LawHistory

Exemplars = Callable[[str], list[str]]
MODES = ("offline", "llm")


def section_facts_text(key: str, facts: Facts, structure: ReportStructure | None = None) -> str:
    """The facts one section is written from, as a plain list for the prompt."""
    if key == "opening":
        return f"- 单位：{facts.organization}\n- 年度：{facts.year}年"
    if key == "measures":
        lines = [f"- 指标 {k}：{v}" for k, v in facts.indicators.items()]
        for m in facts.measures:
            lines.append(f"- 领域“{m.area}”：{m.text}".rstrip("："))
            lines += [f"  - {item}" for item in m.items]
        return "\n".join(lines)
    items = getattr(facts, (structure or load_structure()).section(key).facts_field)
    return "\n".join(f"- {x}" for x in items)


def _clean_output(text: str, heading: str) -> str:
    text = re.sub(r"^```\w*\s*|\s*```$", "", str(text).strip())
    lines = [re.sub(r"^#+\s*|\*\*", "", ln).strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if lines and heading and (lines[0] == heading or lines[0].rstrip("：:") == heading):
        lines = lines[1:]
    return "\n".join(lines)


def missing_figures(candidate: str, reference: str) -> list[str]:
    """Figures of the reference text that the candidate text lost."""
    have = [q for _, _, q in find_figures(candidate)]
    out = []
    for _, _, q in find_figures(reference):
        if q.text not in candidate and not any(q.same_as(h) for h in have):
            out.append(q.text)
    return list(dict.fromkeys(out))


class Drafter:
    """Writes drafts from facts.

    Args:
        llm: LangChain chat model for ``mode="llm"``; None = templates only.
        exemplars: ``(section heading) -> past-report passages`` used as style examples.
        verify: citation verifier ``(text, as_of=year) -> list[CitationCheck]`` run on the final draft.
        history: repealed regulations (:class:`LawHistory`); None = the curated list in resources/.
        catalogue: indicator catalogue (built-in by default).
        prompt_name: chat prompt under ``prompts/`` for one section.
        prompts_dir: alternative ``prompts/`` folder (tests, evals).
        embeddings: LangChain ``Embeddings`` for classifying measures into areas (optional).
        past: knowledge-base search for past-report paragraphs lending framing wording (optional).
        phrases: phrase library (``prompts/drafting/phrases_v1.yaml`` by default).
    """

    def __init__(self, llm: Any = None, exemplars: Exemplars | None = None, verify: Verify | None = None,
                 catalogue: Catalogue | None = None, prompt_name: str = "drafting/section_v2",
                 prompts_dir: Path | None = None, template_version: str = "v1", embeddings: Any = None,
                 past: PastSearch | None = None, phrases: PhraseLibrary | None = None,
                 history: LawHistory | None = None):
        self.llm = llm
        self.history = history
        self.exemplars = exemplars
        self.verify = verify
        self.catalogue = catalogue or load_catalogue()
        self.writer = OfflineWriter(self.catalogue, template_version, prompts_dir)
        self.structure = self.writer.structure
        self.figures = FigureCheck(self.catalogue, self.structure)
        self.time_bounds = load_time_bounds(prompts_dir)
        self.phrases = phrases or load_phrases(template_version, prompts_dir)
        self.composer = Composer(self.phrases, embeddings, self.catalogue, past, self.writer)
        self.prompt_name = prompt_name
        self.prompts_dir = prompts_dir

    def draft(self, facts: Facts, mode: str = "offline", previous: Facts | None = None) -> Draft:
        """Draft the whole report; ``previous`` (last year's facts) mentions the few notable changes (同比增长24%)."""
        if mode not in MODES:
            raise ValueError(f"未知的起草方式“{mode}”，可选：offline（模板）、llm（大模型）")
        comparisons = compare(previous, facts, self.catalogue) if previous else None
        composed = self.composer.compose(facts)
        warnings = list(facts.warnings)
        sections = []
        for base in composed.draft.sections:
            section, notes = self._from_composed(base, facts, mode, comparisons, composed)
            sections.append(section)
            warnings += notes
        draft = Draft(composed.draft.title, sections, warnings + composed.notes, facts)
        return self.finish(draft, facts, previous)

    def section(self, key: str, facts: Facts, mode: str = "offline",
                comparisons: list[Comparison] | None = None) -> tuple[DraftSection, list[str]]:
        """One section and the warnings raised while writing it."""
        if mode not in MODES:
            raise ValueError(f"未知的起草方式“{mode}”，可选：offline（模板）、llm（大模型）")
        if key == "other" and not facts.other:
            raise ValueError("“other”（五、其他需要报告的情况）没有填写内容，无法生成该部分")
        composed = self.composer.compose(facts)
        return self._from_composed(composed.draft.section(key), facts, mode, comparisons, composed)

    def _from_composed(self, base: DraftSection, facts: Facts, mode: str,
                       comparisons: list[Comparison] | None,
                       composed: Composition) -> tuple[DraftSection, list[str]]:
        offline = base
        if base.key == "measures" and comparisons:
            offline = DraftSection(base.key, base.heading, annotate_changes(base.text, comparisons, self.catalogue))
        if mode == "offline":
            return offline, []
        if self.llm is None:
            return offline, ["未配置大模型，已使用模板起草"] if base.key == "opening" else []
        return self._llm_section(offline, facts, comparisons, composed.areas)

    def _llm_section(self, offline: DraftSection, facts: Facts, comparisons: list[Comparison] | None,
                     areas: list[str] | None = None) -> tuple[DraftSection, list[str]]:
        label = self.structure.labels[offline.key]
        prompt = load_prompt(self.prompt_name, self.prompts_dir)
        facts_text = section_facts_text(offline.key, facts, self.structure)
        if comparisons and offline.key == "measures":
            facts_text += "\n" + "\n".join(f"- {c.label}{c.phrase}" for c in comparisons if c.phrase)
        messages = prompt.messages(
            organization=facts.organization, year=facts.year, next_year=facts.year + 1,
            heading=offline.heading, section_label=label, facts_text=facts_text,
            reference=offline.text, guidance=guidance(offline.key, self.phrases, areas),
            exemplars=self.exemplars(offline.heading or label) if self.exemplars else [],
        )
        try:
            reply = self.llm.invoke(messages)
        except Exception as exc:  # any backend failure must not lose the draft
            return offline, [f"{label}：大模型调用失败（{exc}），已改用模板文本"]
        text = _clean_output(getattr(reply, "content", reply), offline.heading)
        problems = []
        lost = missing_figures(text, offline.text)
        if lost:
            problems.append(f"缺少数据“{'”“'.join(lost)}”")
        invented = invented_numbers(text, facts)
        if invented:
            problems.append(f"出现材料中没有的数字“{'”“'.join(invented)}”")
        if not text:
            problems.append("输出为空")
        if problems:
            return offline, [f"{label}：大模型输出{'；'.join(problems)}，已改用模板文本"]
        return DraftSection(offline.key, offline.heading, text), []

    def check(self, draft: Draft | str, facts: Facts) -> list:
        """All checks with this drafter's catalogue, structure and citation verifier."""
        return check_draft(draft, facts, self.verify, self.catalogue, self.structure, self.history)

    def finish(self, draft: Draft, facts: Facts, previous: Facts | None = None) -> Draft:
        """Fix the figures of the final text, run the checks, and list both in the warnings.

        Runs on the text of every mode (offline, update, LLM, edited in the UI). Notes from an
        earlier run (``draft.checked``) are replaced, so the 起草提示 always matches the text.
        """
        previous = previous if previous is not None else draft.previous
        # apply() returns a new Draft; the caller's draft is never changed.
        draft, report = self.figures.apply(draft, facts, previous)
        draft.warnings = [w for w in draft.warnings if w not in draft.checked]
        draft.facts, draft.previous = facts, previous
        measures = draft.section("measures")
        if previous is not None and measures is not None:
            changes = compare(previous, facts, self.catalogue)
            measures.text = weave_changes(measures.text, changes, self.catalogue)
        draft, outdated = mark_outdated(draft, facts.year, self.time_bounds)
        checked = (report.stale + report.conflicts + outdated
                   + [w.message for w in self.check(draft, facts)])
        draft.warnings += [w for w in report.changes if w not in draft.warnings]
        draft.checked = list(dict.fromkeys(w for w in checked if w not in draft.warnings))
        draft.warnings += draft.checked
        draft.checked_text = draft.text()
        return draft

    def regenerate(self, draft: Draft, key: str, facts: Facts, mode: str = "offline",
                   previous: Facts | None = None) -> Draft:
        """Redraft one section from (possibly edited) facts; the other sections stay as they are."""
        comparisons = compare(previous, facts, self.catalogue) if previous else None
        section, notes = self.section(key, facts, mode, comparisons)
        new = draft.with_section(section)
        # Check results are recomputed for the new text; notes about other sections are kept.
        label = self.structure.labels[key]
        new.warnings = [w for w in draft.warnings if w not in draft.checked and not w.startswith(label)] + notes
        new.checked = []
        return self.finish(new, facts, previous if previous is not None else draft.previous)
