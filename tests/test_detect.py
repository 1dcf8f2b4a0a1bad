from pathlib import Path

import pytest

from assistant.core.ingest.detect import classify, parse_regulation
from assistant.core.ingest.loaders import LoadedDocument

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _doc(name: str, text: str) -> LoadedDocument:
    return LoadedDocument(Path(name), text, None, "0" * 16, "md")


def test_regulation_with_date_in_file_name():
    text = (
        "# 中华人民共和国行政处罚法\n\n1996年3月17日 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"
        + "\n".join(f"第{n}条 内容。" for n in "一二三")
    )
    info = classify(_doc("行政处罚法(2021-01-22).md", text))
    assert info.doc_type == "regulation"
    assert info.title == info.law == "中华人民共和国行政处罚法"
    assert (info.version_date, info.year) == ("2021-01-22", 2021)


def test_regulation_version_from_latest_revision_note():
    text = (
        "北京市信访条例\n2002年3月29日 北京市人大常委会通过\n2006年9月15日 北京市人大常委会修订\n"
        "2007年1月1日 起施行\n第一条 为了规范。\n第二条 本条例。\n第三条 适用。"
    )
    info = classify(_doc("北京市信访条例.md", text))
    assert (info.doc_type, info.law, info.version_date) == (
        "regulation",
        "北京市信访条例",
        "2006-09-15",
    )


def test_report_year_and_organization():
    text = (
        "2022年法治政府建设年度情况报告\n2022年，某某区司法局法治政府建设工作稳步推进。\n"
        "一、2022年推进法治政府建设的主要举措和成效\n二、存在的不足和原因\n四、2023年推进法治政府建设的主要安排"
    )
    info = classify(_doc("报告.txt", text))
    assert (info.doc_type, info.title, info.year, info.organization) == (
        "report",
        "2022年法治政府建设年度情况报告",
        2022,
        "某某区司法局",
    )


def test_other_document():
    info = classify(_doc("通知.txt", "关于召开会议的通知\n请各科室准时参加。"))
    assert (info.doc_type, info.title) == ("other", "关于召开会议的通知")


def test_parse_regulation_keeps_items_in_their_paragraph():
    items = parse_regulation(
        "第九条 种类：\n（一）警告；\n（二）罚款。\n第二款内容。\n第十条\n单独一行的条文。"
    )
    ninth, tenth = items
    assert ninth.paragraphs == [["第九条 种类：", "（一）警告；", "（二）罚款。"], ["第二款内容。"]]
    assert tenth.paragraphs == [["第十条 单独一行的条文。"]]


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_real_corpus_classification():
    from assistant.core.ingest.loaders import load_file

    regs = sorted((CORPUS / "regulations").glob("*.md"))
    infos = {p.name: classify(load_file(p)) for p in regs}
    assert all(i.doc_type == "regulation" for i in infos.values())
    assert infos["人民防空法(2009-08-27).md"].law == "中华人民共和国人民防空法"
    assert infos["宪法.md"].version_date == "2018-03-11"
    report = classify(
        load_file(CORPUS / "reports" / "2021年东城区人防办法治政府建设年度情况报告.txt")
    )
    assert (report.doc_type, report.year, report.organization) == ("report", 2021, "东城区人防办")
