from pathlib import Path

import pytest

from assistant.core.ingest.normalize import join_broken_lines, normalize_text

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
REPORT_NAME = "2021年东城区人防办法治政府建设年度情况报告"
REPORT_PDF = CORPUS / "pdf" / f"{REPORT_NAME}.pdf"
REPORT_TXT = CORPUS / "reports" / f"{REPORT_NAME}.txt"


def test_kangxi_and_radical_supplement_become_ordinary_ideographs():
    raw = "东城区⼈防办⼀、⾏政执法 部⻔ ⻓期 ⼈⺠ 党⻛ ⻢上 ⻜⾏ ⻅⾯ ⻋辆 ⻩⾦ ⻄城 ⻓城 ⻘年 ⻥⻦ ⻬⼼"
    assert (
        normalize_text(raw)
        == "东城区人防办一、行政执法 部门 长期 人民 党风 马上 飞行 见面 车辆 黄金 西城 长城 青年 鱼鸟 齐心"
    )


def test_full_width_punctuation_is_kept():
    text = "（一）依法行政：主要举措，成效；“三项制度”……！？《行政处罚法》——完毕。"
    assert normalize_text(text) == text


def test_full_width_letters_and_digits_become_ascii():
    assert normalize_text("罚款５５００元，ＡＢｃ") == "罚款5500元，ABc"


def test_bom_line_ends_and_spaces():
    raw = "\ufeff第一行  有   多个空格\r\n\u3000\u3000第二行缩进\r\n\r\n\r\n\r\n第三行\t末尾 \r\n"
    assert normalize_text(raw) == "第一行 有 多个空格\n第二行缩进\n\n第三行 末尾"


def test_zero_width_characters_are_removed():
    assert normalize_text("法\u200b治\u200d政府") == "法治政府"


def test_join_breaks_at_headings_and_sentence_ends_without_indentation():
    text = "\n".join(
        [
            "一、2021年推进法治政府建设的主要举措和成效",
            "（一）明确指导思想，健全工作机制",
            "东城区人防办党组强化法律意识和法律思维，树立“崇",
            "文争先精神”，开展普法学法。",
            "1.健全民主决策机制，提升科学决策水平。严格按照重大",
            "决策行为集体讨论的原则，对重大事项进行研究，利用",
            "5.12防灾减灾日开展宣传。",
            "第三条 行政处罚的设定和实施，适用本法。",
        ]
    )
    assert join_broken_lines(text).split("\n") == [
        "一、2021年推进法治政府建设的主要举措和成效",
        "（一）明确指导思想，健全工作机制",
        "东城区人防办党组强化法律意识和法律思维，树立“崇文争先精神”，开展普法学法。",
        "1.健全民主决策机制，提升科学决策水平。严格按照重大决策行为集体讨论的原则，对重大事项进行研究，利用5.12防灾减灾日开展宣传。",
        "第三条 行政处罚的设定和实施，适用本法。",
    ]


def test_join_uses_first_line_indentation_when_present():
    # A full printed line may end with 。 in mid-paragraph; only indentation tells.
    text = "\n".join(
        [
            "  东城区人防办党组强化法律意识和法律思维，树立精神，开展",
            "普法学法工作，确保了对依法行政工作的组织领导。",
            "办公室聘请了专门的法律顾问，协助开展法治建设相关工作。",
            "  依法开展人防各项工作，人防各项事业依法全面得到加强。",
            "  第三段落只有一行。",
        ]
    )
    assert join_broken_lines(text).split("\n") == [
        "东城区人防办党组强化法律意识和法律思维，树立精神，开展普法学法工作，确保了对依法行政工作的组织领导。"
        "办公室聘请了专门的法律顾问，协助开展法治建设相关工作。",
        "依法开展人防各项工作，人防各项事业依法全面得到加强。",
        "第三段落只有一行。",
    ]


def test_join_keeps_blank_line_paragraph_breaks_and_english_spaces():
    text = "The rule of law\nreport continues\n\n新段落开始"
    assert join_broken_lines(text) == "The rule of law report continues\n新段落开始"


@pytest.mark.skipif(not REPORT_PDF.exists(), reason="shared corpus not available")
def test_real_pdf_searches_like_the_txt_version():
    from pypdf import PdfReader

    reader = PdfReader(REPORT_PDF)
    raw = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    pdf_text = join_broken_lines(raw)
    assert "开展行政检查500余人次，查处人防违法违规案件4件，罚款伍千伍百元" in pdf_text
    assert "东城区人防办法治政府建设工作" in pdf_text
    assert not any(0x2E80 <= ord(ch) <= 0x2FDF for ch in pdf_text)

    txt_lines = [ln.strip() for ln in normalize_text(REPORT_TXT.read_text("utf-8")).split("\n")]
    txt_lines = [ln for ln in txt_lines if ln]
    found = sum(1 for ln in txt_lines if ln in pdf_text)
    ratio = found / len(txt_lines)
    print(f"PDF vs txt line ratio: {found}/{len(txt_lines)} = {ratio:.3f}")
    assert ratio >= 0.95
