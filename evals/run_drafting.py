"""Evaluate report drafting on evals/datasets/drafting_v1 (offline composition by default).

Each case is a facts file (``facts:``) or a workflow on the real 2021 report: ``edited_facts``
(extract last year's facts, change some indicators, draft) and ``update`` (``--from-report``).
Every case declares its split: ``dev`` cases may be used to tune the phrase library and the
composer; ``test`` cases never are. Per case the runner measures:

- characters per part (non-whitespace, heading included), and their ratio to the real report's;
- two-clause headings under 一 (count and share), repeated sentences;
- conflicting figures (an indicator stated with another value than the facts give), stale values
  the case names, fact coverage and invented figures; citation validity (built-in law library);
- time of a full draft + Word export.

Usage:
    python -m evals drafting [--dataset DIR] [--report PATH] [--split dev|test|all] [--no-citations]

Exits non-zero when a gate fails: coverage 100%, invented 0, conflicts 0, stale 0, repeated 0,
all headings under 一 two-clause in composed drafts, each case's ``expect`` minimums, and the
slowest draft + .docx under 2 s.
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

from assistant.core.drafting import DraftingService
from assistant.core.drafting.checks import entered_figures, invented_numbers
from assistant.core.drafting.figures import FigureCheck
from assistant.core.drafting.quality import (
    char_count,
    repeated_sentences,
    section_chars,
    two_clause_share,
)
from assistant.core.drafting.report import parse_report
from evals.followup import evaluate as evaluate_followup
from evals.voice import VOICE_COLUMNS, report_sentences, voice_failures, voice_row

REPO = Path(__file__).resolve().parent.parent

DEFAULT_REPORT = REPO.parent / "shared/corpus/reports/2021年东城区人防办法治政府建设年度情况报告.txt"
PARTS = ("opening", "measures", "shortcomings", "responsible", "plans")
COLUMNS = ["case", "split", "mode", "chars", *PARTS, "headings2", "share2", "repeated", "conflicts",
           "stale", "coverage", "invented", *VOICE_COLUMNS, "citations", "ms", "ok"]
_CORPUS = report_sentences()


def thresholds(folder: Path) -> dict:
    """The dataset header's gates (``_dataset.yaml`` beside the cases)."""
    return yaml.safe_load((folder / "_dataset.yaml").read_text(encoding="utf-8"))["thresholds"]


def make_verifier():
    """Citation verifier over the built-in law library; None when it cannot be opened."""
    try:
        from assistant.adapters.lawlib import LawLibrary
        from assistant.core.citations import CitationResolver, LawNames

        lawlib = LawLibrary(None)
        return CitationResolver(lawlib, LawNames.from_resources(lawlib.law_names())).verify
    except Exception as exc:  # evals still run without the law library
        print(f"（未启用法条核验：{exc}）")
        return None


def with_embeddings() -> DraftingService:
    """A service classifying with the configured embedding model, area exemplars embedded before timing."""
    from assistant.adapters.embeddings import make_embeddings
    from assistant.config import load_settings

    embeddings = make_embeddings(load_settings().embedding)
    service = DraftingService(embeddings=embeddings)
    start = time.perf_counter()
    service.drafter.composer.classifier.nearest("预热")
    print(f"（向量模型：{getattr(embeddings, 'name', embeddings)}，示例向量预计算 {time.perf_counter() - start:.1f} s）")
    return service


def real_section_chars(report_text: str) -> dict[str, int]:
    """Characters per part of the real report (the reference for lengths)."""
    parsed = parse_report(report_text)
    out = {"opening": char_count("".join(parsed.opening))}
    for s in parsed.sections:
        out[s.key] = char_count(s.heading + "".join(s.paragraphs))
    return out


def _workflow_facts(data: dict, report_text: str | None, service: DraftingService):
    if report_text is None:
        return None
    facts = service.extract(report_text, next_year=True)
    facts.indicators.update({str(k): str(v) for k, v in (data.get("edits") or {}).get("indicators", {}).items()})
    return facts


