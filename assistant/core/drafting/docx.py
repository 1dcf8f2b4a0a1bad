"""Word export in the GB/T 9704-2012 layout of Chinese official documents.

A4 page; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body 3号 (16 pt) 仿宋,
22 lines × 28 characters; title 2号 (22 pt) 小标宋 centred; 一、 headings 3号黑体, （一）
headings 3号楷体; page numbers 4号 (14 pt) as "— 1 —", odd pages right, even pages left.

How 28 × 22 is reached in Word *and* LibreOffice: the text block is 156 mm = 442.2 pt wide, and
28 glyphs of 16 pt need 448 pt. Word's usual answer, a ``linesAndChars`` grid with a negative
``charSpace``, makes LibreOffice give every glyph two grid cells (14 characters a line). So the
grid is ``lines`` (22 lines of 28.95 pt) and the characters are condensed by 0.25 pt
(``w:spacing``): 28 × 15.75 pt = 441 pt fits, 29 never does, in both editors.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assistant.core.drafting.docx_fonts import (
    font_names,
    register_fonts,
    set_document_language,
    set_rpr_child,
)
from assistant.core.drafting.draft import SUBHEADING_RE, Draft
from assistant.core.drafting.figures import STALE_MARK
from assistant.core.drafting.timebound import CONFIRM_MARK

PAGE_W_MM, PAGE_H_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TITLE_PT, BODY_PT, PAGE_NUMBER_PT, TABLE_PT = 22, 16, 14, 14
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH_PT = 28.95  # (297 - 37 - 35) mm / 22 lines, rounded down so 22 lines always fit
TEXT_WIDTH_PT = (PAGE_W_MM - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
# Character spacing in 1/20 pt, rounded down so that exactly 28 glyphs of 3号 fit a line.
CHAR_SPACING_TWIPS = math.floor((TEXT_WIDTH_PT / CHARS_PER_LINE - BODY_PT) * 20)
PAGE_NUMBER_FONT = "宋体"


def set_font(element_with_rpr: Any, name: str, size_pt: float | None = None) -> None:
    """Set Latin and East Asian font names (python-docx sets only Latin ones) and the size."""
    font = element_with_rpr.font
    font.name = name
    if size_pt is not None:
        font.size = Pt(size_pt)
    rpr = element_with_rpr.element.get_or_add_rPr() if hasattr(element_with_rpr, "element") \
        else element_with_rpr._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(28 - 7)  # page number sits 7 mm below the text block
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.attrib.pop(qn("w:charSpace"), None)


def _normal_style(doc: Any, body_font: str) -> None:
    style = doc.styles["Normal"]
    set_font(style, body_font, BODY_PT)
    set_rpr_child(style.element.get_or_add_rPr(), "spacing", val=str(CHAR_SPACING_TWIPS))
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = False
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _indent_two_chars(paragraph: Any) -> None:
    paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")  # Word honours this with the character grid


def _outline(paragraph: Any, level: int) -> None:
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), str(level))
    paragraph._p.get_or_add_pPr().append(lvl)


# A figure: digits with their decimal point and a trailing % / ‰ ("12.5%", "12345", "15.6").
FIGURE_RE = re.compile(r"\d[\d.]*\d[%‰]?|\d[%‰]?")


def _add_runs(paragraph: Any, text: str, font: str, size: float) -> None:
    """Runs of one paragraph; 【待更新】 marks are highlighted so nobody misses them.

    Each figure is a run of its own marked as Latin text (``w:lang`` en-US): LibreOffice breaks
    Chinese-tagged text between any two characters, digits included ("办理1⏎2345", "93⏎%"),
    but keeps a Latin word together.
    """
    marks = (STALE_MARK, CONFIRM_MARK)
    for part in re.split(f"({'|'.join(map(re.escape, marks))}|{FIGURE_RE.pattern})", text):
        if not part:
            continue
        run = paragraph.add_run(part)
        set_font(run, font, size)
        if part in marks:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif FIGURE_RE.fullmatch(part):
            set_rpr_child(run._r.get_or_add_rPr(), "lang", val="en-US", eastAsia="en-US")


def _add_field(paragraph: Any, instruction: str, font: str, size: float) -> None:
    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        set_font(run, font, size)
        run._r.append(child)

    begin, sep, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    sep.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(begin)
    run_with(instr)
    run_with(sep)
    placeholder = paragraph.add_run("1")
    set_font(placeholder, font, size)
    run_with(end)


def _page_numbers(doc: Any) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(0)
        # GB/T 9704: one character in from the edge of the text block.
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_NUMBER_PT)
        else:
            fmt.left_indent = Pt(PAGE_NUMBER_PT)
        _add_runs(p, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        _add_field(p, "PAGE", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        _add_runs(p, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_PT)


def _attach_table(doc: Any, draft: Draft, comparisons: list, body_font: str) -> None:
    from assistant.core.drafting.attachment import add_comparison_table

    def write(paragraph: Any, text: str, bold: bool) -> None:
        run = paragraph.add_run(text)
        run.bold = bold
        set_font(run, body_font, BODY_PT - 2)

    year = getattr(draft.facts, "year", None)
    add_comparison_table(doc, comparisons, year - 1 if year else None, year, write)


# Characters of 2号 that fit the title line; a longer title breaks before the report's name.
TITLE_CHARS = int(TEXT_WIDTH_PT // TITLE_PT)
TITLE_BREAK = "法治政府建设"


def title_lines(text: str) -> list[str]:
    """The title as a person would break it: unit and year, then 法治政府建设年度情况报告."""
    cut = text.find(TITLE_BREAK)
    if len(text) <= TITLE_CHARS or cut <= 0 or cut > TITLE_CHARS or len(text) - cut > TITLE_CHARS:
        return [text]
    return [text[:cut], text[cut:]]


def _title(doc: Any, text: str, font: str) -> None:
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.6)  # long titles wrap legibly
    for n, line in enumerate(title_lines(text)):
        if n:
            title.add_run().add_break()
        _add_runs(title, line, font, TITLE_PT)
    _outline(title, 0)


def _signature(doc: Any, draft: Draft, font: str) -> None:
    """落款 (the unit) and 成文日期 placeholder, right-aligned four characters in, after one blank line.

    Kept on one page with the end of the last body paragraph.
    """
    sign = draft.signature()
    if sign is None:
        return
    # GB/T 9704: the 落款 never stands alone at the top of a page, so the last body paragraph,
    # the blank line and every line of the 落款 but the last are kept with the next paragraph.
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    for i, line in enumerate(sign):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(BODY_PT * 4)
        paragraph.paragraph_format.keep_with_next = i < len(sign) - 1
        _add_runs(paragraph, line, font, BODY_PT)


def _body(doc: Any, draft: Draft, names: dict[str, str]) -> None:
    for section in draft.sections:
        if section.heading:
            p = doc.add_paragraph()
            _indent_two_chars(p)
            _add_runs(p, section.heading, names["heading1_font"], BODY_PT)
            _outline(p, 1)
        for text in section.paragraphs:
            p = doc.add_paragraph()
            _indent_two_chars(p)
            if SUBHEADING_RE.match(text) and len(text) < 60 and "。" not in text[:-1]:
                _add_runs(p, text, names["heading2_font"], BODY_PT)
                _outline(p, 2)
            else:
                _add_runs(p, text, names["body_font"], BODY_PT)


def export_docx(draft: Draft, path: Path | str, fonts: Any = None,
                comparisons: list | None = None) -> Path:
    """Write the draft as a .docx file in GB/T 9704 layout.

    Args:
        draft: The report (its ``warnings``, the 起草提示, are never written into the document).
        path: Target file (parent folders are created).
        fonts: Object with ``title_font``, ``body_font``, ``heading1_font``, ``heading2_font``
            (e.g. ``assistant.config.ExportSettings``); missing ones use the 公文 defaults.
        comparisons: Year-on-year rows; when given, the 主要指标对比表 is attached after the body.
    """
    names = font_names(fonts)
    doc = Document()
    _page_setup(doc)
    set_document_language(doc)
    _normal_style(doc, names["body_font"])
    register_fonts(doc, [*names.values(), PAGE_NUMBER_FONT])
    doc.core_properties.title = draft.title
    _title(doc, draft.title, names["title_font"])
    doc.add_paragraph()  # one blank line between title and body
    _body(doc, draft, names)
    _signature(doc, draft, names["body_font"])
    if comparisons:
        _attach_table(doc, draft, comparisons, names["body_font"])
    _page_numbers(doc)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
