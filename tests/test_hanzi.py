"""繁体 questions and documents are read as 简体 (issue 18, part 5)."""

from __future__ import annotations

import pytest

from assistant.hanzi import to_simplified, traditional_share

REPORT = (
    "2021年东城区人防办法治政府建设年度情况报告\n"
    "一、主要举措和成效\n"
    "（一）加强组织领导。全年召开党组会议6次，专题研究部署法治政府建设工作。\n"
    "（二）严格执法。全年开展行政检查126次，查处违法案件8件。\n"
    "二、存在的不足和原因\n执法力量不足。\n"
)


@pytest.fixture
def assistant(fake_settings, tmp_path):
    from assistant.app import build_assistant

    path = tmp_path / "2021年东城区人防办法治政府建设年度情况报告.txt"
    path.write_text(REPORT, encoding="utf-8")
    asst = build_assistant(fake_settings)
    asst.ingest([path])
    yield asst
    asst.close()


def test_traditional_question_is_answered_like_its_simplified_twin(assistant):
    simplified = assistant.qa.ask("2021年召开了几次党组会议研究法治政府建设？")
    traditional = assistant.qa.ask("2021年召開了幾次黨組會議研究法治政府建設？")
    assert simplified.found and "召开党组会议6次" in simplified.answer
    assert traditional.answer == simplified.answer
    assert traditional.sources == simplified.sources
    hits = assistant.search("召開黨組會議", k=1)
    assert "召开党组会议6次" in hits[0].text


def test_traditional_citation_is_found(assistant):
    result = assistant.cite("行政處罰法第三十二條")
    assert result.found and result.law == "中华人民共和国行政处罚法" and result.article == "第三十二条"


def test_traditional_document_is_stored_simplified(assistant, tmp_path):
    path = tmp_path / "2022年法治政府建設年度情況報告.txt"
    path.write_text("2022年法治政府建設年度情況報告\n一、主要舉措和成效\n全年召開黨組會議9次，"
                    "開展行政檢查208次。\n", encoding="utf-8")
    report = assistant.ingest([path])
    assert report.results[0].status == "added"
    hits = assistant.search("2022年开展行政检查多少次", k=3, filters={"year": 2022})
    assert hits and "开展行政检查208次" in hits[0].text and "檢查" not in hits[0].text


def test_simplified_text_is_never_rewritten():
    # OpenCC's t2s alone turns 坏 into 坯 in some phrases; simplified text is left as written.
    text = "对严重破坏土地、侵占人民防空工程的，依法处罚；著作权、于是。"
    assert traditional_share(text) == 0.0
    assert to_simplified(text) is text
    assert to_simplified("乾隆年间的干燥气候") == "乾隆年间的干燥气候"  # 乾 alone is ambiguous; OpenCC keeps the phrase
    assert to_simplified("召開黨組會") == "召开党组会"
    # A simplified document quoting one traditional name stays as written.
    long = "人民防空工程平时使用应当符合规定。" * 50 + "（台灣同胞）"
    assert to_simplified(long, min_share=0.02) == long
