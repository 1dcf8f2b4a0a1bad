"""Uploaded files: allowed types, size limit, safe names, kept under ``settings.uploads_dir``.

The stored file name becomes the document's ``source`` in the knowledge base, so names are
kept readable (Chinese characters stay) while anything that could escape the folder is removed.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

ALLOWED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_MAX_NAME = 120


class UploadError(ValueError):
    """An upload that cannot be accepted; the message is shown to staff (Chinese)."""


@dataclass
class RejectedUpload:
    """A file of an upload batch refused before the handler ran (e.g. by its type)."""

    name: str
    message: str
    path: str = ""  # Gradio's temporary copy


@dataclass
class StoredUpload:
    """One accepted upload."""

    name: str
    path: Path


def sanitize_filename(name: str) -> str:
    """A safe file name: no directories, no ``..``, no control or reserved characters.

    Raises:
        UploadError: when nothing usable is left or the name tries to climb directories.
    """
    raw = unicodedata.normalize("NFC", str(name or "")).strip()
    if ".." in PurePosixPath(raw.replace("\\", "/")).parts:
        raise UploadError(f"文件名“{raw}”不合法：不能包含“..”")
    base = PureWindowsPath(PurePosixPath(raw.replace("\\", "/")).name).name
    base = _UNSAFE.sub("_", base).strip(" .")
    if ".." in base:
        raise UploadError(f"文件名“{raw}”不合法：不能包含“..”")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[: _MAX_NAME - len(suffix) - 1].strip(" .")
    if not stem:
        raise UploadError(f"文件名“{raw}”不合法：请使用有意义的文件名")
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_type(name: str) -> None:
    """Accept only PDF, Word (.docx), text and Markdown files.

    Raises:
        UploadError: naming the allowed types.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        allowed = "、".join(s.lstrip(".").upper() for s in ALLOWED_SUFFIXES)
        shown = suffix or "无扩展名"
        raise UploadError(f"不支持的文件类型“{shown}”（{name}），仅支持 {allowed}")


def check_size(size_bytes: int, max_mb: int, name: str = "") -> None:
    """Reject files over ``max_mb`` megabytes and empty files.

    Raises:
        UploadError: stating the limit.
    """
    label = f"“{name}”" if name else ""
    if size_bytes <= 0:
        raise UploadError(f"文件{label}是空文件")
    if size_bytes > max_mb * 1024 * 1024:
        size_mb = size_bytes / 1024 / 1024
        raise UploadError(f"文件{label}大小为 {size_mb:.1f} MB，超过上限 {max_mb} MB")


def store_upload(src: Path | str, uploads_dir: Path, max_mb: int, name: str | None = None) -> StoredUpload:
    """Validate one uploaded temp file and copy it into ``uploads_dir`` under a safe name.

    An existing file of the same name is replaced (re-uploading a corrected version); it is
    kept aside until :func:`settle_upload` knows whether the new one was ingested.

    Args:
        src: The temporary file Gradio wrote.
        uploads_dir: Destination folder (created if needed).
        max_mb: Size limit per file.
        name: Original file name (defaults to ``src``'s name).

    Raises:
        UploadError: bad name, type or size (Chinese message).
    """
    src = Path(src)
    safe = sanitize_filename(name or src.name)
    check_type(safe)
    if not src.is_file():
        raise UploadError(f"上传的文件“{safe}”已丢失，请重新上传")
    check_size(src.stat().st_size, max_mb, safe)
    uploads_dir.mkdir(parents=True, exist_ok=True)
    dest = (uploads_dir / safe).resolve()
    if dest.parent != uploads_dir.resolve():
        raise UploadError(f"文件名“{safe}”不合法")
    tmp = dest.with_name(dest.name + ".part")
    shutil.copyfile(src, tmp)
    if dest.exists():
        dest.replace(_previous(dest))
    tmp.replace(dest)  # atomic: a half-copied file never sits under its real name
    return StoredUpload(safe, dest)


def settle_upload(path: Path, ingested: bool) -> None:
    """Keep an ingested upload; remove one that failed, putting back the file it replaced.

    Nothing is left in the uploads folder that the knowledge base does not hold, and a failed
    re-upload does not cost the stored file of the same name.
    """
    previous = _previous(path)
    if ingested:
        previous.unlink(missing_ok=True)
    elif previous.exists():
        previous.replace(path)
    else:
        path.unlink(missing_ok=True)


def _previous(path: Path) -> Path:
    return path.with_name(path.name + ".previous")

