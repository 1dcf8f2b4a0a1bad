"""Grade answers against the keys of the QA v2 set (evals/datasets/qa_v2_{dev,test}.yaml).

Keys per question: ``facts`` (every one in the answer; ``A|B`` either spelling), ``gold`` (a
source cited; for legal kinds the first source must be a gold article; ``both`` = every gold
cited), ``refuse`` + ``must_not`` (unanswerable: says the knowledge base does not hold it and
gives none of those figures), ``max_chars`` (a follow-up asking for one figure).

*Confidently wrong*: an answer (not a refusal) that gives a forbidden figure, or an
unanswerable question answered with a figure, or a legal answer led by a non-gold article
without the key facts, or a report answer led by another report without the key facts.
"""

from __future__ import annotations

import re

from evals.keyfacts import ask_after_history, fact_found

LEGAL_KINDS = ("legal", "legal_multi", "national_local", "followup_law")
REFUSAL = re.compile(r"知识库中没有|未在知识库中找到")
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万伍仟佰拾]+(?:元|日|天|年|件|次|人次|个|名|%)")
# The acceptance (test split).
GOALS = {
    "pass": (0.85, ">="),
    "wrong": (0.03, "<="),
    "unanswerable_refused": (0.90, ">="),
    "answerable_refused": (0.05, "<="),
    "legal_gold_first": (0.85, ">="),
    "followup_pass": (0.85, ">="),
}


def _matches(src: dict, gold: dict, names) -> bool:
    from assistant.numerals import chinese_to_int

    if "report" in gold:
        return gold["report"] in f"{src.get('source')} {src.get('title')}"
    have = names.canonical(src.get("law") or "") or src.get("law")
    if have != (names.canonical(gold["law"]) or gold["law"]):
        return False
    art = (src.get("article") or "").removeprefix("第").split("条")[0]
    try:
        return bool(art) and chinese_to_int(art) == int(gold["article_no"])
    except ValueError:
        return False


def grade(q: dict, answer: str, found: bool, sources: list[dict], names) -> dict:
    """Score one answer against its keys (see the module docstring)."""
    refused = not found or bool(REFUSAL.search(answer))
    forbidden = [f for f in q.get("must_not", []) if fact_found(f, answer)]
    golds = q.get("gold", [])
    cited = [any(_matches(s, g, names) for s in sources) for g in golds]
    first = bool(sources) and any(_matches(sources[0], g, names) for g in golds)
    facts = q.get("facts", [])
    missing = [f for f in facts if not fact_found(f, answer)]
    short = q.get("max_chars") is None or len(answer) <= q["max_chars"]
    if q.get("refuse"):
        ok = refused and not forbidden
        wrong = not refused and (bool(forbidden) or bool(_FIGURE.search(answer)))
    else:
        has_gold = all(cited) if q.get("both") else any(cited)
        ok = not refused and not missing and has_gold and short and not forbidden
        wrong = not refused and (bool(forbidden) or (bool(missing) and bool(sources) and not first))
    return {
        "pass": ok,
        "refused": refused,
        "wrong": wrong,
        "gold_first": first,
        "short": short,
        "missing": "、".join(missing),
        "forbidden": "、".join(forbidden),
    }


def run(asst, q: dict) -> dict:
    """Ask one question (after its history) and grade it."""
    ans, ms = ask_after_history(asst, q)
    row = {"id": q["id"], "kind": q["kind"], "split": q.get("split", "")}
    row |= grade(q, ans.answer, ans.found, ans.sources, asst.names)
    row |= {
        "chars": len(ans.answer),
        "ms": round(ms, 1),
        "question": q["question"],
        "answer": ans.answer.replace("\n", " ")[:300],
    }
    return row


def measures(rows: list[dict]) -> dict[str, float]:
    """The acceptance measures over graded rows."""

    def rate(sub: list[dict], key: str) -> float:
        return sum(r[key] for r in sub) / len(sub) if sub else 0.0

    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    return {
        "pass": rate(rows, "pass"),
        "wrong": rate(rows, "wrong"),
        "unanswerable_refused": rate(unanswerable, "refused"),
        "answerable_refused": rate(answerable, "refused"),
        "legal_gold_first": rate([r for r in rows if r["kind"] in LEGAL_KINDS], "gold_first"),
        "followup_pass": rate([r for r in rows if r["kind"].startswith("followup")], "pass"),
    }


def print_table(rows: list[dict], split: str) -> dict[str, float]:
    """Per-kind results, then the acceptance measures; returns the measures."""
    print(f"\n问答 v2（{split}）{'kind':<16}{'n':>4}{'pass':>7}{'refused':>9}{'wrong':>7}{'gold1':>7}{'short':>7}")
    for kind in [*sorted({r['kind'] for r in rows}), "全部"]:
        sub = rows if kind == "全部" else [r for r in rows if r["kind"] == kind]
        n = len(sub)
        cols = [sum(r[k] for r in sub) / n for k in ("pass", "refused", "wrong", "gold_first", "short")]
        print(f"{'':<14}{kind:<16}{n:>4}" + "".join(f"{c:>7.3f}" if i else f"{c:>7.3f}" for i, c in enumerate(cols)))
    got = measures(rows)
    for key, value in got.items():
        goal, op = GOALS[key]
        met = value >= goal if op == ">=" else value <= goal
        print(f"  {key:<22}{value:.3f}  目标 {op} {goal}  {'达到' if met else '未达到'}")
    return got
