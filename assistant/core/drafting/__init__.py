"""Drafting the annual 法治政府建设年度情况报告: facts, templates, model drafting, checks, export.

Entry point: :class:`assistant.core.drafting.service.DraftingService`.
"""

from assistant.core.drafting.checks import CheckWarning, check_draft
from assistant.core.drafting.compare import (
    Comparison,
    compare,
    comparison_chart,
    comparison_table_markdown,
)
from assistant.core.drafting.docx import export_docx
from assistant.core.drafting.draft import SECTION_KEYS, Draft, DraftSection, section_key
from assistant.core.drafting.drafter import Drafter
from assistant.core.drafting.extract import extract_facts, next_year_facts
from assistant.core.drafting.facts import (
    REASON_SEP,
    Facts,
    FactsError,
    Measure,
    facts_from_dict,
    facts_to_yaml,
    load_facts,
    split_shortcoming,
)
from assistant.core.drafting.followup import PlanCheck
from assistant.core.drafting.followup import summary as follow_up_summary
from assistant.core.drafting.indicators import Catalogue, load_catalogue
from assistant.core.drafting.markdown import export_markdown
from assistant.core.drafting.previous import PreviousReport
from assistant.core.drafting.service import DraftingService, DraftPackage
from assistant.core.report.structure import ReportStructure, load_structure

__all__ = [
    "SECTION_KEYS", "Catalogue", "CheckWarning", "Comparison", "Draft", "DraftPackage", "DraftSection",
    "Drafter", "DraftingService", "PlanCheck", "PreviousReport", "follow_up_summary", "load_catalogue",
    "Facts", "FactsError", "Measure", "ReportStructure", "load_structure", "check_draft", "compare", "comparison_chart",
    "comparison_table_markdown", "export_docx", "export_markdown", "extract_facts", "facts_from_dict",
    "facts_to_yaml", "load_facts", "next_year_facts", "section_key", "REASON_SEP", "split_shortcoming",
]
