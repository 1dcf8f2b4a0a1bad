"""Scanned PDF pages: recognise the page image, cache the text per page, report progress.

OCR takes seconds per page, so each page's text is cached under the file's content hash
(like chunk ids for embedding): an interrupted ingest resumes at the first page not yet
recognised, and re-ingesting the same scan recognises nothing again.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.core.ingest.normalize import SourceLine, normalize_line, repair_ocr_line

if TYPE_CHECKING:
    from assistant.adapters.ocr import PageOCR


class PageProgress(Protocol):
    """The part of the ingest progress sink that OCR reports to."""

    def start(self, total: int, description: str) -> None: ...  # noqa: D102
    def advance(self, n: int) -> None: ...  # noqa: D102


class ScanReader:
    """Text of PDF pages that have no text layer.

    Args:
        engine: The OCR adapter (:func:`assistant.adapters.ocr.make_ocr`).
        cache_dir: Folder for per-page text; None disables caching.
    """

    def __init__(self, engine: PageOCR, cache_dir: Path | None = None) -> None:
        self.engine = engine
        self.cache_dir = cache_dir

    def read_pages(
        self, file_hash: str, pages: list[tuple[int, Any]], name: str,
        progress: PageProgress | None = None,
    ) -> dict[int, list[SourceLine]]:
        """Recognise ``(page number, pypdf page)`` pairs; returns lines per page number.

        Raises:
            assistant.adapters.ocr.OCRError: OCR is not installed or failed (Chinese message).
        """
        if progress is not None:
            progress.start(len(pages), f"文字识别（OCR）“{name}”")
        out: dict[int, list[SourceLine]] = {}
        for number, page in pages:
            text = self._page_text(file_hash, number, page)
            out[number] = ocr_lines(text, number)
            if progress is not None:
                progress.advance(1)
        return out

    def _page_text(self, file_hash: str, number: int, page: Any) -> str:
        cached = self._cache_path(file_hash, number)
        if cached is not None and cached.is_file():
            return cached.read_text(encoding="utf-8")
        image = page_image(page)
        text = self.engine.read(image) if image is not None else ""
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".part")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(cached)  # a killed run never leaves a half-written page
        return text

    def _cache_path(self, file_hash: str, number: int) -> Path | None:
        if self.cache_dir is None:
            return None
        engine = self.engine.name.replace(":", "_").replace("+", "_")
        return self.cache_dir / "ocr" / engine / file_hash / f"{number:05d}.txt"


def page_image(page: Any) -> bytes | None:
    """The largest image drawn on a pypdf page, as PNG bytes (None when there is none)."""
    try:
        images = list(page.images)
    except Exception:  # noqa: BLE001 - unreadable image streams count as no image
        return None
    best = None
    for img in images:
        try:
            pil = img.image
        except Exception:  # noqa: BLE001
            continue
        if pil is not None and (best is None or pil.width * pil.height > best.width * best.height):
            best = pil
    if best is None:
        return None
    if best.mode not in ("L", "RGB", "1"):
        best = best.convert("RGB")
    buf = io.BytesIO()
    best.save(buf, format="PNG")
    return buf.getvalue()


def ocr_lines(text: str, page: int) -> list[SourceLine]:
    """OCR output as normalised, repaired printed lines; blank lines kept as breaks."""
    lines = [SourceLine(repair_ocr_line(normalize_line(raw)), page, 0) for raw in text.split("\n")]
    while lines and not lines[0].text:
        lines.pop(0)
    while lines and not lines[-1].text:
        lines.pop()
    return lines
