"""The Word export as LibreOffice lays it out: 28 characters × 22 lines, pages, title, page numbers.

Converts real exports to PDF with ``soffice --headless`` (Debian's libreoffice-writer-nogui; its own
profile per test) and reads them back with poppler's pdftotext/pdfinfo. The 公文 fonts are absent
on CI machines, so LibreOffice substitutes them through the shipped fontconfig aliases
(``assistant/resources/fontconfig-gongwen.conf``, Noto CJK from fonts-noto-cjk).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
import unicodedata
from pathlib import Path

import pytest

from assistant.config import ExportSettings
from assistant.core.drafting import Draft, DraftingService, DraftSection
from assistant.core.drafting.docx import CHARS_PER_LINE, LINES_PER_PAGE
from assistant.core.drafting.report import parse_report
from tests.drafting_cases import REPORT_TXT, case

pytestmark = pytest.mark.integration

FONTCONFIG = Path(__file__).resolve().parent.parent / "assistant" / "resources" / "fontconfig-gongwen.conf"
FOOTER_RE = re.compile(r"^\s*—\s*(\d+)\s*—\s*$")


def _tools() -> None:
    for tool in ("soffice", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"未安装 {tool}（apt-get install libreoffice-writer-nogui poppler-utils；tests/run.sh 会安装）")


def to_pdf(docx: Path, workdir: Path) -> Path:
    """Convert with a private LibreOffice profile and the 公文 font aliases."""
    conf = workdir / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="no">{FONTCONFIG}</include>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n</fontconfig>\n',
        encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(workdir)}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{workdir / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(workdir), str(docx)],
                   check=True, capture_output=True, timeout=180, env=env)
    pdf = workdir / (docx.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice produced no PDF for {docx.name}"
    return pdf


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pages_text(pdf: Path) -> list[list[str]]:
    """Lines of every page (pdftotext -layout), empty lines dropped."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    return [[ln for ln in page.split("\n") if ln.strip()] for page in out.split("\f") if page.strip()]


def cells(line: str) -> int | None:
    """Characters a line holds, counting a first line's 2-character indent; None when the line
    has Latin letters or digits (proportional glyphs, no fixed count)."""
    text = re.sub(r"\s+", "", line)
    if any(unicodedata.east_asian_width(c) not in "WFA" for c in text):
        return None
    return len(text) + (2 if line.startswith(" ") else 0)


def full_body_lines(pages: list[list[str]]) -> list[str]:
    """Lines followed by a continuation of their paragraph on the same page (so not a last line).

    pdftotext keeps a paragraph's two-character first-line indent as leading spaces, so a line
    starting at the margin continues the paragraph above it.
    """
    full = []
    for lines in pages:
        body = [ln for ln in lines if not FOOTER_RE.match(ln)]
        full += [a for a, b in zip(body, body[1:], strict=False) if not b.startswith(" ")]
    return full


def expected_pages(draft: Draft) -> int:
    """Pages the text needs at 28 × 22: each paragraph (with its 2-character indent) rounded up
    to whole lines, plus the title and the blank line under it."""
    paragraphs = [p for s in draft.sections for p in ([s.heading] if s.heading else []) + s.paragraphs]
    lines = 2 + sum(math.ceil((len(p) + 2) / CHARS_PER_LINE) for p in paragraphs)
    return math.ceil(lines / LINES_PER_PAGE)


def _report_draft() -> Draft:
    """The real 2021 report (about 4,300 characters) as a draft."""
    if not REPORT_TXT.is_file():
        pytest.skip("缺少 ../shared/corpus 中的 2021 年报告")
    report = parse_report(REPORT_TXT.read_text(encoding="utf-8"))
    sections = [DraftSection("opening", "", "\n".join(report.opening))]
    sections += [DraftSection(s.key, s.heading, "\n".join(s.paragraphs)) for s in report.sections]
    return Draft(report.title, sections)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[Draft, Path]]:
    _tools()
    out = {}
    service = DraftingService(fonts=ExportSettings())
    facts, previous = case("sifaju_large")
    drafts = {"sifaju": service.draft(facts, previous=previous), "report2021": _report_draft()}
    for name, draft in drafts.items():
        work = tmp_path_factory.mktemp(f"render-{name}")
        out[name] = (draft, to_pdf(service.export_docx(draft, work / f"{name}.docx"), work))
    return out


@pytest.mark.parametrize("name", ["sifaju", "report2021"])
def test_28_characters_per_full_line(rendered, name):
    _, pdf = rendered[name]
    counted = [(n, ln) for ln in full_body_lines(pages_text(pdf)) if (n := cells(ln)) is not None]
    assert len(counted) >= 8
    # Line-breaking rules (no line may start with ，。、) move a character down now and then.
    assert all(26 <= n <= CHARS_PER_LINE for n, _ in counted), [c for c in counted if not 26 <= c[0] <= 28]
    assert statistics.median(n for n, _ in counted) == CHARS_PER_LINE


@pytest.mark.parametrize("name", ["sifaju", "report2021"])
def test_22_lines_and_expected_pages(rendered, name):
    draft, pdf = rendered[name]
    pages = pages_text(pdf)
    expected = expected_pages(draft)
    assert expected - 1 <= page_count(pdf) <= expected + 1
    body_lines = [len([ln for ln in page if not FOOTER_RE.match(ln)]) for page in pages[1:-1]]
    assert body_lines and max(body_lines) == LINES_PER_PAGE


def test_real_report_length_and_pages(rendered):
    draft, pdf = rendered["report2021"]
    chars = len(re.sub(r"\s+", "", draft.text()))
    assert 4000 <= chars <= 4600
    # 28 × 22 = 616 characters a page at most; paragraph ends leave part of a line empty.
    assert 7 <= page_count(pdf) <= 9


@pytest.mark.parametrize("name", ["sifaju", "report2021"])
def test_title_on_first_page_and_page_numbers(rendered, name):
    draft, pdf = rendered[name]
    pages = pages_text(pdf)
    first = "".join(re.sub(r"\s+", "", ln) for ln in pages[0][:3])
    assert draft.title.replace(" ", "") in first
    for number, lines in enumerate(pages, start=1):
        footers = [int(m.group(1)) for ln in lines if (m := FOOTER_RE.match(ln))]
        assert footers == [number], (number, lines[-2:])


def test_comparison_table_renders_after_the_body(tmp_path):
    _tools()
    facts, previous = case("renfang_small")
    service = DraftingService()
    draft = service.draft(facts, previous=previous)
    path = service.export_docx(draft, tmp_path / "t.docx", service.compare(previous, facts))
    pages = pages_text(to_pdf(path, tmp_path))
    last = "".join(re.sub(r"\s+", "", ln) for ln in pages[-1])
    assert "附件" in last and "主要指标对比表" in last and "620人次" in last
    body = "".join(re.sub(r"\s+", "", ln) for page in pages[:-1] for ln in page)
    assert "主要指标对比表" not in body
