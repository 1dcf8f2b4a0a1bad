from pathlib import Path

import pytest

from assistant.core.ingest.detect import DocInfo, classify
from assistant.core.ingest.loaders import load_file
from assistant.core.ingest.splitters import (
    sentences,
    split_document,
    split_generic,
    split_regulation,
    split_report,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
REPORT_NAME = "2021年东城区人防办法治政府建设年度情况报告"
REPORT_PDF = CORPUS / "pdf" / f"{REPORT_NAME}.pdf"
REPORT_TXT = CORPUS / "reports" / f"{REPORT_NAME}.txt"
PENALTY_LAW = CORPUS / "regulations" / "行政处罚法(2021-01-22).md"
SAMPLE_REPORT = ROOT / "knowledge" / "示例区人防办2023年法治政府建设年度情况报告.md"
needs_corpus = pytest.mark.skipif(not REPORT_TXT.exists(), reason="shared corpus not available")

LAW_INFO = DocInfo("regulation", "示例法", law="示例法", version_date="2021-01-22", year=2021)
REGULATION = """# 示例法

2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订

<!-- INFO END -->

## 第一章　总　　则

第一条 为了规范示例，制定本法。

### 第一节 一般规定

第十条 行政处罚的种类：

（一）警告、通报批评；

（二）罚款、没收违法所得；

法律可以设定各种行政处罚。

第十条之一 本条是新增的条文。

## 第二章 附则

第一百零一条 本法自公布之日起施行。
"""


def test_regulation_one_chunk_per_article_with_chapter_path():
    docs = split_regulation(REGULATION, LAW_INFO)
    assert [d.metadata["article"] for d in docs] == [
        "第一条",
        "第十条",
        "第十条之一",
        "第一百零一条",
    ]
    assert [d.metadata["article_no"] for d in docs] == [1, 10, 10, 101]
    first, tenth, tenth_a, last = docs
    assert first.page_content == "第一条 为了规范示例，制定本法。"
    assert first.metadata["chapter"] == "第一章 总则"
    assert (
        tenth.page_content
        == "第十条 行政处罚的种类：\n（一）警告、通报批评；\n（二）罚款、没收违法所得；\n法律可以设定各种行政处罚。"
    )
    assert tenth.metadata["chapter"] == "第一章 总则 / 第一节 一般规定"
    assert tenth_a.metadata["chapter"] == "第一章 总则 / 第一节 一般规定"
    assert last.metadata["chapter"] == "第二章 附则"
    assert "2021年1月22日" not in "".join(d.page_content for d in docs)
    meta = first.metadata
    assert (meta["law"], meta["version_date"], meta["year"], meta["doc_type"]) == (
        "示例法",
        "2021-01-22",
        2021,
        "regulation",
    )
    assert "paragraph" not in meta and "page" not in meta


def test_long_article_split_at_paragraph_boundaries():
    paragraphs = [f"第{n}款的内容" + "甲乙丙丁戊己庚辛。" * 12 for n in "一二三四五"]
    text = "第三十二条 " + "\n\n".join(paragraphs)
    docs = split_regulation(text, LAW_INFO, max_chars=250)
    assert len(docs) >= 3
    assert all(
        d.metadata["article"] == "第三十二条" and d.metadata["article_no"] == 32 for d in docs
    )
    assert docs[0].page_content.startswith("第三十二条 第一款的内容")
    assert docs[0].metadata["paragraph"] == 1
    for d in docs[1:]:
        n = d.metadata["paragraph"]
        assert d.page_content.startswith(f"第三十二条（续，第{n}款起） ")
    assert [d.metadata["paragraph"] for d in docs] == sorted(d.metadata["paragraph"] for d in docs)
    joined = "".join(d.page_content for d in docs)
    assert all(p in joined for p in paragraphs)


@pytest.mark.skipif(not PENALTY_LAW.exists(), reason="shared corpus not available")
def test_real_penalty_law():
    doc = load_file(PENALTY_LAW)
    docs = split_document(doc, classify(doc))
    assert len(docs) == 86
    art32 = next(d for d in docs if d.metadata["article_no"] == 32)
    assert art32.page_content.startswith(
        "第三十二条 当事人有下列情形之一，应当从轻或者减轻行政处罚："
    )
    assert art32.metadata["chapter"] == "第四章 行政处罚的管辖和适用"
    assert art32.metadata["law"] == "中华人民共和国行政处罚法"
    assert next(d for d in docs if d.metadata["article_no"] == 42).metadata["chapter"] == (
        "第五章 行政处罚的决定 / 第一节 一般规定"
    )
    assert [d.metadata["chunk_index"] for d in docs] == list(range(86))


@needs_corpus
def test_real_report_sections():
    doc = load_file(REPORT_TXT)
    info = classify(doc)
    docs = split_document(doc, info)
    assert len(docs) >= 15
    assert docs[0].metadata["section"] == "导语"
    assert docs[0].page_content.startswith("2021年，在区委区政府的领导下")
    fine = next(d for d in docs if "罚款伍千伍百元" in d.page_content)
    assert fine.metadata["section"].startswith(
        "一、2021年推进法治政府建设的主要举措和成效 > （二）"
    )
    assert " > 5. 严格落实行政执法“三项制度”" in fine.metadata["section"]
    shortfalls = next(d for d in docs if "一是对法治政府建设的理解和认识" in d.page_content)
    assert shortfalls.metadata["section"] == "二、推进法治政府建设存在的不足和原因"
    assert all(d.page_content.strip() and len(d.page_content) <= 800 for d in docs)
    assert all(
        d.metadata["year"] == 2021 and d.metadata["organization"] == "东城区人防办" for d in docs
    )
    # A heading without its own body is carried into its first child's chunk.
    first_part = next(
        d for d in docs if d.metadata["section"].endswith("（一）明确指导思想，健全工作机制")
    )
    assert first_part.page_content.startswith(
        "一、2021年推进法治政府建设的主要举措和成效\n（一）明确指导思想"
    )
    assert not any(
        d.page_content.strip() in {"一、2021年推进法治政府建设的主要举措和成效"} for d in docs
    )


@pytest.mark.skipif(not REPORT_PDF.exists(), reason="shared corpus not available")
def test_real_pdf_report_chunks_carry_pages():
    doc = load_file(REPORT_PDF)
    docs = split_document(doc, classify(doc))
    assert all("page" in d.metadata for d in docs)
    fine = next(d for d in docs if "罚款伍千伍百元" in d.page_content)
    assert fine.metadata["page"] == 4
    assert docs[0].metadata["page"] == 1
    shortfalls = next(
        d for d in docs if d.page_content.startswith("2、 推进法治政府建设存在的不足和原因")
    )
    assert shortfalls.metadata["page"] == 6
    duty = next(d for d in docs if d.page_content.startswith("三、党政主要负责人"))
    assert duty.metadata["page"] == 6  # heading on page 6, its first body paragraph on page 7
    assert docs[-1].metadata["page"] == 9


def test_long_report_section_split_at_sentence_ends():
    info = DocInfo("report", "报告", year=2023)
    body = "".join(f"第{i}项工作已经全面完成并取得明显成效。" for i in range(40))
    text = f"一、2023年推进法治政府建设的主要举措和成效\n（一）依法决策\n{body}"
    docs = split_report(text, info, max_chars=200)
    assert len(docs) > 3
    assert all(len(d.page_content) <= 200 + len("（一）依法决策（续）\n") for d in docs)
    assert docs[0].page_content.startswith(
        "一、2023年推进法治政府建设的主要举措和成效\n（一）依法决策\n第0项"
    )
    assert all(d.page_content.endswith("。") for d in docs)
    assert docs[1].page_content.startswith("（一）依法决策（续）\n")
    assert {d.metadata["section"] for d in docs} == {
        "一、2023年推进法治政府建设的主要举措和成效 > （一）依法决策"
    }


def test_sample_report_in_knowledge_folder():
    doc = load_file(SAMPLE_REPORT)
    info = classify(doc)
    assert (info.doc_type, info.year, info.organization) == ("report", 2023, "示例区人防办")
    docs = split_document(doc, info)
    assert len(docs) >= 15
    tops = {d.metadata["section"].split(" > ")[0][:2] for d in docs}
    assert {"导语", "一、", "二、", "三、", "四、"} <= tops


def test_sentences_keep_closing_quotes():
    assert sentences("他说：“好。”然后离开；结束") == ["他说：“好。”", "然后离开；", "结束"]


def test_generic_packs_sentences_with_overlap():
    info = DocInfo("other", "杂项")
    text = "\n".join(f"这是第{i}句话，内容比较普通。" for i in range(30))
    docs = split_generic(text, info, max_chars=60, overlap_sentences=1)
    assert len(docs) > 5
    assert all(len(d.page_content) <= 60 for d in docs)
    for a, b in zip(docs, docs[1:], strict=False):
        assert b.page_content.split("\n")[0] == a.page_content.split("\n")[-1]
    assert docs[0].metadata == {"doc_type": "other", "title": "杂项"}


def test_split_document_numbers_chunks(tmp_path):
    path = tmp_path / "说明.txt"
    path.write_text("普通说明文字。" * 200, "utf-8")
    doc = load_file(path)
    info = classify(doc)
    assert info.doc_type == "other"
    docs = split_document(doc, info)
    assert [d.metadata["chunk_index"] for d in docs] == list(range(len(docs)))


def test_scanned_regulation_articles_carry_their_page():
    """OCR breaks lines elsewhere than the article text is re-joined: the page is still found."""
    from pathlib import Path

    from assistant.core.ingest.detect import classify
    from assistant.core.ingest.loaders import LoadedDocument
    from assistant.core.ingest.splitters import split_document

    page1 = "北京市测试管理条例\n第一章 总则\n第一条 为了规范测试管理\n工作，制定本条例。"
    page2 = ("第二条 测试管理部门应当依法开展监督\n检查，检查情况应当记录\n在案。\n"
             "第三条 本条例自 2024年1月1日起\n施行。")
    text = "北京市测试管理条例\n第一章 总则\n第一条 为了规范测试管理工作，制定本条例。\n" \
           "第二条 测试管理部门应当依法开展监督检查，检查情况应当记录在案。\n第三条 本条例自2024年1月1日起施行。"
    doc = LoadedDocument(Path("北京市测试管理条例.pdf"), text, [(1, page1), (2, page2)], "h", "pdf")
    info = classify(doc)
    assert info.doc_type == "regulation"
    pages = {d.metadata["article"]: d.metadata.get("page") for d in split_document(doc, info)}
    assert pages == {"第一条": 1, "第二条": 2, "第三条": 2}
