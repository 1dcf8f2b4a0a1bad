"""Retrieval eval: hit@1, hit@5, MRR@10 for BM25-only, dense-only and hybrid.

Usage: python evals/run_retrieval.py [--dataset retrieval_v1] [--profile default]
Exits non-zero when hybrid falls below the thresholds or does not beat both single
retrievers on MRR. Writes evals/results/retrieval_<timestamp>.csv.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals.kb import eval_assistant, load_yamlset, write_results  # noqa: E402

# Regression floor, a little under the measured 0.736 / 0.936 (2026-11-29). The target
# (hit@1 0.80, hit@5 0.95) is not reached yet; raise these as retrieval improves.
THRESHOLDS = {"hit@1": 0.70, "hit@5": 0.92}
TARGET = {"hit@1": 0.80, "hit@5": 0.95}
MODES = ("bm25", "dense", "hybrid")


def is_gold(hit, gold: dict, names) -> bool:
    """Does one hit satisfy one gold item (law+article, or report+substring)?"""
    m = hit.metadata
    if "law" in gold:
        want = names.canonical(gold["law"]) or gold["law"]
        have = names.canonical(m.get("law") or "") or m.get("law")
        return have == want and int(m.get("article_no") or -1) == int(gold["article_no"])
    if "report" in gold:
        in_report = gold["report"] in (m.get("source") or "") or gold["report"] in (m.get("title") or "")
        return in_report and _squash(gold["contains"]) in _squash(hit.text)
    return False


def _squash(text: str) -> str:
    return "".join(text.split())


def first_rank(hits, golds, names, depth: int = 10) -> int | None:
    """1-based rank of the first gold hit within ``depth``."""
    for rank, hit in enumerate(hits[:depth], start=1):
        if any(is_gold(hit, g, names) for g in golds):
            return rank
    return None


def evaluate(asst, questions: list[dict]) -> tuple[dict, list[dict]]:
    """Run every question in every mode; return metrics per mode and per-question rows."""
    metrics = {m: {"hit@1": 0.0, "hit@5": 0.0, "mrr@10": 0.0} for m in MODES}
    rows = []
    for q in questions:
        row = {"id": q["id"], "kind": q.get("kind"), "question": q["question"]}
        for mode in MODES:
            hits = asst.retriever.search(q["question"], k=10, mode=mode)
            rank = first_rank(hits, q["gold"], asst.names)
            row[f"{mode}_rank"] = rank or ""
            if rank:
                metrics[mode]["hit@1"] += rank == 1
                metrics[mode]["hit@5"] += rank <= 5
                metrics[mode]["mrr@10"] += 1.0 / rank
        rows.append(row)
    n = max(len(questions), 1)
    for m in metrics.values():
        for key in m:
            m[key] /= n
    return metrics, rows


def print_table(metrics: dict, n: int, title: str) -> None:
    """Metrics side by side."""
    print(f"\n{title}（{n} 题）")
    print(f"{'mode':<8}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>9}")
    for mode in MODES:
        m = metrics[mode]
        print(f"{mode:<8}{m['hit@1']:>8.3f}{m['hit@5']:>8.3f}{m['mrr@10']:>9.3f}")


def gate(metrics: dict) -> list[str]:
    """Threshold failures (empty when the run passes)."""
    hy = metrics["hybrid"]
    fails = [f"hybrid {k} {hy[k]:.3f} < {v}" for k, v in THRESHOLDS.items() if hy[k] < v]
    for other in ("bm25", "dense"):
        if hy["mrr@10"] <= metrics[other]["mrr@10"]:
            fails.append(f"hybrid MRR {hy['mrr@10']:.3f} 未超过 {other} {metrics[other]['mrr@10']:.3f}")
    return fails


def main() -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="retrieval_v1")
    ap.add_argument("--profile", default="all")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    data = load_yamlset(args.dataset)
    asst = eval_assistant(args.profile)
    t0 = time.perf_counter()
    metrics, rows = evaluate(asst, data["questions"])
    elapsed = time.perf_counter() - t0
    for kind in ("regulation", "report"):
        sub = [q for q in data["questions"] if q.get("kind") == kind]
        if sub:
            print_table(evaluate(asst, sub)[0], len(sub), f"{kind}")
    print_table(metrics, len(rows), f"全部：{args.dataset} / profile={args.profile}")
    print(f"用时 {elapsed:.1f} 秒（3 种模式）")
    out = write_results(rows, "retrieval")
    print(f"明细：{out}")
    if args.show_misses:
        for r in rows:
            if r["hybrid_rank"] != 1:
                print(f"  {r['id']} hybrid={r['hybrid_rank'] or '-'} dense={r['dense_rank'] or '-'} bm25={r['bm25_rank'] or '-'} {r['question']}")
    below = [f"{k} {metrics['hybrid'][k]:.3f} < 目标 {v}" for k, v in TARGET.items() if metrics["hybrid"][k] < v]
    for b in below:
        print(f"尚未达到目标（不作为失败）：{b}")
    fails = gate(metrics)
    for f in fails:
        print(f"未达标：{f}")
    return 1 if fails else 0


if __name__ == "__main__":
    raise SystemExit(main())
