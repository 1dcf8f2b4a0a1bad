"""One definition of the report: structure file, numerals and PDF repair, read by every user."""

from __future__ import annotations

import shutil

import pytest

from assistant.core.drafting.checks import check_structure
from assistant.core.drafting.report import parse_report
from assistant.core.ingest.detect import mandated_part
from assistant.core.ingest.normalize import repair_report_text
from assistant.core.report.structure import SECTION_KEYS, load_structure
from assistant.numerals import chinese_to_int, chinese_to_number
from assistant.prompts import PromptError, default_prompts_dir


def test_structure_file_defines_every_part_in_order():
    s = load_structure()
    assert s.keys == SECTION_KEYS
    assert [p.number for p in s.required] == [1, 2, 3, 4]
    assert s.labels["plans"] == "四、下一年度主要安排"
    assert s.heading("plans", "区司法局", 2023) == "四、2024年推进法治政府建设的主要安排"
    assert s.title("区司法局", 2023) == "区司法局2023年法治政府建设年度情况报告"
    assert s.list_fields["first_responsible_person"].startswith("三、")


@pytest.mark.parametrize(("line", "key"), [
    ("一、2021年推进法治政府建设的主要举措和成效", "measures"),
    ("2、 推进法治政府建设存在的不足和原因", "shortcomings"),
    ("## 三、党政主要负责人履行推进法治建设第一责任人职责情况", "responsible"),
    ("四、2022年工作安排", "plans"),
    ("3.补齐执法力量不足短板", None),  # an item, not part 二
    ("5.12防灾减灾日开展宣传", None),
    ("二、存在的不足和原因。这一句是正文。", None),
])
def test_heading_key_needs_the_parts_own_number_and_a_keyword(line, key):
    assert load_structure().heading_key(line) == key


def test_every_reader_takes_keywords_from_the_structure_file(tmp_path):
    """A keyword changed in the file changes ingest detection, report parsing and the checks."""
    folder = tmp_path / "prompts"
    shutil.copytree(default_prompts_dir() / "drafting", folder / "drafting")
    path = folder / "drafting" / "structure_v1.yaml"
    path.write_text(path.read_text("utf-8").replace("[安排, 计划, 打算, 思路]", "[展望]"), "utf-8")
    custom = load_structure(prompts_dir=folder)
    text = "一、2023年主要举措和成效\n正文。\n四、2024年工作展望\n展望正文。"
    assert mandated_part("四、2024年工作展望", custom) == 4
    assert mandated_part("四、2024年工作展望") is None
    assert parse_report(text, custom).section("plans").paragraphs == ["展望正文。"]
    assert parse_report(text).section("plans") is None
    codes = [w.message for w in check_structure(text, custom)]
    assert not any("四、" in m for m in codes)


def test_structure_file_must_define_the_six_parts(tmp_path):
    folder = tmp_path / "prompts"
    shutil.copytree(default_prompts_dir() / "drafting", folder / "drafting")
    path = folder / "drafting" / "structure_v1.yaml"
    path.write_text(path.read_text("utf-8").replace("key: other", "key: extra"), "utf-8")
    with pytest.raises(PromptError, match="依次定义"):
        load_structure(prompts_dir=folder)


def test_one_numeral_parser_reads_capital_amounts_and_scaled_arabic():
    assert chinese_to_int("伍千伍百") == 5500
    assert chinese_to_int("壹万贰仟") == 12000
    assert chinese_to_int("一百零一") == 101
    assert chinese_to_number("1.2万") == 12000
    assert chinese_to_number("2千") == 2000
    assert chinese_to_number("二十三") == 23
    assert chinese_to_number("abc") is None


def test_report_repair_maps_radicals_and_half_width_punctuation():
    raw = "⼈防⼯作(⼀)部⻔:⻓期,坚持;1,200元"
    assert repair_report_text(raw) == "人防工作（一）部门：长期，坚持；1,200元"
