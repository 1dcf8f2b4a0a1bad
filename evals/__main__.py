"""One runner for every eval: ``python -m evals NAME [options]`` from the repository root.

  python -m evals retrieval   # hit@k / MRR on dev, test and STARD-test (gates on test floors)
  python -m evals qa          # answers: keys per category (gates on test)
  python -m evals drafting    # drafts: structure, figures, clauses, 落实对照 (gates on test cases)
  python -m evals citations   # citation forms as staff write them, against the regulation library
  python -m evals regulations # staff questions answered by a 行政法规 or 北京 regulation
  python -m evals benchmark   # speed and memory, as ratios against a bare interpreter start
  python -m evals ocr         # OCR character accuracy on the scanned report
  python -m evals all         # every gated eval above, then the benchmark (not gated)

Each runner exits non-zero when its dataset's gates fail; ``all`` fails when any gated one does.
"""

from __future__ import annotations

import importlib
import sys

RUNNERS = {
    "retrieval": "evals.run_retrieval",
    "qa": "evals.run_qa",
    "drafting": "evals.run_drafting",
    "citations": "evals.run_citations",
    "regulations": "evals.run_regulation_search",
    "benchmark": "evals.benchmark",
    "ocr": "evals.ocr_accuracy",
}
GATED = ("retrieval", "qa", "drafting", "citations", "regulations")


def run(name: str, argv: list[str]) -> int:
    """Run one eval's ``main`` with ``argv`` as its command line."""
    module = importlib.import_module(RUNNERS[name])
    saved = sys.argv
    sys.argv = [f"python -m evals {name}", *argv]
    try:
        return int(module.main() or 0)
    finally:
        sys.argv = saved


def main(argv: list[str]) -> int:
    """Dispatch ``argv[0]`` (an eval name or ``all``) with the rest as its options."""
    if not argv or argv[0] not in (*RUNNERS, "all"):
        print(__doc__)
        return 2
    name, rest = argv[0], argv[1:]
    if name != "all":
        return run(name, rest)
    failed = [n for n in GATED if run(n, []) != 0]
    if run("benchmark", []) != 0:
        print("（基准未达速度目标，见上；不作为失败：速度以同一次运行中的比值衡量）")
    if failed:
        print(f"未通过的评测：{'、'.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
