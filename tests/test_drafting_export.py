"""Word (GB/T 9704) and Markdown export, read back from the files."""

from __future__ import annotations

from types import SimpleNamespace

import docx
import pytest
from docx.oxml.ns import qn

from assistant.config import ExportSettings
from assistant.core.drafting import DraftingService, export_markdown
from tests.drafting_cases import case


def _east_asia(paragraph):
    return paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    facts, previous = case("sifaju_large")
    service = DraftingService(fonts=ExportSettings())
    draft = service.draft(facts, previous=previous)
    path = service.export_docx(draft, tmp_path_factory.mktemp("docx") / "报告.docx")
    return draft, docx.Document(str(path))


def test_page_setup(exported):
    _, doc = exported
    sec = doc.sections[0]
    for value, expected in [(sec.page_width, 210), (sec.page_height, 297), (sec.top_margin, 37),
                            (sec.bottom_margin, 35), (sec.left_margin, 28), (sec.right_margin, 26)]:
        assert value.mm == pytest.approx(expected, abs=0.1)
    grid = sec._sectPr.find(qn("w:docGrid"))
    # A line grid (22 × 28.95 pt); 28 characters come from condensing 3号 by 0.25 pt, because a
    # negative charSpace makes LibreOffice give each character two cells (see docx.py).
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None
    normal = doc.styles["Normal"].element.rPr
    assert normal.find(qn("w:spacing")).get(qn("w:val")) == "-5"
    assert 28 * (16 - 0.25) <= 156 / 25.4 * 72 < 29 * (16 - 0.25)


def test_language_and_font_table(exported):
    _, doc = exported
    lang = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = part.blob.decode("utf-8")
    for name, alt in [("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体"), ("黑体", "SimHei")]:
        assert f'w:name="{name}"><w:altName w:val="{alt}"/>' in table
        assert table.count(f'w:name="{name}"') == 1


def test_headings_fonts_and_sizes(exported):
    draft, doc = exported
    paras = [p for p in doc.paragraphs if p.text]
    title = paras[0]
    assert title.text == "示例区司法局2023年\n法治政府建设年度情况报告"  # broken where a person would
    assert title.alignment == 1 and title.runs[0].font.size.pt == 22
    assert _east_asia(title) == "方正小标宋简体"
    texts = [p.text for p in paras]
    headings = [s.heading for s in draft.sections if s.heading]
    positions = [texts.index(h) for h in headings]
    assert positions == sorted(positions) and len(headings) == 5
    h1 = paras[positions[0]]
    assert _east_asia(h1) == "黑体" and h1.runs[0].font.size.pt == 16
    lead, h2 = paras[positions[0] + 1], next(p for p in paras[positions[0] + 1:] if p.text.startswith("（一）"))
    assert _east_asia(lead) == "仿宋_GB2312"  # the lead sentence under 一 is body text
    assert _east_asia(h2) == "楷体_GB2312"
    body = paras[1]
    assert _east_asia(body) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32
    assert doc.styles["Normal"].paragraph_format.line_spacing.pt == pytest.approx(28.95)


def test_footer_page_number(exported):
    _, doc = exported
    footer = doc.sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    assert "PAGE" in xml and "fldChar" in xml
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert footer.runs[0].font.size.pt == 14
    assert doc.settings.odd_and_even_pages_header_footer
    assert "PAGE" in doc.sections[0].even_page_footer.paragraphs[0]._p.xml


def test_fonts_from_any_object(tmp_path):
    facts, _ = case("jiedao_small")
    fonts = SimpleNamespace(title_font="小标宋", body_font="仿宋", heading1_font="黑体", heading2_font="楷体")
    service = DraftingService(fonts=fonts)
    doc = docx.Document(str(service.export_docx(service.draft(facts), tmp_path / "a.docx")))
    assert _east_asia(doc.paragraphs[0]) == "小标宋"
    assert _east_asia(doc.paragraphs[2]) == "仿宋"


def test_markdown_export(tmp_path):
    facts, previous = case("renfang_small")
    service = DraftingService()
    draft = service.draft(facts, previous=previous)
    path = export_markdown(draft, tmp_path / "out" / "报告.md", service.compare(previous, facts))
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 示例区人民防空办公室2023年法治政府建设年度情况报告\n")
    assert "## 一、2023年推进法治政府建设的主要举措和成效" in text
    first = next(p for p in draft.section("measures").paragraphs if p.startswith("（一）"))
    assert f"### {first}\n" in text
    assert "| 行政检查 | 500余人次 | 620人次 | 约数，不计算同比 |" in text
