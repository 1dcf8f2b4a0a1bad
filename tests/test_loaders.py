import codecs
from pathlib import Path

import pytest

from assistant.core.ingest.loaders import IngestError, decode_text, load_file
from assistant.documents import content_hash

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REPORT_NAME = "2021年东城区人防办法治政府建设年度情况报告"
REPORT_PDF = CORPUS / "pdf" / f"{REPORT_NAME}.pdf"
REPORT_TXT = CORPUS / "reports" / f"{REPORT_NAME}.txt"
SAMPLE = "2023年法治政府建设年度情况报告\n一、主要举措和成效（含“三项制度”）：开展行政检查620人次。"


def make_pdf(path: Path, pages: list[list[tuple[int, int, str]]]) -> None:
    """Write a minimal valid PDF: each page is a list of (x, y, ASCII text) lines."""
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for lines in pages:
        stream = "".join(f"BT /F1 12 Tf {x} {y} Td ({t}) Tj ET\n" for x, y, t in lines).encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objs))
        )
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


@pytest.mark.parametrize(
    "encoding,bom",
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("gb18030", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_txt_encodings(tmp_path, encoding, bom):
    path = tmp_path / "报告.txt"
    data = bom + SAMPLE.replace("\n", "\r\n").encode(encoding)
    path.write_bytes(data)
    doc = load_file(path)
    assert doc.text == SAMPLE
    assert doc.file_type == "txt"
    assert doc.pages is None
    assert doc.raw_bytes_hash == content_hash(data)


def test_charset_detection_fallback_reads_big5():
    text = "行政處罰法規定，當事人有陳述和申辯的權利。" * 5
    assert decode_text(text.encode("big5")).startswith("行政")


def test_markdown_is_loaded_as_text(tmp_path):
    path = tmp_path / "法规.markdown"
    path.write_text("# 中华人民共和国行政处罚法\n\n第一条　为了规范行政处罚。", "utf-8")
    doc = load_file(path)
    assert doc.file_type == "md"
    assert doc.text == "# 中华人民共和国行政处罚法\n\n第一条 为了规范行政处罚。"


def test_docx_paragraphs_headings_and_tables_in_order(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("2023年法治政府建设年度情况报告", level=1)
    d.add_paragraph("一、2023年推进法治政府建设的主要举措和成效")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "数量"
    table.cell(1, 0).text, table.cell(1, 1).text = "行政检查", "620人次"
    d.add_paragraph("二、存在的不足和原因")
    path = tmp_path / "报告.docx"
    d.save(str(path))
    doc = load_file(path)
    assert doc.file_type == "docx"
    assert doc.text.split("\n") == [
        "2023年法治政府建设年度情况报告",
        "一、2023年推进法治政府建设的主要举措和成效",
        "指标 | 数量",
        "行政检查 | 620人次",
        "二、存在的不足和原因",
    ]


def test_pdf_pages_and_paragraph_joined_across_page_break(tmp_path):
    path = tmp_path / "report.pdf"
    make_pdf(
        path,
        [
            [
                (96, 760, "The first paragraph starts here and"),
                (72, 740, "it continues to the bottom of the"),
            ],
            [
                (72, 760, "page and ends on the next page."),
                (96, 740, "A second paragraph."),
                (72, 20, "- 2 -"),
            ],
        ],
    )
    doc = load_file(path)
    assert doc.file_type == "pdf"
    assert doc.pages == [
        (
            1,
            "The first paragraph starts here and it continues to the bottom of the page and ends on the next page.",
        ),
        (2, "A second paragraph."),
    ]
    assert doc.text == "\n".join(text for _, text in doc.pages)


@pytest.mark.skipif(not REPORT_PDF.exists(), reason="shared corpus not available")
def test_real_pdf_matches_txt_version():
    pdf = load_file(REPORT_PDF)
    txt = load_file(REPORT_TXT)
    assert [p for p, _ in pdf.pages] == list(range(1, 10))
    assert pdf.text == "\n".join(t for _, t in pdf.pages)
    page4 = dict(pdf.pages)[4]
    assert "开展行政检查500余人次，查处人防违法违规案件4件，罚款伍千伍百元" in page4
    # Identical apart from the blank line under the title in the .txt.
    assert pdf.text.split("\n") == [ln for ln in txt.text.split("\n") if ln]


def _error(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        load_file(path)
    return str(info.value)


def test_unsupported_type_lists_supported_types(tmp_path):
    path = tmp_path / "统计表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really excel")
    message = _error(path)
    assert "不支持" in message and "统计表.xls" in message
    assert ".pdf" in message and ".docx" in message and ".txt" in message and ".md" in message


def test_old_word_format_suggests_docx(tmp_path):
    path = tmp_path / "旧报告.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为 .docx" in _error(path)


def test_missing_file(tmp_path):
    assert "找不到文件" in _error(tmp_path / "不存在.txt")


def test_empty_txt(tmp_path):
    path = tmp_path / "空.txt"
    path.write_bytes(b"")
    message = _error(path)
    assert "空文件" in message and "空.txt" in message


def test_whitespace_only_txt_has_no_text(tmp_path):
    path = tmp_path / "空白.txt"
    path.write_text("\ufeff  \n\u3000\n", "utf-8")
    assert "未能从“空白.txt”提取" in _error(path)


def test_binary_txt_is_undecodable(tmp_path):
    path = tmp_path / "乱码.txt"
    path.write_bytes(bytes(range(256)) * 4)
    message = _error(path)
    assert "编码" in message and "乱码.txt" in message


def test_garbage_pdf_is_reported_as_damaged(tmp_path):
    path = tmp_path / "坏文件.pdf"
    path.write_bytes(b"\x00\x01garbage, not a pdf at all\xff" * 10)
    message = _error(path)
    assert "已损坏或格式不正确" in message and "坏文件.pdf" in message


def test_garbage_docx_is_reported_as_damaged(tmp_path):
    path = tmp_path / "坏文档.docx"
    path.write_bytes(b"PK\x03\x04 broken zip")
    message = _error(path)
    assert "已损坏或格式不正确" in message and "坏文档.docx" in message


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    make_pdf(plain, [[(72, 760, "Secret text")]])
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt("mima123", algorithm="AES-128")
    path = tmp_path / "加密.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    message = _error(path)
    assert "已加密" in message and "加密.pdf" in message


def test_scanned_pdf_without_text(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    path = tmp_path / "扫描件.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    message = _error(path)
    assert "未能从“扫描件.pdf”提取文字" in message and "扫描件" in message


def test_truncated_pdf_says_so_in_chinese(tmp_path):
    whole = tmp_path / "完整.pdf"
    make_pdf(whole, [[(72, 700, "Hello")]])
    cut = tmp_path / "截断.pdf"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    message = _error(cut)
    assert "截断.pdf" in message and "文件内容不完整" in message
    assert "Stream has ended" not in message


def test_zip_that_is_not_a_docx_says_so_in_chinese(tmp_path):
    import zipfile

    path = tmp_path / "假文档.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("说明.txt", "不是 Word 文档")
    message = _error(path)
    assert "假文档.docx" in message and "缺少 Word 文档的基本结构" in message
    assert "Content_Types" not in message
