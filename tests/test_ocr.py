"""Scanned PDFs: pages without a text layer are recognised offline, cached and searchable."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from assistant.adapters.ocr import OCRError, TesseractOCR
from assistant.core.ingest.loaders import IngestError, load_file
from assistant.core.ingest.normalize import repair_ocr_line
from assistant.core.ingest.scans import ScanReader

from .conftest import CORPUS

SCANNED = CORPUS / "scanned" / "2021年东城区人防办法治政府建设年度情况报告（扫描件）.pdf"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or not FONT.exists(),
    reason="需要 tesseract-ocr、tesseract-ocr-chi-sim 和 fonts-noto-cjk（tests/run.sh 会安装）",
)


def page_image(lines: list[str]):
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1240, 300 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 48)
    for i, line in enumerate(lines):
        draw.text((120, 150 + 90 * i), line, font=font, fill=0)
    return img


def image_pdf(path: Path, pages: list[list[str]]) -> None:
    """A scan-like PDF: every page is one image, no text layer."""
    images = [page_image(lines) for lines in pages]
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])


class CountingOCR:
    """The real tesseract, counting how many pages it was asked to read."""

    def __init__(self) -> None:
        self.inner = TesseractOCR()
        self.name = self.inner.name
        self.calls = 0

    def read(self, image: bytes) -> str:
        self.calls += 1
        return self.inner.read(image)


class Pages:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def start(self, total, description):
        self.events.append(("start", total))

    def advance(self, n):
        self.events.append(("advance", n))


def test_repair_ocr_line_restores_chinese_punctuation_and_spacing():
    assert repair_ocr_line("(一) 明确指导思想, 健全工作机制") == "（一）明确指导思想，健全工作机制"
    assert repair_ocr_line('树立"崇文争先精神"; 开展') == "树立“崇文争先精神”；开展"
    assert repair_ocr_line("Version 2.0 (beta)") == "Version 2.0 (beta)"


@needs_tesseract
def test_scanned_page_is_recognised_with_page_numbers_and_cached(tmp_path):
    path = tmp_path / "扫描件.pdf"
    image_pdf(path, [["回填治理早期人防工程", "面积674.68平方米。"], ["第二页开展行政检查52次。"]])
    ocr, pages = CountingOCR(), Pages()
    doc = load_file(path, ScanReader(ocr, tmp_path / "cache"), pages)
    assert ocr.calls == 2
    by_page = dict(doc.pages)
    assert "回填治理早期人防工程" in by_page[1] and "674.68" in by_page[1]
    assert "行政检查52次" in by_page[2]
    assert pages.events == [("start", 2), ("advance", 1), ("advance", 1)]
    # Resumable: a second run (or a resumed one) reads every page from the cache.
    again = load_file(path, ScanReader(ocr, tmp_path / "cache"))
    assert ocr.calls == 2 and again.text == doc.text


@needs_tesseract
def test_mixed_pdf_uses_text_layer_where_present(tmp_path):
    from pypdf import PdfReader, PdfWriter

    from .test_loaders import make_pdf

    text_pdf, scan_pdf, mixed = tmp_path / "t.pdf", tmp_path / "s.pdf", tmp_path / "混合.pdf"
    make_pdf(text_pdf, [[(72, 760, "Text layer page about inspections.")]])
    image_pdf(scan_pdf, [["一、扫描页：行政复议案件3件。"]])
    writer = PdfWriter()
    writer.add_page(PdfReader(text_pdf).pages[0])
    writer.add_page(PdfReader(scan_pdf).pages[0])
    with mixed.open("wb") as fh:
        writer.write(fh)
    ocr = CountingOCR()
    doc = load_file(mixed, ScanReader(ocr, None))
    assert ocr.calls == 1
    by_page = dict(doc.pages)
    assert by_page[1] == "Text layer page about inspections."
    assert "行政复议案件3件" in by_page[2]


def test_image_only_pdf_without_ocr_says_so_in_chinese(tmp_path):
    from PIL import Image

    path = tmp_path / "扫描件.pdf"
    Image.new("L", (200, 200), 255).save(path, "PDF")
    with pytest.raises(IngestError) as info:
        load_file(path)
    assert "未能从“扫描件.pdf”提取文字" in str(info.value) and "文字识别" in str(info.value)


def test_blank_scan_yields_a_clear_error_not_zero_chunks(tmp_path):
    from PIL import Image

    class Blank:
        name = "blank"

        def read(self, image: bytes) -> str:
            return "\n \n"

    path = tmp_path / "空白扫描.pdf"
    Image.new("L", (200, 200), 255).save(path, "PDF")
    with pytest.raises(IngestError) as info:
        load_file(path, ScanReader(Blank()))
    assert "未识别出文字" in str(info.value) and "空白扫描.pdf" in str(info.value)


def test_missing_tesseract_is_a_chinese_error(tmp_path):
    from PIL import Image

    path = tmp_path / "扫描件.pdf"
    buf = io.BytesIO()
    Image.new("L", (200, 200), 255).save(buf, "PNG")
    Image.new("L", (200, 200), 255).save(path, "PDF")
    with pytest.raises(OCRError) as info:
        TesseractOCR(binary="no-such-tesseract").read(buf.getvalue())
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in str(info.value)
    with pytest.raises(IngestError) as info:
        load_file(path, ScanReader(TesseractOCR(binary="no-such-tesseract")))
    assert "文字识别失败" in str(info.value) and "扫描件.pdf" in str(info.value)


@pytest.mark.integration
@needs_tesseract
def test_scanned_report_is_searchable_with_its_page(fake_settings, corpus):
    from assistant.app import build_assistant

    asst = build_assistant(fake_settings)
    report = asst.ingest([SCANNED])
    (result,) = report.results
    assert result.status == "added" and result.chunks > 10 and result.doc_type == "report"
    hits = asst.search("回填治理早期人防工程", k=3)
    top = hits[0]
    assert "674.68" in top.text and top.metadata["source"] == SCANNED.name
    assert top.metadata["page"] == 5
    assert top.metadata["year"] == 2021
