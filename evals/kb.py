"""Build (or reuse) the evaluation knowledge base: the default knowledge base (the whole law
library, loaded from the shipped vectors, plus knowledge/), ../shared/corpus and the reports
written for the evals (evals/datasets/reports/). ``profile`` can restrict the laws.

Ingest is idempotent, so the cached folder is reused across runs and only new chunks
are embedded.
"""

from __future__ import annotations

import os
from pathlib import Path

from assistant.app import Assistant, build_assistant
from assistant.config import load_settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
# Reports written for the evals (an office other than 人防: 区司法局), ingested beside the corpus.
EVAL_REPORTS = REPO / "evals" / "datasets" / "reports"
DEFAULT_CACHE = Path(os.environ.get("ASSISTANT_EVAL_CACHE", Path.home() / ".cache" / "fazhi-assistant-evals"))


def eval_assistant(profile: str = "all", cache: Path = DEFAULT_CACHE, quiet: bool = False) -> Assistant:
    """An assistant over the laws of ``profile`` + knowledge/ + the shared corpus, under ``cache/profile``."""
    if not CORPUS.is_dir():
        raise SystemExit(f"缺少评测语料：{CORPUS}")
    settings = load_settings(
        environ={k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")},
        data_dir=cache / profile,
        knowledge_dir=CORPUS,
    )
    asst = build_assistant(settings, llm_backend="offline")
    progress = None
    if not quiet:
        from assistant.front.cli import RichProgress

        progress = RichProgress()
        progress.__enter__()
    try:
        asst.import_laws(profile, progress)
        asst.ingest(
            [
                REPO / "knowledge",
                CORPUS / "reports",
                CORPUS / "pdf",
                CORPUS / "regulations",
                EVAL_REPORTS,
            ],
            progress,
        )
    finally:
        if progress is not None:
            progress.__exit__(None, None, None)
    return asst


def load_yamlset(name: str) -> dict:
    """Load evals/datasets/<name>.yaml."""
    import yaml

    path = REPO / "evals" / "datasets" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_results(rows: list[dict], name: str) -> Path:
    """Write per-question rows to evals/results/<name>_<timestamp>.csv."""
    import csv
    import time

    out = REPO / "evals" / "results" / f"{name}_{time.strftime('%Y%m%d-%H%M%S')}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out
