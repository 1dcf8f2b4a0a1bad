"""Which files an ingest takes, and the limits a file must keep."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.core.ingest.loaders import FILE_TYPES, IngestError
from assistant.core.ingest.results import FileResult

SUPPORTED_SUFFIXES = set(FILE_TYPES)


def check_size(path: Path, limit_mb: int) -> None:
    """Refuse a file larger than ``limit_mb`` (setting ``ingest.max_file_mb``).

    Raises:
        IngestError: with the size, the limit and what to do.
    """
    size_mb = path.stat().st_size / 1024 / 1024
    if size_mb > limit_mb:
        raise IngestError(
            f"文件“{path.name}”大小为 {size_mb:.1f} MB，超过上限 {limit_mb} MB（设置 ingest.max_file_mb），"
            "未导入。请拆分后导入，或调高该上限。"
        )


def check_length(name: str, text: str, limit: int) -> None:
    """Refuse a text longer than ``limit`` characters (setting ``ingest.max_text_chars``).

    Raises:
        IngestError: with the length, the limit and what to do.
    """
    if len(text) > limit:
        raise IngestError(
            f"文件“{name}”有 {len(text) / 10000:.1f} 万字，超过上限 {limit / 10000:.1f} 万字"
            "（设置 ingest.max_text_chars），未导入：向量化将耗时过长。请拆分后导入，或调高该上限。"
        )


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest, and a notice for each file in a named folder that is left out.

    Files named directly are all taken (the loader explains what it cannot read); inside
    folders, hidden files (``.name``) and unsupported types are skipped, each with a notice.
    """
    files: list[Path] = []
    skipped: list[FileResult] = []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append(p)
            continue
        for f in sorted(p.rglob("*")):
            if not f.is_file() or any(part.startswith(".") for part in f.relative_to(p).parts[:-1]):
                continue
            if f.name.startswith("."):
                skipped.append(FileResult(f.name, "skipped", path=str(f),
                                          message="隐藏文件（名称以“.”开头），已跳过；如需导入请改名后重试"))
            elif f.suffix.lower() not in SUPPORTED_SUFFIXES:
                skipped.append(FileResult(f.name, "skipped", path=str(f),
                                          message="不支持的文件类型，已跳过（支持 PDF、DOCX、TXT、MD）"))
            else:
                files.append(f)
    return files, skipped


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files named directly, plus supported, non-hidden files found under named folders (sorted)."""
    return collect_files(paths)[0]
