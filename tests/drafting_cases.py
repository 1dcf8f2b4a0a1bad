"""Shared helpers for the drafting tests: the eval facts cases and the real 2021 report."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.core.drafting import Facts, facts_from_dict

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "evals" / "datasets" / "drafting_v1"
REPORT_TXT = REPO.parent / "shared/corpus/reports/2021年东城区人防办法治政府建设年度情况报告.txt"
REPORT_PDF = REPO.parent / "shared/corpus/pdf/2021年东城区人防办法治政府建设年度情况报告.pdf"


def case(name: str) -> tuple[Facts, Facts | None]:
    """(facts, previous facts or None) of one eval case."""
    data = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    prev = facts_from_dict(data["previous"]) if data.get("previous") else None
    return facts_from_dict(data["facts"]), prev


def case_names() -> list[str]:
    """Eval cases that carry a facts file (workflow cases build theirs from the real report)."""
    return sorted(p.stem for p in CASES.glob("*.yaml")
                  if "facts" in yaml.safe_load(p.read_text(encoding="utf-8")))


def report_text() -> str:
    """The real 2021 report (skips when the shared corpus is absent)."""
    if not REPORT_TXT.is_file():
        pytest.skip("缺少 ../shared/corpus 中的 2021 年报告")
    return REPORT_TXT.read_text(encoding="utf-8")
