"""Key-fact coverage of broad answers (evals/datasets/qa_broad_{dev,test}_v1.yaml).

A key fact is a verbatim phrase of the source; ``A|B`` accepts either spelling. An answer
*covers* its question when it carries at least half of the key facts; a follow-up must also
stay within its ``max_chars``.
"""

from __future__ import annotations

import time

COVERED = 0.5  # share of key facts an answer must carry
# The goals. On the whole-library knowledge base (2026-12-03) the test split measured
# covered 0.826 and followup_short 0.75, so CI gates regression floors just under those and
# prints the goals as not yet reached instead of failing on them.
GOALS = {"covered": 0.85, "followup_short": 1.0}
FLOORS = {"covered": 0.78, "followup_short": 0.5}  # one question of slack each


def _squash(text: str) -> str:
    return "".join((text or "").split())


def fact_found(fact: str, answer: str) -> bool:
    """Whether any spelling of ``fact`` occurs in ``answer`` (whitespace ignored)."""
    text = _squash(answer)
    return any(_squash(alt) in text for alt in fact.split("|"))


def ask_after_history(asst, q: dict):
    """Ask ``q["question"]`` after its history turns; returns (answer, milliseconds)."""
    from assistant.core.answering import Conversation

    conv = Conversation()
    for turn in q.get("history") or []:
        asst.qa.ask(turn, conv)
    t0 = time.perf_counter()
    ans = asst.qa.ask(q["question"], conv)
    return ans, (time.perf_counter() - t0) * 1000


def run_broad(asst, q: dict) -> dict:
    """Ask one broad question (after its history) and measure its key-fact coverage."""
    ans, ms = ask_after_history(asst, q)
    facts = q["key_facts"]
    found = [f for f in facts if fact_found(f, ans.answer)]
    share = len(found) / len(facts)
    limit = q.get("max_chars")
    return {
        "id": q["id"],
        "shape": q["shape"],
        "coverage": round(share, 3),
        "covered": share >= COVERED,
        "chars": len(ans.answer),
        "short": limit is None or len(ans.answer) < limit,
        "missing": "、".join(f for f in facts if f not in found),
        "ms": round(ms, 1),
        "question": q["question"],
        "answer": ans.answer.replace("\n", " ")[:400],
    }


def report_broad(rows: list[dict], split: str) -> list[str]:
    """Print coverage per shape and return the goals missed (gated on the test split only)."""
    print(f"\n概括性问题（{split}）  {'shape':<10}{'n':>4}{'covered':>9}{'mean_cov':>10}{'mean_chars':>12}")
    for shape in [*sorted({r['shape'] for r in rows}), "全部"]:
        sub = rows if shape == "全部" else [r for r in rows if r["shape"] == shape]
        n = len(sub)
        covered = sum(r["covered"] for r in sub) / n
        mean = sum(r["coverage"] for r in sub) / n
        chars = sum(r["chars"] for r in sub) / n
        print(f"{'':<18}{shape:<10}{n:>4}{covered:>9.3f}{mean:>10.3f}{chars:>12.0f}")
    followups = [r for r in rows if r["shape"] == "followup"]
    got = {
        "covered": sum(r["covered"] for r in rows) / len(rows),
        "followup_short": sum(r["short"] for r in followups) / max(len(followups), 1),
    }
    for k, v in GOALS.items():
        if got[k] < v:
            print(f"尚未达到目标（不作为失败）：{split} {k} {got[k]:.3f} < {v}")
    return [f"{split} {k} {got[k]:.3f} < {v}" for k, v in FLOORS.items() if got[k] < v]
