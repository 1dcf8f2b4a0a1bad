"""The learned ranking stage: features over a tiny snapshot, the shipped model, the data rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.store import StoredChunk
from assistant.core.retrieval.features import FEATURES, Probe, features
from assistant.core.retrieval.lexical import Tokenizer
from assistant.core.retrieval.ranker import LearnedRanker, RankerError
from assistant.core.retrieval.snapshot import Snapshot

REPO = Path(__file__).resolve().parent.parent
LAW = "中华人民共和国人民防空法"


def _chunk(cid, text, vec, **meta):
    return StoredChunk(cid, text, meta, np.asarray(vec, dtype=np.float32))


@pytest.fixture(scope="module")
def snap():
    chunks = [
        _chunk(
            "a",
            "侵占人民防空工程的，由县级以上人民政府人民防空主管部门责令限期改正。",
            [1, 0, 0],
            law=LAW,
            title=LAW,
            article_no=49,
            chapter="第八章 法律责任",
            origin="lawlib",
            doc_type="regulation",
            status="current",
        ),
        _chunk(
            "b",
            "人民防空是国防的组成部分。",
            [0.6, 0.8, 0],
            law=LAW,
            title=LAW,
            article_no=2,
            chapter="第一章 总则",
            origin="lawlib",
            doc_type="regulation",
            status="current",
        ),
        _chunk(
            "c",
            "全年开展行政检查500余人次。",
            [0, 0, 1],
            title="2021年报告",
            doc_type="report",
            origin="file",
            source="2021年报告.txt",
        ),
    ]
    return Snapshot.build(chunks, Tokenizer())


def _probe(snap, query, named=(), own=False):
    tokens = Tokenizer()(query)
    return Probe(
        query=query,
        terms=tokens,
        named=list(named),
        implied=[],
        own_work=own,
        dense=snap.cosines([1, 0, 0]),
        words=snap.words.scores(query),
        bigrams=snap.bigrams.scores(query),
    )


def test_features_are_one_row_per_candidate_in_model_order(snap):
    probe = _probe(snap, "侵占人防工程怎么处罚 法律责任", named=[LAW])
    rows = features(probe, np.array([0, 1, 2]), snap.table, prior=[LAW])
    assert rows.shape == (3, len(FEATURES)) and rows.dtype == np.float32
    col = {name: rows[:, i] for i, name in enumerate(FEATURES)}
    assert col["dense"].tolist() == pytest.approx([1.0, 0.6, 0.0])
    assert col["dense_gap"].tolist() == pytest.approx([0.0, -0.4, -1.0])
    assert col["law_named"].tolist() == [1, 1, 0] and col["query_names_law"].tolist() == [1, 1, 1]
    assert col["in_profile"].tolist() == [1, 1, 0] and col["from_file"].tolist() == [0, 0, 1]
    assert col["is_report"].tolist() == [0, 0, 1] and col["own_work_report"].tolist() == [0, 0, 0]
    assert col["article_pos"].tolist() == pytest.approx([1.0, 2 / 49, 0.0])
    assert col["heading_terms"][0] > 0 and col["heading_terms"][1] == 0  # 法律责任 heads article 49
    assert col["law_share"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert col["words"][0] == pytest.approx(1.0)  # best word BM25 of the query


def test_own_work_marks_reports(snap):
    rows = features(
        _probe(snap, "去年开展了多少次行政检查", own=True), np.array([2, 0]), snap.table
    )
    col = {name: rows[:, i] for i, name in enumerate(FEATURES)}
    assert col["own_work_report"].tolist() == [1, 0]


def test_shipped_model_scores_feature_rows(snap):
    ranker = LearnedRanker.packaged()
    rows = features(_probe(snap, "侵占人防工程怎么处罚"), np.array([0, 1, 2]), snap.table)
    scores = ranker.score(rows)
    assert scores.shape == (3,) and np.isfinite(scores).all()
    model = REPO / "assistant" / "data" / "ranker_v1.txt"
    assert model.stat().st_size < 2_000_000  # small enough to version and ship


def test_model_with_other_features_is_refused():
    import lightgbm

    x = np.random.default_rng(0).random((40, 3))
    data = lightgbm.Dataset(
        x, (x[:, 0] > 0.5).astype(float), group=[20, 20], feature_name=["a", "b", "c"]
    )
    booster = lightgbm.train({"objective": "lambdarank", "verbose": -1, "num_threads": 1}, data, 2)
    with pytest.raises(RankerError, match="重新训练"):
        LearnedRanker(booster.model_to_string())


def _test_questions() -> list[str]:
    import csv

    import yaml

    out = []
    own = REPO / "evals" / "datasets" / "retrieval_test_v1.yaml"
    if own.is_file():
        out += [q["question"] for q in yaml.safe_load(own.read_text(encoding="utf-8"))["questions"]]
    split = yaml.safe_load(
        (REPO / "evals" / "datasets" / "stard_split_v1.yaml").read_text(encoding="utf-8")
    )
    stard = REPO.parent / "shared" / "datasets" / "stard" / "questions.tsv"
    if stard.is_file():
        test = set(split["test"])
        with stard.open(encoding="utf-8") as f:
            out += [r["query"] for r in csv.DictReader(f, delimiter="\t") if r["qid"] in test]
    return out


# The hand-written tables the question path reads (law aliases and topics, answer shapes).
RULE_TABLES = [
    REPO / "prompts" / "rules" / "law_aliases.yaml",
    REPO / "prompts" / "answering" / "shapes_v1.yaml",
]


def _library_text() -> str:
    """Law names and article texts of the library, the shared corpus regulations and the real
    report (the office's own vocabulary: 人防工程 is how every 人防办 writes 人民防空工程)."""
    from assistant.adapters.lawlib import LawLibrary

    corpus = REPO.parent / "shared" / "corpus" / "regulations"
    assert corpus.is_dir(), f"缺少共享语料：{corpus}"
    lib = LawLibrary()
    try:
        texts = [*lib.law_names(), *(a.text for a in lib.articles())]
    finally:
        lib.close()
    texts += [f.read_text(encoding="utf-8") for f in sorted(corpus.glob("*.md"))]
    texts += [f.read_text(encoding="utf-8") for f in sorted(corpus.parent.glob("reports/*.txt"))]
    return "\n".join(texts)


def test_no_test_phrase_in_a_hand_written_table():
    """No rule table holds a phrase that only a test question justifies.

    A table entry that also occurs in a test question must be legal vocabulary: found in the law
    library's names or article text. A colloquial phrase copied from a test question ("被侵占怎么办")
    is not, and fails here. The colloquial expansion table (47 of its 59 phrases were copied from
    eval questions) is gone for that reason.
    """
    import yaml

    assert not list(REPO.rglob("colloquial.yaml"))
    questions = _test_questions()
    assert len(questions) >= 300, "测试集缺失：evals/datasets 与 ../shared/datasets/stard"
    library = _library_text()
    checked = 0
    for table in RULE_TABLES:
        phrases = set(_strings(yaml.safe_load(table.read_text(encoding="utf-8"))))
        in_questions = {p for p in phrases for q in questions if len(p) >= 2 and p in q}
        data = yaml.safe_load(table.read_text(encoding="utf-8"))
        names = set(_strings(data.get("aliases", {}))) if isinstance(data, dict) else set()
        leaked = sorted(p for p in in_questions - names if p not in library)
        assert leaked == [], f"{table.name}: {leaked}"
        checked += len(phrases)
    assert checked > 100  # the tables were really read


def test_phrase_check_catches_a_copied_question_phrase():
    """The check above can fail: a phrase lifted from a test question is not legal vocabulary."""
    question = next(q for q in _test_questions() if len(q) >= 12)
    phrase = question[:10]
    assert phrase not in _library_text()


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in [*_strings(k), *_strings(v)]]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []
