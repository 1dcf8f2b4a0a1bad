"""Read PDF, Word, text and Markdown files into normalised text.

Every failure a user can cause (wrong type, empty, scanned, encrypted or damaged file,
unknown encoding) becomes an :class:`IngestError` with a Chinese message naming the file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.ingest.normalize import SourceLine, join_lines, normalize_line, normalize_text
from assistant.documents import content_hash
from assistant.hanzi import to_simplified
from assistant.messages import UserError, chinese_detail

if TYPE_CHECKING:
    from assistant.core.ingest.scans import PageProgress, ScanReader

FILE_TYPES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".md": "md", ".markdown": "md"}
# A document is converted 繁体 → 简体 when this share of its characters is traditional-only.
TRADITIONAL_SHARE = 0.02
SUPPORTED_LABEL = "PDF（.pdf）、Word（.docx）、纯文本（.txt）、Markdown（.md、.markdown）"

# Page furniture such as "- 3 -", "3", "第3页", "3 / 9" printed above or below the body.
_PAGE_NUMBER_RE = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页|/\s*\d{1,4})?[-—–\s]*$")


class IngestError(UserError):
    """A file that cannot be ingested; ``str()`` is a message for the user."""


@dataclass
class LoadedDocument:
    """A file's normalised text.

    For PDFs, ``pages`` holds ``(page, text)`` where ``text`` is the paragraphs that start on
    that page, so joining the page texts with newlines gives ``text``.
    """

    path: Path
    text: str
    pages: list[tuple[int, str]] | None
    raw_bytes_hash: str
    file_type: str


def load_file(
    path: Path | str, scans: ScanReader | None = None, progress: PageProgress | None = None
) -> LoadedDocument:
    """Load one supported file.

    Args:
        path: A .pdf, .docx, .txt, .md or .markdown file.
        scans: Recognises PDF pages without a text layer (OCR); None leaves them out.
        progress: Told about each recognised page.

    Raises:
        IngestError: If the file is missing, of another type, empty, scanned, encrypted,
            damaged or in an unknown encoding.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in FILE_TYPES:
        hint = "请先另存为 .docx 格式。" if suffix in (".doc", ".wps") else ""
        raise IngestError(
            f"不支持的文件类型“{suffix or '无扩展名'}”（文件：{name}）。{hint}支持的类型：{SUPPORTED_LABEL}"
        )
    if not path.is_file():
        raise IngestError(f"找不到文件：{path}")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(f"文件“{name}”是空文件，没有可导入的内容")
    file_type = FILE_TYPES[suffix]
    pages = None
    if file_type == "pdf":
        pages = _read_pdf(path, content_hash(data), scans, progress)
        text = "\n".join(t for _, t in pages)
    elif file_type == "docx":
        text = normalize_text(_read_docx(path))
    else:
        text = normalize_text(decode_text(data, name))
    if not text.strip():
        raise IngestError(f"未能从“{name}”提取到文字内容")
    simplified = to_simplified(text, min_share=TRADITIONAL_SHARE)
    if simplified is not text:  # a traditional document is stored (and searched) as simplified
        text = simplified
        pages = [(page, to_simplified(page_text)) for page, page_text in pages] if pages else pages
    return LoadedDocument(path, text, pages, content_hash(data), file_type)


