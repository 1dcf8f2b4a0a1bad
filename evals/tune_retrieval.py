"""Grid-search the RRF weights on a retrieval dataset (rankings computed once per question).

Usage: python evals/tune_retrieval.py [--dataset retrieval_v1] [--profile default]
Prints the best settings by MRR@10 (ties broken by hit@1); copy them into RetrievalSettings.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals.kb import eval_assistant, load_yamlset  # noqa: E402
from evals.run_retrieval import first_rank  # noqa: E402

GRID = {
    "dense_weight": [1.0, 2.0, 3.0],
    "bm25_weight": [0.5, 1.0],
    "bigram_weight": [0.5, 1.0],
    "law_boost": [0.5, 1.0],
    "topic_boost": [0.15, 0.3],
    "report_boost": [1.0, 2.0],
    "report_base_boost": [0.0, 0.25, 0.5],
    "rrf_k": [3, 5, 10],
}


def main() -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="retrieval_v1")
    ap.add_argument("--profile", default="default")
    args = ap.parse_args()
    asst = eval_assistant(args.profile, quiet=True)
    retr = asst.retriever
    base = retr.settings
    retr.settings = base.model_copy(update={"bigram_weight": 1.0})  # compute every ranking once
    cached = []
    for q in load_yamlset(args.dataset)["questions"]:
        pool: dict = {}
        cached.append((q, retr.rankings(q["question"], None, None, "hybrid", pool), pool))
    results = []
    keys = list(GRID)
    for combo in itertools.product(*(GRID[k] for k in keys)):
        retr.settings = base.model_copy(update=dict(zip(keys, combo, strict=True)))
        h1 = h5 = mrr = 0.0
        for q, rankings, pool in cached:
            rank = first_rank(retr.fuse(rankings, pool, 10), q["gold"], asst.names)
            if rank:
                h1 += rank == 1
                h5 += rank <= 5
                mrr += 1 / rank
        n = len(cached)
        results.append((mrr / n, h1 / n, h5 / n, dict(zip(keys, combo, strict=True))))
    retr.settings = base
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for mrr, h1, h5, combo in results[:10]:
        print(f"MRR {mrr:.3f}  hit@1 {h1:.3f}  hit@5 {h5:.3f}  {combo}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
