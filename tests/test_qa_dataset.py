"""The QA v2 eval set (evals/datasets/qa_v2_{dev,test}.yaml) is well formed and every key is real.

Every fact of an answerable question occurs verbatim in one of its gold sources (a report, or an
article in laws.db / a corpus regulation); unanswerable questions carry a refusal key and the
figures they must not give; the test split is at least 40% of the set and says it is never tuned on.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
import yaml

from tests.conftest import CORPUS, REPO
from tests.test_eval_datasets import _corpus_articles

DATASETS = REPO / "evals" / "datasets"
KINDS = {
    "fact", "broad", "legal", "legal_multi", "national_local",
    "followup_law", "followup_report", "unanswerable",
}
REPORT_DIRS = (CORPUS / "reports", DATASETS / "reports", REPO / "knowledge")


def _load(split: str) -> list[dict]:
    return yaml.safe_load((DATASETS / f"qa_v2_{split}.yaml").read_text(encoding="utf-8"))["questions"]


def _squash(text: str) -> str:
    return "".join(text.split())


@cache
def _report_text(stem: str) -> str:
    for folder in REPORT_DIRS:
        for path in folder.glob(f"{stem}.*"):
            return _squash(path.read_text(encoding="utf-8"))
    return ""


@cache
def _corpus_article_text(title: str, no: int) -> str:
    import re

    from assistant.numerals import int_to_chinese

    for path in (CORPUS / "regulations").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.splitlines()[0].lstrip("#").strip() != title:
            continue
        head = f"第{int_to_chinese(no)}条"
        match = re.search(rf"^{head}.*?(?=^第[零一二三四五六七八九十百]+条|\Z)", text, re.M | re.S)
        return _squash(match.group(0)) if match else ""
    return ""


def _gold_text(gold: dict, library) -> str:
    if "report" in gold:
        return _report_text(gold["report"])
    if library.get_law(gold["law"]) is not None:
        article = library.find_article(gold["law"], int(gold["article_no"]))
        return _squash(article.full_text) if article else ""
    return _corpus_article_text(gold["law"], int(gold["article_no"]))


@pytest.fixture(scope="module")
def library():
    from assistant.adapters.lawlib import LawLibrary

    lib = LawLibrary()
    yield lib
    lib.close()


@pytest.mark.parametrize("split", ["dev", "test"])
def test_every_fact_is_in_a_gold_source(split: str, library, corpus) -> None:
    problems = []
    for q in _load(split):
        if q.get("refuse"):
            continue
        texts = [_gold_text(g, library) for g in q["gold"]]
        problems += [f"{q['id']}: 空 gold {g}" for g, t in zip(q["gold"], texts, strict=True) if not t]
        for fact in q["facts"]:
            if not any(_squash(alt) in t for alt in fact.split("|") for t in texts):
                problems.append(f"{q['id']}: “{fact}”不在 gold 来源中")
    assert problems == []


@pytest.mark.parametrize("split", ["dev", "test"])
def test_questions_are_keyed(split: str) -> None:
    qs = _load(split)
    assert len({q["id"] for q in qs}) == len(qs)
    for q in qs:
        assert q["kind"] in KINDS, q["id"]
        if q["kind"] == "unanswerable":
            assert q["refuse"] is True and q["must_not"], q["id"]
        else:
            assert q["facts"] and q["gold"], q["id"]
        assert bool(q.get("history")) == q["kind"].startswith("followup"), q["id"]


def test_size_split_and_coverage() -> None:
    dev, test = _load("dev"), _load("test")
    assert len(dev) + len(test) >= 160
    assert len(test) / (len(dev) + len(test)) >= 0.4
    header = yaml.safe_load((DATASETS / "qa_v2_test.yaml").read_text(encoding="utf-8"))
    assert header["split"] == "test" and "never tuned on" in header["description"]
    for split in (dev, test):
        kinds = Counter(q["kind"] for q in split)
        assert set(kinds) == KINDS and min(kinds.values()) >= 5
        offices = {g.get("report") for q in split for g in q.get("gold", [])}
        assert any("司法局" in (o or "") for o in offices)  # an office other than 人防
    questions = {q["question"] for q in dev}
    assert not [q["id"] for q in test if q["question"] in questions]


def test_corpus_titles_known() -> None:
    """Regulation golds name a corpus title or a laws.db law (checked above); titles exist."""
    titles = set(_corpus_articles())
    used = {g["law"] for s in ("dev", "test") for q in _load(s) for g in q.get("gold", []) if "law" in g}
    assert {t for t in used if not t.startswith("中华人民共和国")} <= titles