def load_cases(folder: Path, report_text: str | None, service: DraftingService) -> list[dict]:
    """Cases of the dataset; workflow cases are skipped (with a note) without the real report."""
    cases = []
    gates = thresholds(folder)
    for path in sorted(folder.glob("[!_]*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        workflow = data.get("workflow", "facts")
        if workflow == "facts":
            facts = service.facts_from_dict(data["facts"])
        else:
            facts = _workflow_facts(data, report_text, service)
            if facts is None:
                print(f"（跳过 {path.stem}：缺少上年报告原文）")
                continue
        previous = service.facts_from_dict(data["previous"]) if data.get("previous") else None
        cases.append({"name": data.get("name", path.stem), "split": data.get("split", "dev"),
                      "workflow": workflow, "facts": facts, "previous": previous,
                      "from_report": report_text if workflow == "update" else None,
                      "expect": data.get("expect") or {}, "stale": data.get("stale") or [],
                      "thresholds": gates})
    return cases


def run_case(case: dict, service: DraftingService, verify, tmp: Path) -> dict:
    facts = case["facts"]
    start = time.perf_counter()
    draft = service.draft(facts, previous=case["previous"], from_report=case["from_report"])
    service.export_docx(draft, tmp / f"{case['name']}.docx")
    ms = (time.perf_counter() - start) * 1000
    text = draft.text()
    figures = {f for _, f in entered_figures(facts, service.catalogue)}
    missing = [f for f in figures if f not in text]
    chars = section_chars(draft)
    good, share = two_clause_share(draft)
    citations = verify(text, as_of=facts.year) if verify else []
    row = {
        "case": case["name"], "split": case["split"], "mode": case["workflow"], "chars": char_count(text),
        **{p: chars.get(p, 0) for p in PARTS},
        "headings2": good, "share2": round(share, 3), "repeated": len(repeated_sentences(text)),
        # The same figure check the drafter runs (one value per indicator, facts win).
        "conflicts": len(FigureCheck(service.catalogue, service.structure).conflicts(text, facts)),
        "stale": sum(1 for s in case["stale"] if s in text),
        "coverage": round(1 - len(missing) / len(figures), 4) if figures else 1.0,
        "invented": len(invented_numbers(text, facts)),
        **voice_row(draft, facts, _CORPUS),
        "citations": f"{sum(1 for c in citations if c.status == 'ok')}/{len(citations)}",
        "ms": round(ms, 1),
    }
    row["ok"] = not gate_failures(row, case)
    return row


def gate_failures(row: dict, case: dict) -> list[str]:
    """Why a case fails its gates (empty when it passes)."""
    out = []
    t = case["thresholds"]
    for name, bad in (("coverage", row["coverage"] < t["min_coverage"]),
                      ("invented", row["invented"] > t["max_invented"]),
                      ("conflicts", row["conflicts"] > t["max_conflicts"]),
                      ("stale", row["stale"] > t["max_stale"]),
                      ("repeated", row["repeated"] > t["max_repeated"]), ("ms", row["ms"] >= t["max_ms"])):
        if bad:
            out.append(name)
    if case["workflow"] != "update" and row["share2"] < 1:
        out.append("share2")
    if case["workflow"] == "facts":  # the voice checks apply to drafts written from a facts file
        out += voice_failures(row, case["facts"], t)
    expect = case["expect"]
    for key, column in (("min_chars", "chars"), ("min_two_clause", "headings2"),
                        ("min_responsible", "responsible")):
        if key in expect and row[column] < expect[key]:
            out.append(column)
    return out


def print_table(rows: list[dict]) -> None:
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS}
    print("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for r in rows:
        print("  ".join(str(r[c]).ljust(widths[c]) for c in COLUMNS))


def print_lengths(rows: list[dict], real: dict[str, int]) -> None:
    """Characters per part against the real report, for the composed full-size cases."""
    full = [r for r in rows if r["mode"] == "facts" and r["chars"] >= 3000]
    print("\n各部分字数（非空白字符）与真实 2021 年报告对比：")
    print("  部分          " + "  ".join(f"{p:>12}" for p in PARTS))
    print("  真实报告      " + "  ".join(f"{real.get(p, 0):>12}" for p in PARTS))
    for r in full:
        ratios = "  ".join(f"{r[p]:>6}({r[p] / real[p]:.2f})" if real.get(p) else f"{r[p]:>12}" for p in PARTS)
        print(f"  {r['case']:<12}  {ratios}")


def summary(rows: list[dict], label: str) -> str:
    if not rows:
        return f"{label}：0 例"
    n = len(rows)
    return (f"{label}：{n} 例，通过 {sum(r['ok'] for r in rows)}；数据覆盖 {sum(r['coverage'] for r in rows) / n:.1%}，"
            f"编造数字 {sum(r['invented'] for r in rows)}，数字冲突 {sum(r['conflicts'] for r in rows)}，"
            f"旧值残留 {sum(r['stale'] for r in rows)}，重复句 {sum(r['repeated'] for r in rows)}，"
            f"两句式小标题占比 {sum(r['share2'] for r in rows) / n:.0%}，起草+导出最长 {max(r['ms'] for r in rows):.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="起草功能评测（字数、标题、重复句、数字冲突、覆盖、编造、耗时）")
    parser.add_argument("--dataset", type=Path, default=REPO / "evals/datasets/drafting_v1")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="改数字流程与更新模式用的上年报告")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--results", type=Path, default=REPO / "evals/results")
    parser.add_argument("--no-citations", action="store_true", help="不做法条核验")
    parser.add_argument("--embeddings", action="store_true",
                        help="用配置的向量模型为举措归类（默认只用关键词；示例向量在计时前预先计算）")
    args = parser.parse_args(argv)

    service = with_embeddings() if args.embeddings else DraftingService()
    verify = None if args.no_citations else make_verifier()
    report_text = args.report.read_text(encoding="utf-8") if args.report.is_file() else None
    cases = [c for c in load_cases(args.dataset, report_text, service) if args.split in ("all", c["split"])]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [run_case(c, service, verify, Path(tmp)) for c in cases]
    print_table(rows)
    if report_text:
        print_lengths(rows, real_section_chars(report_text))
    for case, row in zip(cases, rows, strict=True):
        if not row["ok"]:
            print(f"未通过 {row['case']}：{'、'.join(gate_failures(row, case))}")
    print()
    for split in ("dev", "test"):
        print(summary([r for r in rows if r["split"] == split], f"{split} 集"))
    limit = thresholds(args.dataset)["max_ms"]
    print(f"最慢一例起草+导出 .docx：{max(r['ms'] for r in rows):.0f} ms（要求 < {limit:.0f} ms）")
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"drafting_{datetime.now():%Y%m%d_%H%M%S}.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"结果已写入 {out}")
    _, followup_failures = evaluate_followup(service)
    for failure in followup_failures:
        print(f"未通过：{failure}")
    return 0 if all(r["ok"] for r in rows) and not followup_failures else 1


if __name__ == "__main__":
    sys.exit(main())
