"""STARD questions (../shared/datasets/stard): loading, golds and the one fixed train/test split.

The split was drawn once (``python -m evals.stard --write-split``, seed below) and is stored as
qid lists in ``evals/datasets/stard_split_v1.yaml``; the questions themselves stay in ../shared.
The test qids are never tuned on.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from assistant.numerals import chinese_to_int

REPO = Path(__file__).resolve().parent.parent

STARD_TSV = REPO.parent / "shared" / "datasets" / "stard" / "questions.tsv"
SPLIT_FILE = REPO / "evals" / "datasets" / "stard_split_v1.yaml"
SEED = 20261203
TEST_SIZE = 300

HEADER = """\
# STARD train/test split v1 (questions in ../shared/datasets/stard/questions.tsv, not copied here).
# Drawn once by `python -m evals.stard --write-split` (random.Random(20261203), 300 test qids).
# TEST IS NEVER TUNED ON: no feature, phrase, weight or hyper-parameter may be chosen by looking at
# the test questions or their scores. Train the ranker on `train` (+ retrieval_v1 as dev) only.
# 切分一次、固定种子；test 只用于最终评测，绝不据此调参或写规则。
"""


def load_questions(path: Path = STARD_TSV) -> list[dict]:
    """STARD questions as eval items: ``{id, question, gold: [{law, article_no}], kind}``."""
    if not path.is_file():
        raise SystemExit(f"缺少 STARD 数据：{path}")
    out = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            golds = [(row["law"], row["article"])]
            for more in filter(None, (row.get("more") or "").split(";")):
                law, _, article = more.partition(":")
                golds.append((law, article))
            out.append(
                {
                    "id": f"stard-{row['qid']}",
                    "qid": row["qid"],
                    "question": row["query"],
                    "gold": [
                        {"law": law, "article": art, "article_no": _article_no(art)}
                        for law, art in golds
                    ],
                    "kind": "regulation",
                }
            )
    return out


def _article_no(article: str) -> int:
    # 第一百二十条之二 shares article_no 120 with 第一百二十条: golds also keep the label.
    inner = article.strip().removeprefix("第").split("条")[0]
    return int(inner) if inner.isdigit() else chinese_to_int(inner)


def load_split(path: Path = SPLIT_FILE) -> dict[str, list[str]]:
    """``{"train": [qid…], "test": [qid…]}``."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {"train": [str(q) for q in data["train"]], "test": [str(q) for q in data["test"]]}


def split_questions(part: str) -> list[dict]:
    """The STARD questions of one split part (``train`` or ``test``)."""
    wanted = set(load_split()[part])
    return [q for q in load_questions() if q["qid"] in wanted]


def write_split(path: Path = SPLIT_FILE) -> None:
    """Draw the split (only once: refuses to overwrite)."""
    if path.exists():
        raise SystemExit(f"{path} 已存在：切分只做一次")
    qids = sorted((q["qid"] for q in load_questions()), key=int)
    random.Random(SEED).shuffle(qids)
    test, train = sorted(qids[:TEST_SIZE], key=int), sorted(qids[TEST_SIZE:], key=int)
    lines = [HEADER, "version: 1", f"seed: {SEED}", f"test:  # {len(test)}"]
    lines += [f"  - '{q}'" for q in test]
    lines += [f"train:  # {len(train)}"] + [f"  - '{q}'" for q in train]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write-split", action="store_true")
    if ap.parse_args().write_split:
        write_split()
        print(f"写出 {SPLIT_FILE}")
