"""The drafting service the CLI and the web UI call: facts in, checked draft and files out."""

from __future__ import annotations

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
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.markdown import export_markdown
from assistant.core.drafting.pastwording import PastSearch
from assistant.core.drafting.update import ReportUpdater


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
            if mode == "llm":
                draft.warnings.append("按上年报告更新时不使用大模型，已保留上年报告原文")
            return self.drafter.finish(draft, facts, draft.previous)
        return self.drafter.draft(facts, mode, previous)

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

        Every export goes through this, so no conflicting figure reaches a file.
        """
        if draft.facts is None:
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
