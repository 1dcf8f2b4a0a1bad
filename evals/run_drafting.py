"""Evaluate report drafting on evals/datasets/drafting_v1 (offline templates by default).

For every facts case (plus one case extracted from the real 2021 report and one update-mode
case built on it) the draft is checked for: mandated sections present and ordered, coverage of
every entered figure, invented figures, and citation validity (built-in law library). A full
offline draft + Word export is timed per case.

Usage:
    python evals/run_drafting.py [--dataset DIR] [--report PATH] [--results DIR] [--no-citations]

Exits non-zero unless structure is 100%, coverage 100% and no figure is invented.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.drafting import DraftingService, facts_from_dict  # noqa: E402
from assistant.drafting.catalogue import load_catalogue  # noqa: E402
from assistant.drafting.checks import (  # noqa: E402
    check_draft,
    entered_figures,  # noqa: E402
    invented_numbers,
)

DEFAULT_REPORT = REPO.parent / "shared/corpus/reports/2021年东城区人防办法治政府建设年度情况报告.txt"
COLUMNS = ["case", "mode", "structure", "coverage", "figures", "invented", "citations",
           "citations_ok", "warnings", "ms"]


def make_verifier():
    """Citation verifier over the built-in law library; None when it cannot be opened."""
    try:
        from assistant.citations import CitationResolver, LawNames
        from assistant.lawlib import LawLibrary

        lawlib = LawLibrary(None)
        return CitationResolver(lawlib, LawNames.from_resources(lawlib.law_names())).verify
    except Exception as exc:  # evals still run without the law library
        print(f"（未启用法条核验：{exc}）")
        return None


def load_cases(folder: Path, report: Path | None, service: DraftingService) -> list[dict]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        prev = facts_from_dict(data["previous"]) if data.get("previous") else None
        cases.append({"name": data.get("name", path.stem), "facts": facts_from_dict(data["facts"]),
                      "previous": prev, "from_report": None})
    if report is not None and report.is_file():
        text = report.read_text(encoding="utf-8")
        extracted = service.extract(text)
        cases.append({"name": "extracted_2021", "facts": extracted, "previous": None, "from_report": None})
        updated = service.extract(text, next_year=True)
        updated.indicators.update({"行政检查": "620人次", "办公会": "30次", "罚款": "1.2万元", "响应率": "98%"})
        cases.append({"name": "update_2022", "facts": updated, "previous": None, "from_report": text})
    return cases


def run_case(case: dict, service: DraftingService, verify, tmp: Path) -> dict:
    facts = case["facts"]
    start = time.perf_counter()
    draft = service.draft(facts, previous=case["previous"], from_report=case["from_report"])
    service.export_docx(draft, tmp / f"{case['name']}.docx")
    ms = (time.perf_counter() - start) * 1000
    text = draft.text()
    checks = check_draft(text, facts)
    figures = {f for _, f in entered_figures(facts, load_catalogue())}
    missing = [w for w in checks if w.code == "figure_missing"]
    structure = not any(w.code.startswith("section_") for w in checks)
    citations = verify(text, as_of=facts.year) if verify else []
    return {
        "case": case["name"],
        "mode": "update" if case["from_report"] else "offline",
        "structure": 1.0 if structure else 0.0,
        "coverage": round(1 - len(missing) / len(figures), 4) if figures else 1.0,
        "figures": len(figures),
        "invented": len(invented_numbers(text, facts)),
        "citations": len(citations),
        "citations_ok": sum(1 for c in citations if c.status == "ok"),
        "warnings": len(draft.warnings),
        "ms": round(ms, 1),
    }


def print_table(rows: list[dict]) -> None:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS}
    print("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in COLUMNS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="起草功能评测（结构、数据覆盖、编造数字、法条核验、耗时）")
    parser.add_argument("--dataset", type=Path, default=REPO / "evals/datasets/drafting_v1")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="用于抽取与更新模式的往年报告")
    parser.add_argument("--results", type=Path, default=REPO / "evals/results")
    parser.add_argument("--no-citations", action="store_true", help="不做法条核验")
    args = parser.parse_args(argv)

    service = DraftingService()
    verify = None if args.no_citations else make_verifier()
    cases = load_cases(args.dataset, args.report, service)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run_case(c, service, verify, Path(tmp)) for c in cases]
    print_table(rows)
    n = len(rows)
    structure = sum(r["structure"] for r in rows) / n
    coverage = sum(r["coverage"] for r in rows) / n
    invented = sum(r["invented"] for r in rows)
    cites, cites_ok = sum(r["citations"] for r in rows), sum(r["citations_ok"] for r in rows)
    slowest = max(r["ms"] for r in rows)
    print(f"\n合计 {n} 例：结构 {structure:.0%}，数据覆盖 {coverage:.1%}，编造数字 {invented} 个，"
          f"法条引用 {cites_ok}/{cites} 核验通过，起草+导出最长 {slowest:.0f} ms（要求 < 2000 ms）")
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"drafting_{datetime.now():%Y%m%d_%H%M%S}.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"结果已写入 {out}")
    ok = structure == 1 and coverage == 1 and invented == 0 and slowest < 2000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
