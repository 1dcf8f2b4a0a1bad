"""The drafting service the CLI and the web UI call: facts in, checked draft and files out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.citations.history import LawHistory
from assistant.core.drafting.checks import CheckWarning, Verify
from assistant.core.drafting.compare import Comparison, comparison_chart, comparison_table_markdown
from assistant.core.drafting.compare import compare as compare_facts
from assistant.core.drafting.docx import export_docx
from assistant.core.drafting.draft import Draft, section_key
from assistant.core.drafting.drafter import Drafter, Exemplars
from assistant.core.drafting.extract import extract_facts, next_year_facts
from assistant.core.drafting.facts import Facts, facts_from_dict, facts_to_yaml, load_facts
from assistant.core.drafting.followup import DONE, NOT_SEEN, PARTIAL, FollowUp
from assistant.core.drafting.followup import summary as follow_up_summary
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.markdown import export_markdown
from assistant.core.drafting.pastwording import PastSearch
from assistant.core.drafting.previous import (
    PreviousReport,
    ReportEntry,
    is_before,
    load_previous,
    previous_facts,
)
from assistant.core.drafting.update import ReportUpdater

FOLLOW_UP_PREFIXES = ("落实对照", DONE, NOT_SEEN, PARTIAL)
NO_PREVIOUS = "知识库中没有比本年更早的往年报告，无法生成同比；上传上年报告后可自动对比。"
NO_COMMON = "本年与上年没有共同的指标，无法生成同比（上年报告中提取到的指标在本年未填写）。"


@dataclass
class DraftPackage:
    """One click's result: the checked draft, its files and the year-on-year comparison."""

    draft: Draft
    files: dict[str, Path] = field(default_factory=dict)
    comparisons: list[Comparison] = field(default_factory=list)
    table: str = ""  # markdown 同比 table, or why there is none
    chart: Path | None = None


