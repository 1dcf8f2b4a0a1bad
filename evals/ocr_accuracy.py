"""OCR character accuracy on the scanned 2021 report against its text version.

Accuracy = 1 - edit_distance / len(reference), over the loaders' normalised text with all
whitespace removed. Exits non-zero below the threshold.

    python -m evals.ocr_accuracy [--cache DIR] [--threshold 0.98]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SCANNED = CORPUS / "scanned" / "2021年东城区人防办法治政府建设年度情况报告（扫描件）.pdf"
TEXT = CORPUS / "reports" / "2021年东城区人防办法治政府建设年度情况报告.txt"


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row per character of ``a``."""
    codes = np.array([ord(c) for c in b], dtype=np.int64)
    steps = np.arange(1, len(b) + 1)
    prev = np.arange(len(b) + 1)
    for i, ch in enumerate(a, 1):
        best = np.minimum(prev[:-1] + (codes != ord(ch)), prev[1:] + 1)
        # Insertions: cur[j] = min over k <= j of (best[k] + j - k), a running minimum.
        run = np.minimum.accumulate(np.concatenate(([i], best - steps)))
        prev = run + np.concatenate(([0], steps))
    return int(prev[-1])


def char_accuracy(hypothesis: str, reference: str) -> float:
    """1 - edit distance / reference length, whitespace removed from both."""
    hyp, ref = re.sub(r"\s+", "", hypothesis), re.sub(r"\s+", "", reference)
    return 1.0 - edit_distance(hyp, ref) / max(len(ref), 1)


def main(argv: list[str] | None = None) -> int:
    """Run OCR through the loader and print accuracy and seconds per page."""
    from assistant.adapters.ocr import make_ocr
    from assistant.config import OCRSettings
    from assistant.core.ingest.loaders import load_file
    from assistant.core.ingest.scans import ScanReader

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=None, help="OCR page cache folder")
    parser.add_argument("--threshold", type=float, default=0.98)
    args = parser.parse_args(argv)
    engine = make_ocr(OCRSettings())
    assert engine is not None
    t0 = time.perf_counter()
    scanned = load_file(SCANNED, ScanReader(engine, args.cache))
    seconds = time.perf_counter() - t0
    pages = len(scanned.pages or [])
    acc = char_accuracy(scanned.text, load_file(TEXT).text)
    print(f"engine={engine.name} pages={pages} seconds={seconds:.1f} "
          f"per_page={seconds / max(pages, 1):.2f}s char_accuracy={acc:.4f}")
    return 0 if acc >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
