"""Regulation-library search eval: staff questions answered by a 行政法规 or a 北京 regulation.

Usage: python -m evals regulations [--lawrefbook PATH] [--show-misses]

Imports the LawRefBook collection into a temporary regulation library, builds its keyword index
(what ``assistant library import`` does; about half a minute on two cores) and searches it the
way :meth:`HybridRetriever.search` does for the library part: fused word and bigram BM25, with a
ranking restricted to the regulations a question names. Prints hit@1 / hit@5 for dev and test,
and the plain jieba BM25 floor over the same articles; writes evals/results/regsearch_*.csv.

The issue's targets (test hit@1 >= 0.80, hit@5 >= 0.95) are not reached by keyword ranking alone
(measured 2026-12-07: test 0.578 / 0.867, plain BM25 0.533 / 0.778); they are printed, and the
run fails only below the regression floors :data:`GATES`, a little under the measured values.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from evals.floor import PlainBM25
from evals.kb import load_yamlset, write_results
from evals.run_citations import lawrefbook_args

TARGETS = {"hit@1": 0.80, "hit@5": 0.95}  # issue 16, on test: printed, not yet reached
GATES = {"hit@1": 0.53, "hit@5": 0.84}  # regression floors on test
DATASET = "regulation_questions_v1"


def build_index(lawrefbook: Path, folder: Path):
    """Library, keyword index and law names over a fresh import of ``lawrefbook``."""
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.reglib import DB_NAME, RegulationLibrary
    from assistant.config import RetrievalSettings
    from assistant.core.citations import LawNames
    from assistant.core.retrieval.lexical import Tokenizer
    from assistant.core.retrieval.regulations import RegulationIndex

    library = RegulationLibrary(folder / DB_NAME)
    library.import_folder(lawrefbook)
    names = LawNames.from_resources([*LawLibrary().law_names(), *library.titles()])
    index = RegulationIndex(
        library, RetrievalSettings(), Tokenizer(), folder / "index", history=names.history
    )
    index.refresh()
    return index, names


def rank_of(hits, gold: list[dict]) -> int | None:
    """1-based rank of the first hit that is a gold article (None if absent)."""
    wanted = {(g["law"], int(g["article_no"])) for g in gold}
    for rank, hit in enumerate(hits, start=1):
        m = hit.metadata
        if (m.get("law"), int(m.get("article_no") or -1)) in wanted:
            return rank
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the eval; returns the exit code."""
    args = lawrefbook_args(argv, __doc__.splitlines()[0])
    if args is None:
        return 2
    items, rows = load_yamlset(DATASET)["items"], []
    with tempfile.TemporaryDirectory() as tmp:
        index, names = build_index(args.lawrefbook, Path(tmp))
        floor = PlainBM25(index._current().chunks)
        for item in items:
            q = item["question"]
            hits = index.search(q, 10, names.mentioned(q), names.implied(q))
            ranked = rank_of(hits, item["gold"])
            plain = rank_of(floor.search(q, 10), item["gold"])
            rows.append({"id": item["id"], "split": item["split"], "question": q,
                         "rank": ranked or "", "plain_rank": plain or ""})  # fmt: skip
            if args.show_misses and ranked != 1:
                print(f"MISS {item['id']} ({item['split']}) rank={ranked}: {q}")
    failed = False
    print(f"{'split':6s} {'n':>3s} {'hit@1':>6s} {'hit@5':>6s}   plain BM25 hit@1 hit@5")
    for split in ("dev", "test"):
        mine = [r for r in rows if r["split"] == split]
        m = {k: sum(1 for r in mine if r["rank"] and r["rank"] <= n) / len(mine)
             for k, n in (("hit@1", 1), ("hit@5", 5))}  # fmt: skip
        p = {k: sum(1 for r in mine if r["plain_rank"] and r["plain_rank"] <= n) / len(mine)
             for k, n in (("hit@1", 1), ("hit@5", 5))}  # fmt: skip
        print(f"{split:6s} {len(mine):3d} {m['hit@1']:6.3f} {m['hit@5']:6.3f}   "
              f"{p['hit@1']:16.3f} {p['hit@5']:5.3f}")  # fmt: skip
        if split == "test":
            failed = any(m[k] < v for k, v in GATES.items())
            missed = [k for k, v in TARGETS.items() if m[k] < v]
            if missed:
                print(f"test: issue targets {TARGETS} not reached yet ({', '.join(missed)})")
    print(f"results: {write_results(rows, 'regsearch')}")
    if failed:
        print(f"test below the regression floors {GATES}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
