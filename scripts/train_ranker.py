"""Train the learned ranker (LightGBM lambdarank) and write assistant/data/ranker_v1.txt.

Usage:
  python -m scripts.train_ranker [--law-cache DIR] [--base DIR] [--out FILE] [--no-write]

Training data: the STARD train split (evals/datasets/stard_split_v1.yaml) plus retrieval_v1 (dev).
Candidates and features come from the retriever itself (``probe`` → ``candidates`` →
``features``), over the in-memory KB of evals/memkb.py: the law library's precomputed vectors
(``--law-cache``, per-law caches of scripts/build_law_vectors.py) plus an existing eval KB folder
(``--base``: default profile + ../shared/corpus). Fixed seed, single thread: the same inputs give
the same model file. Prints grouped 5-fold CV metrics on the training questions, the final
model's train metrics, and test metrics (STARD-test; own test when present) through ``search``.
The test questions are only scored, never used to choose anything.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from evals.kb import DEFAULT_CACHE, REPO, load_yamlset
from evals.memkb import LAW_CACHE, training_retriever
from evals.run_retrieval import is_gold

SEED = 20261203
ROUNDS = 300
PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "eval_at": [1, 5, 10],
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 20,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
OUT = REPO / "assistant" / "data" / "ranker_v1.txt"


def collect(retriever, questions: list[dict], names) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Feature rows, 0/1 labels and group sizes (one group per question; no-gold groups kept)."""
    from assistant.core.retrieval.features import features

    snap = retriever._current()
    depth = retriever.settings.rank_depth
    xs, ys, groups = [], [], []
    for q in questions:
        probe = retriever.probe(q["question"], snap)
        head = np.asarray(list(retriever.candidates(probe, snap, None, None))[:depth])
        rows = features(probe, head, snap.table, retriever.prior, retriever.settings.candidates)
        labels = [any(is_gold(snap.chunks[p], g, names) for g in q["gold"]) for p in head]
        xs.append(rows)
        ys.append(np.asarray(labels, dtype=np.float32))
        groups.append(len(head))
    retriever.store.embeddings.save()
    return np.concatenate(xs), np.concatenate(ys), groups


def metrics(scores: np.ndarray, labels: np.ndarray, groups: list[int]) -> dict[str, float]:
    """hit@1/5/10 and MRR@10 of ordering each group by ``scores``."""
    out = dict.fromkeys(("hit@1", "hit@5", "hit@10", "mrr@10"), 0.0)
    start = 0
    for n in groups:
        s, y = scores[start : start + n], labels[start : start + n]
        start += n
        hits = np.flatnonzero(y[np.argsort(-s, kind="stable")][:10])
        if len(hits):
            rank = int(hits[0]) + 1
            out["hit@1"] += rank == 1
            out["hit@5"] += rank <= 5
            out["hit@10"] += 1
            out["mrr@10"] += 1 / rank
    return {k: v / max(len(groups), 1) for k, v in out.items()}


def train(x: np.ndarray, y: np.ndarray, groups: list[int]):
    """A lambdarank booster with the fixed parameters above."""
    import lightgbm

    from assistant.core.retrieval.features import FEATURES

    data = lightgbm.Dataset(x, y, group=groups, feature_name=list(FEATURES), free_raw_data=False)
    return lightgbm.train(PARAMS, data, num_boost_round=ROUNDS)


def cross_validate(x, y, groups, folds: int = 5) -> dict[str, float]:
    """Grouped k-fold CV (questions shuffled by the seed): out-of-fold scores for every group."""
    order = np.random.default_rng(SEED).permutation(len(groups))
    starts = np.concatenate([[0], np.cumsum(groups)])
    fold_of = np.empty(len(groups), dtype=int)
    fold_of[order] = np.arange(len(groups)) % folds
    scores = np.zeros(len(y))
    for f in range(folds):
        tr = [g for g in range(len(groups)) if fold_of[g] != f]
        rows = np.concatenate([np.arange(starts[g], starts[g + 1]) for g in tr])
        model = train(x[rows], y[rows], [groups[g] for g in tr])
        for g in np.flatnonzero(fold_of == f):
            sl = slice(starts[g], starts[g + 1])
            scores[sl] = model.predict(x[sl], num_threads=1)
    return metrics(scores, y, groups)


def show(title: str, m: dict[str, float]) -> None:
    """One metrics line."""
    print(f"{title:<34}" + "".join(f"{k} {v:.3f}  " for k, v in m.items()))


def main() -> int:
    """CLI entry point."""
    from evals.stard import split_questions

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--law-cache", type=Path, default=LAW_CACHE)
    ap.add_argument("--base", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--reuse-features", action="store_true", help="上次收集的特征（同一知识库）")
    args = ap.parse_args()
    retriever, names = training_retriever(args.law_cache, args.base)
    print(f"知识库：{len(retriever._current().chunks)} 个片段")
    stard, dev = split_questions("train"), load_yamlset("retrieval_v1")["questions"]
    cached = DEFAULT_CACHE / "ranker_features.npz"
    if args.reuse_features and cached.is_file():
        data = np.load(cached)
        x, y, groups = data["x"], data["y"], data["groups"].tolist()
    else:
        x, y, groups = collect(retriever, stard + dev, names)
        np.savez(cached, x=x, y=y, groups=np.asarray(groups))
    n_stard = sum(groups[: len(stard)])
    fused = -np.concatenate([np.arange(n) for n in groups]).astype(float)
    show("fused  STARD-train", metrics(fused[:n_stard], y[:n_stard], groups[: len(stard)]))
    show("fused  dev", metrics(fused[n_stard:], y[n_stard:], groups[len(stard) :]))
    if not args.no_cv:
        show("ranked 5-fold CV (train+dev)", cross_validate(x, y, groups))
    model = train(x, y, groups)
    scores = model.predict(x, num_threads=1)
    show(
        "ranked train (in-sample) STARD",
        metrics(scores[:n_stard], y[:n_stard], groups[: len(stard)]),
    )
    show(
        "ranked train (in-sample) dev", metrics(scores[n_stard:], y[n_stard:], groups[len(stard) :])
    )
    text = model.model_to_string()
    if not args.no_write:
        args.out.write_text(text, encoding="utf-8")
        print(f"写出 {args.out}（{len(text) / 1024:.0f} KB）")
    _test_metrics(retriever, names, text)
    return 0


def _test_metrics(retriever, names, model_text: str) -> None:
    """Held-out sets through the real search path (scored only, never used to choose)."""
    from assistant.core.retrieval.ranker import LearnedRanker
    from evals.run_retrieval import eval_sets, evaluate

    retriever._ranker = LearnedRanker(model_text)
    for name, questions in eval_sets().items():
        if name == "dev":
            continue
        search = {
            m: (lambda q, m=m: retriever.search(q, k=10, mode=m)) for m in ("fused", "ranked")
        }
        results, _ = evaluate(search, questions, names)
        for mode, m in results.items():
            show(f"{mode} {name}（{len(questions)}题）", m)


if __name__ == "__main__":
    raise SystemExit(main())