def decode_text(data: bytes, name: str = "文本") -> str:
    """Decode text bytes: BOMs first, then UTF-8, GB18030, then charset detection.

    Raises:
        IngestError: If no encoding gives readable text.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _readable(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _readable(str(best)):
        return str(best)
    raise IngestError(f"无法识别文件“{name}”的文字编码，请另存为 UTF-8 编码的文本后重试")


def _readable(text: str) -> bool:
    """Reject data that decoded by accident: NULs, control or private-use characters.

    GB18030 accepts almost any byte sequence, but text in another encoding (e.g. Big5)
    comes out with private-use code points, which real documents do not contain.
    """
    if "\x00" in text or any("\ue000" <= ch <= "\uf8ff" for ch in text):
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls <= 0.01 * max(len(text), 1)


def _read_pdf(
    path: Path, file_hash: str, scans: ScanReader | None, progress: PageProgress | None
) -> list[tuple[int, str]]:
    from pypdf import PdfReader

    name = path.name
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"文件“{name}”已加密，请先解除密码保护后再导入")
        per_page = [(number, page, _page_lines(page, number))
                    for number, page in enumerate(reader.pages, start=1)]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        if "decrypt" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise IngestError(f"文件“{name}”已加密，请先解除密码保护后再导入") from exc
        raise IngestError(f"文件“{name}”已损坏或格式不正确，无法读取 PDF{chinese_detail(str(exc))}") from exc
    # A page with a text layer keeps it; only pages without one go to OCR.
    blank = [(number, page) for number, page, lines in per_page if not any(ln.text for ln in lines)]
    recognised = _recognise(scans, file_hash, blank, name, progress) if blank else {}
    lines: list[SourceLine] = []
    for number, _, page_lines in per_page:
        lines.extend(_trim_page(recognised[number]) if number in recognised else page_lines)
    if not any(ln.text for ln in lines):
        if scans is None:
            raise IngestError(
                f"未能从“{name}”提取文字：它可能是扫描件（图片），而文字识别（OCR）未启用"
                "（设置 ocr.enabled），请启用后重试"
            )
        raise IngestError(f"未能从“{name}”提取文字：页面上没有文字层，文字识别（OCR）也未识别出文字")
    by_page: dict[int, list[str]] = {}
    for para in join_lines(lines):
        by_page.setdefault(para.page or 1, []).append(para.text)
    return [(page, "\n".join(paras)) for page, paras in sorted(by_page.items())]


def _recognise(
    scans: ScanReader | None, file_hash: str, pages: list[tuple[int, Any]], name: str,
    progress: PageProgress | None,
) -> dict[int, list[SourceLine]]:
    from assistant.adapters.ocr import OCRError

    if scans is None:
        return {}
    try:
        return scans.read_pages(file_hash, pages, name, progress)
    except OCRError as exc:
        raise IngestError(f"“{name}”含扫描页（无文字层），文字识别失败：{exc}") from exc


def _page_lines(page, number: int) -> list[SourceLine]:
    try:
        # Layout mode keeps first-line indentation, the best paragraph signal in a PDF.
        raw = page.extract_text(extraction_mode="layout")
    except Exception:  # noqa: BLE001 - fall back to the simpler extractor
        raw = page.extract_text() or ""
    lines = []
    for raw_line in raw.replace("\r\n", "\n").split("\n"):
        text = normalize_line(raw_line)
        indent = len(raw_line) - len(raw_line.lstrip(" \u3000"))
        lines.append(SourceLine(text, number, indent))
    return _trim_page(lines)


def _trim_page(lines: list[SourceLine]) -> list[SourceLine]:
    """Drop blank margins and a printed page number at the top or bottom."""
    lines = list(lines)
    _trim_blank(lines)
    for edge in (0, -1):
        if lines and _PAGE_NUMBER_RE.match(lines[edge].text):
            lines.pop(edge)
    _trim_blank(lines)
    return lines


def _trim_blank(lines: list[SourceLine]) -> None:
    # Blank lines at page edges are margins, not paragraph breaks.
    while lines and not lines[0].text:
        lines.pop(0)
    while lines and not lines[-1].text:
        lines.pop()


# A .docx is a zip: its size on disk says little about what it unpacks to. python-docx reads
# every part into memory and lxml parses the XML, so a small file holding a huge document.xml
# (a "zip bomb") would take gigabytes. The zip directory lists every part's unpacked size;
# it is checked before anything is unpacked (zipfile never inflates beyond the listed size).
MAX_UNZIPPED_XML_MB = 64
MAX_UNZIPPED_MB = 256


def check_archive(path: Path) -> None:
    """Refuse a .docx whose parts would unpack to more than the limits above.

    Raises:
        IngestError: with the sizes, in Chinese.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            f"文件“{path.name}”已损坏或格式不正确，无法读取 Word 文档：不是有效的 .docx（zip）文件"
        ) from exc
    total = sum(i.file_size for i in infos) / 2**20
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels"))) / 2**20
    if xml > MAX_UNZIPPED_XML_MB or total > MAX_UNZIPPED_MB:
        raise IngestError(
            f"文件“{path.name}”解压后过大（文字部分 {xml:.0f} MB、共 {total:.0f} MB，"
            f"上限分别为 {MAX_UNZIPPED_XML_MB} MB 和 {MAX_UNZIPPED_MB} MB），可能已损坏或是恶意构造的文件，未导入。"
            "如确为正常文档，请拆分后再导入。"
        )


def _read_docx(path: Path) -> str:
    import docx
    from docx.table import Table

    check_archive(path)
    try:
        document = docx.Document(str(path))
        out: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                out.extend(_table_lines(block))
            else:
                out.append(block.text)
    except Exception as exc:  # zipfile, lxml and python-docx errors alike
        raise IngestError(
            f"文件“{path.name}”已损坏或格式不正确，无法读取 Word 文档{chinese_detail(str(exc))}"
        ) from exc
    return "\n".join(out)


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            # Merged cells repeat in every grid position; keep them once.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines
