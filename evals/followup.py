"""落实对照 against hand labels (evals/datasets/followup_v1.yaml): agreement per split.

Run by ``python -m evals drafting``; gates the test split on the dataset header's threshold.
"""

from __future__ import annotations

from assistant.core.drafting import DraftingService
from assistant.core.drafting.followup import DONE, FollowUp
from evals.kb import REPO, load_yamlset


def _plans(case: dict, service: DraftingService) -> list[str]:
    if "plans" in case:
        return list(case["plans"])
    path = (REPO / case["report"]).resolve()
    return service.extract(path.read_text(encoding="utf-8")).next_year_plans


def _facts(case: dict, service: DraftingService):
    return service.facts_from_dict({
        "organization": case.get("organization", "示例单位"), "year": 2024,
        "measures": case["measures"], "shortcomings": ["无"], "first_responsible_person": ["无"],
        "next_year_plans": ["无"],
    })


def _score(case: dict, checks: list, right: dict[str, list[bool]]) -> None:
    """Add one case's plan items to ``right``: agreement per split; on dev also whether the
    evidence is the labelled measure and whether 部分落实 is told as labelled (labels' ``measure``
    and ``partial``; dev only)."""
    for check, label in zip(checks, case["labels"], strict=True):
        assert check.plan.startswith(label["plan"][:6]), (case["name"], check.plan, label["plan"])
        ok = check.status == label["expect"]
        right.setdefault(case["split"], []).append(ok)
        if case["split"] != "dev":
            continue
        if not ok:
            print(f"  落实对照不一致（dev {case['name']}）：{check.plan[:20]} → {check.status}"
                  f"（{check.score}），标注 {label['expect']}")
        if ok and check.status == DONE and label.get("measure"):
            right.setdefault("dev_evidence", []).append(check.evidence.startswith(label["measure"] + "："))
        if ok and check.status == DONE:
            right.setdefault("dev_partial", []).append(bool(check.partly) == bool(label.get("partial")))


def evaluate(service: DraftingService, follow: FollowUp | None = None) -> tuple[dict, list[str]]:
    """({split: agreement}, failure messages) over every case; prints disagreements on dev only.

    ``dev_evidence``: share of agreed 已落实 items whose evidence is the labelled measure;
    ``dev_partial``: share of agreed 已落实 items whose 部分落实 note agrees with the label.
    """
    data = load_yamlset("followup_v1")
    follow = follow or FollowUp()
    right: dict[str, list[bool]] = {}
    for case in data["cases"]:
        checks = follow.check(_plans(case, service), _facts(case, service))
        assert len(checks) == len(case["labels"]), (case["name"], [c.plan for c in checks])
        _score(case, checks, right)
    agreement = {split: sum(v) / len(v) for split, v in right.items()}
    limits, test = data["thresholds"], agreement.get("test", 0.0)
    print("落实对照与人工标注一致率：" + "，".join(f"{k} {v:.1%}" for k, v in sorted(agreement.items())))
    if test < limits["target_agreement_test"]:
        print(f"尚未达到目标（不作为失败）：落实对照 test 一致率 {test:.3f} < {limits['target_agreement_test']}")
    floor = limits["floor_agreement_test"]
    return agreement, [] if test >= floor else [f"落实对照 test 一致率 {test:.3f} < {floor}"]


if __name__ == "__main__":
    scores, failures = evaluate(DraftingService())
    print({k: round(v, 3) for k, v in scores.items()}, failures)
    raise SystemExit(1 if failures else 0)