class DraftingService:
    """Drafts annual 法治政府建设年度情况报告 from facts.

    Args:
        llm: LangChain ``BaseChatModel`` for ``mode="llm"`` (None = templates only).
        exemplars: ``(section heading) -> past-report passages`` for the model's style.
        verify: citation verifier ``(text, as_of=year) -> list[CitationCheck]`` (CitationResolver.verify).
        history: repealed regulations (the resolver's :class:`LawHistory`); None = curated list only.
        fonts: object with title_font/body_font/heading1_font/heading2_font (ExportSettings).
        catalogue: indicator catalogue (built-in by default).
        prompts_dir: alternative ``prompts/`` folder (evals of new prompt versions).
        embeddings: LangChain ``Embeddings`` used to classify measures into areas (optional).
        past: ``(query) -> [(paragraph, source)]`` over past reports, lending framing wording.
    """

    def __init__(self, llm: Any = None, exemplars: Exemplars | None = None, verify: Verify | None = None,
                 fonts: Any = None, catalogue: Catalogue | None = None, prompts_dir: Path | None = None,
                 embeddings: Any = None, past: PastSearch | None = None,
                 history: LawHistory | None = None):
        self.catalogue = catalogue or load_catalogue()
        self.fonts = fonts
        self.verify = verify
        self.drafter = Drafter(llm, exemplars, verify, self.catalogue, prompts_dir=prompts_dir,
                               embeddings=embeddings, past=past, history=history)
        self.structure = self.drafter.structure
        self.follow_up = FollowUp(prompts_dir)

    def previous_report(self, reports: Sequence[ReportEntry], draft_year: int | None,
                        text_of: Callable[[str], str]) -> PreviousReport | None:
        """Last year's report for a draft of ``draft_year``: the one rule the CLI and UI share."""
        return load_previous(reports, draft_year, text_of, self.extract)

    @staticmethod
    def previous_facts(previous: PreviousReport | Facts | None, facts: Facts) -> Facts | None:
        """Last year's facts for this year's ``facts`` (earlier year; not the demo's for another unit)."""
        return previous_facts(previous, facts)

    def package(self, draft: Draft, folder: Path, stem: str) -> DraftPackage:
        """Check the draft (once: not again when its text is unchanged since the last check),
        compare it with last year's facts and write the .docx and .md from the same checked text.
        """
        final = self.finalize(draft)
        out = DraftPackage(final)
        prev, facts = final.previous, final.facts
        if prev is None or facts is None or prev.year >= facts.year:
            out.table = NO_PREVIOUS
        else:
            out.comparisons = self.compare(prev, facts)
            if out.comparisons:
                out.table = self.comparison_table(out.comparisons, prev.year, facts.year)
                out.chart = self.comparison_chart(out.comparisons, folder / f"同比-{stem}.png")
            else:
                out.table = NO_COMMON
        folder.mkdir(parents=True, exist_ok=True)
        out.files = {
            "docx": export_docx(final, folder / f"{stem}.docx", self.fonts, out.comparisons or None),
            "md": export_markdown(final, folder / f"{stem}.md", out.comparisons or None),
        }
        return out

    def load_facts(self, path: Path | str) -> Facts:
        """Facts from a YAML/JSON file; raises ``FactsError`` listing every problem in Chinese."""
        return load_facts(path, self.catalogue, self.structure)

    def facts_from_dict(self, data: Any) -> Facts:
        """Validated facts from a mapping (a form); raises ``FactsError`` listing every problem."""
        return facts_from_dict(data, self.catalogue, self.structure)

    def draft(self, facts: Facts, mode: str = "offline", from_report: str | None = None,
              previous: Facts | None = None) -> Draft:
        """Draft the report.

        Args:
            facts: This year's facts.
            mode: ``offline`` (templates) or ``llm`` (model per section, checked, template fallback).
            from_report: Text of last year's report: update mode (keeps its paragraphs, refreshes
                figures, lists carried figures as 待更新). Its figures also serve as ``previous``.
            previous: Last year's facts, for the 同比 phrases of the few notable changes.
        """
        if from_report is not None:
            if not str(from_report).strip():
                raise ValueError("上年报告内容为空，无法按上年报告更新")
            draft = ReportUpdater(self.catalogue, self.drafter.writer).update(from_report, facts)
            last = draft.previous
            if last is not None and last.year and not is_before(last.year, facts.year):
                raise ValueError(f"所给上年报告是{last.year}年的，不早于本次起草的{facts.year}年，"
                                 "请选择更早年度的报告")
            if mode == "llm":
                draft.warnings.append("按上年报告更新时不使用大模型，已保留上年报告原文")
            return self._with_follow_up(self.drafter.finish(draft, facts, draft.previous))
        return self._with_follow_up(self.drafter.draft(facts, mode, previous))

    def _with_follow_up(self, draft: Draft) -> Draft:
        """落实对照 of last year's plans, kept on the draft and listed in the 起草提示."""
        previous = draft.previous
        if previous is None or draft.facts is None or not previous.next_year_plans:
            return draft
        draft.followup = self.follow_up.check(previous.next_year_plans, draft.facts, previous)
        notes = [follow_up_summary(draft.followup), *(c.line() for c in draft.followup)]
        draft.warnings = [w for w in draft.warnings if not w.startswith(FOLLOW_UP_PREFIXES)] + notes
        return draft

    def regenerate(self, draft: Draft, section: str | int, facts: Facts, mode: str = "offline",
                   previous: Facts | None = None) -> Draft:
        """Redraft one section (key such as ``plans`` or number 0–5) and keep the others."""
        return self.drafter.regenerate(draft, section_key(section, self.structure), facts, mode, previous)

    def extract(self, report_text: str, organization: str | None = None, next_year: bool = False) -> Facts:
        """Facts of a past report (its own year), or a next-year starting point."""
        facts = extract_facts(report_text, organization, self.catalogue, self.structure)
        return next_year_facts(facts) if next_year else facts

    @staticmethod
    def facts_yaml(facts: Facts) -> str:
        """Facts as YAML, with their warnings as a comment header for staff."""
        return facts_to_yaml(facts, "\n".join(facts.warnings) or None)

    def compare(self, previous: Facts, current: Facts) -> list[Comparison]:
        """Year-over-year comparison of the indicators both years have."""
        return compare_facts(previous, current, self.catalogue)

    @staticmethod
    def comparison_table(comparisons: list[Comparison], previous_year: int | None = None,
                         current_year: int | None = None) -> str:
        """Markdown table of a comparison."""
        return comparison_table_markdown(comparisons, previous_year, current_year)

    @staticmethod
    def comparison_chart(comparisons: list[Comparison], path: Path | str) -> Path:
        """PNG bar chart of a comparison."""
        return comparison_chart(comparisons, path)

    def check(self, draft: Draft | str, facts: Facts) -> list[CheckWarning]:
        """Structure, figure coverage, invented figures, citations."""
        return self.drafter.check(draft, facts)

    def finalize(self, draft: Draft) -> Draft:
        """Run the figure check and all checks again on the draft's current (possibly edited) text.

        Every export goes through this, so no conflicting figure reaches a file. A draft whose
        text has not changed since its last check is returned as it is.
        """
        if draft.facts is None or draft.checked_text == draft.text():
            return draft
        return self.drafter.finish(draft, draft.facts, draft.previous)

    def export_docx(self, draft: Draft, path: Path | str,
                    comparisons: list[Comparison] | None = None) -> Path:
        """Word file in GB/T 9704 layout with the configured fonts (+ 主要指标对比表 when given)."""
        return export_docx(self.finalize(draft), path, self.fonts, comparisons)

    def export_markdown(self, draft: Draft, path: Path | str,
                        comparisons: list[Comparison] | None = None) -> Path:
        """Markdown file (optionally with the 主要指标对比表)."""
        return export_markdown(self.finalize(draft), path, comparisons)
