"""The Word export as LibreOffice lays it out: 28 characters × 22 lines, pages, title, page numbers.

Converts real exports to PDF with ``soffice --headless`` (Debian's libreoffice-writer-nogui; its own
profile per test) and reads them back with poppler's pdftotext/pdfinfo. The 公文 fonts are absent
on CI machines, so LibreOffice substitutes them through the shipped fontconfig aliases
(``assistant/resources/65-fazhi-gongwen.conf``, Noto CJK from fonts-noto-cjk), installed the way the
README tells users: copied into ``~/.config/fontconfig/conf.d/`` of the converting user.
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

FONTCONFIG = Path(__file__).resolve().parent.parent / "assistant" / "resources" / "65-fazhi-gongwen.conf"
FOOTER_RE = re.compile(r"^\s*—\s*(\d+)\s*—\s*$")


def _tools() -> None:
    for tool in ("soffice", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.fail(f"未安装 {tool}（apt-get install libreoffice-writer-nogui poppler-utils；tests/run.sh 会安装）")


def to_pdf(docx: Path, workdir: Path) -> Path:
    """Convert with a private LibreOffice profile, the 公文 font aliases installed as the README says
    (copied into the user's ``~/.config/fontconfig/conf.d``; HOME is ``workdir``)."""
    conf_d = workdir / ".config" / "fontconfig" / "conf.d"
    conf_d.mkdir(parents=True, exist_ok=True)
    shutil.copy(FONTCONFIG, conf_d / FONTCONFIG.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FONTCONFIG")}
    env.update(HOME=str(workdir), XDG_CONFIG_HOME=str(workdir / ".config"),
               XDG_CACHE_HOME=str(workdir / ".cache"))
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


HANGING = "，。、；：？！”）"  # closing marks LibreOffice hangs in the margin (行末标点悬挂)


def cells(line: str) -> int | None:
    """Grid cells a line holds, counting a first line's 2-character indent; None when the line
    has Latin letters or digits (proportional glyphs, no fixed count). A closing mark hung past
    the margin as the 29th character takes no cell of the 28-character grid."""
    text = re.sub(r"\s+", "", line)
    if any(unicodedata.east_asian_width(c) not in "WFA" for c in text):
        return None
    n = len(text) + (2 if line.startswith(" ") else 0)
    return n - 1 if n == CHARS_PER_LINE + 1 and text[-1] in HANGING else n


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


def split_figures(pdf: Path) -> list[tuple[str, str]]:
    """Line ends that cut a figure: a digit or decimal point at the end of one line and a digit,
    point or % at the start of the next (pdftotext's reading order)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    lines = [ln.strip() for ln in out.split("\n")]
    return [(a[-8:], b[:8]) for a, b in zip(lines, lines[1:], strict=False)
            if a and b and re.search(r"[0-9.]$", a) and re.match(r"^[0-9.%‰]", b)]


STRESS = ("全年受理行政复议案件142件，依法纠错率12.5%，办理行政应诉案件57件。全区人民调解组织调解各类"
          "矛盾纠纷3280件，调解成功率98.6%，接诉即办满意率93%，办理群众来电12345件，覆盖群众15.6万人次。")


def test_no_figure_is_split_across_lines(rendered, tmp_path):
    """LibreOffice broke "办理 1⏎2345" and "满意率 93⏎%" in Chinese-tagged runs; figures are Latin runs."""
    for _, pdf in rendered.values():
        assert split_figures(pdf) == []
    # The same sentence shifted by one character per paragraph puts every figure at a line end once.
    stress = Draft("示例区司法局2023年法治政府建设年度情况报告",
                   [DraftSection("opening", "", "\n".join("甲" * n + STRESS for n in range(28)))])
    pdf = to_pdf(DraftingService().export_docx(stress, tmp_path / "stress.docx"), tmp_path)
    assert split_figures(pdf) == []


def test_title_breaks_before_the_reports_name_and_the_draft_is_signed(rendered):
    draft, pdf = rendered["sifaju"]
    lines = [re.sub(r"\s+", "", ln) for ln in pages_text(pdf)[0][:2]]
    assert lines == ["示例区司法局2023年", "法治政府建设年度情况报告"], lines
    last = [re.sub(r"\s+", "", ln) for ln in pages_text(pdf)[-1]]
    org, date = draft.signature()
    assert org in last and date in last and date == "2024年×月×日"


def test_the_readme_font_step_gives_song_and_hei_faces(rendered):
    """Copied as the README says, the aliases make LibreOffice use Noto Serif CJK for 仿宋/小标宋
    (not the Noto Sans CJK JP every family fell back to when fontconfig skipped the file)."""
    _, pdf = rendered["sifaju"]
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts.replace(" ", ""), fonts
