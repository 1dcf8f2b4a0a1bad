"""Law-name canonicalisation, detection and successors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.lawlib import LawLibrary
from assistant.core.citations import LawNames

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "regulations"
KB_TITLES = [
    "中华人民共和国人民防空法", "优化营商环境条例", "信访工作条例", "信访条例", "北京市人民防空条例",
    "北京市优化营商环境条例", "北京市信访条例", "北京市实施《中华人民共和国档案法》办法",
    "北京市接诉即办工作条例", "中华人民共和国宪法", "中华人民共和国政府信息公开条例",
    "中华人民共和国档案法", "中华人民共和国行政处罚法", "中华人民共和国行政复议法",
    "行政执法机关移送涉嫌犯罪案件的规定", "中华人民共和国行政许可法", "规章制定程序条例",
    "重大行政决策程序暂行条例",
]  # fmt: skip


@pytest.fixture(scope="module")
def library_names() -> list[str]:
    return LawLibrary().law_names()


@pytest.fixture(scope="module")
def names(library_names) -> LawNames:
    return LawNames.from_resources([*library_names, *KB_TITLES])


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("人防法", "中华人民共和国人民防空法"),
        ("《人民防空法》", "中华人民共和国人民防空法"),
        ("《中华人民共和国行政处罚法》", "中华人民共和国行政处罚法"),
        ("行政处罚法", "中华人民共和国行政处罚法"),
        ("行诉法", "中华人民共和国行政诉讼法"),
        ("行复法", "中华人民共和国行政复议法"),
        ("保密法", "中华人民共和国保守国家秘密法"),
        ("政务处分法", "中华人民共和国公职人员政务处分法"),
        ("个保法", "中华人民共和国个人信息保护法"),
        ("国赔法", "中华人民共和国国家赔偿法"),
        ("宪法", "中华人民共和国宪法"),
        ("信访条例", "信访条例"),
        ("信访工作条例", "信访工作条例"),
        ("政府信息公开条例", "中华人民共和国政府信息公开条例"),
        ("《政府信息公开条例》", "中华人民共和国政府信息公开条例"),
        ("北京市实施《档案法》办法", "北京市实施《中华人民共和国档案法》办法"),
        ("北京市实施〈中华人民共和国档案法〉办法", "北京市实施《中华人民共和国档案法》办法"),
        ("接诉即办条例", "北京市接诉即办工作条例"),
        ("行政处罚法(2021-01-22)", "中华人民共和国行政处罚法"),
        ("中华人民共和国宪法（2018年修正）", "中华人民共和国宪法"),
        ("  《 行政许可法 》 ", "中华人民共和国行政许可法"),
    ],
)
def test_canonical(names: LawNames, written: str, full: str):
    assert names.canonical(written) == full


def test_unknown_and_absent_targets(library_names):
    assert LawNames.from_resources(library_names).canonical("不存在法") is None
    # Aliases only map to known laws: without the KB, 信访工作条例 is not known.
    only_library = LawNames.from_resources(library_names)
    assert only_library.canonical("接诉即办条例") is None
    assert only_library.canonical("信访工作条例") is None


def test_ambiguous_short_name_is_not_guessed():
    names = LawNames(["中华人民共和国测试法", "测试法"])
    assert names.canonical("测试法") == "测试法"  # an exact full name wins
    # Both shorten to 甲实施测试法办法: refuse to pick one.
    ambiguous = LawNames(["中华人民共和国甲实施测试法办法", "甲实施《中华人民共和国测试法》办法"])
    assert ambiguous.canonical("甲实施测试法办法") is None
    assert (
        ambiguous.canonical("甲实施《中华人民共和国测试法》办法")
        == "甲实施《中华人民共和国测试法》办法"
    )


def test_add_makes_name_known(library_names):
    names = LawNames.from_resources(library_names)
    assert names.canonical("北京人防条例") is None
    names.add("北京市人民防空条例")
    assert names.canonical("北京人防条例") == "北京市人民防空条例"
    assert "北京市人民防空条例" in names


def test_kb_titles_and_library_names_agree(names: LawNames, library_names):
    for title in KB_TITLES:
        assert names.canonical(title) == title
    assert names.canonical("中华人民共和国行政处罚法") in library_names


def test_corpus_file_titles_canonicalise(names: LawNames):
    if not CORPUS.is_dir():
        pytest.skip("共享语料不存在")
    for path in sorted(CORPUS.glob("*.md")):
        title = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        assert names.canonical(title) == title, path.name
        assert names.canonical(path.stem) == title, (
            path.name
        )  # file names like 行政处罚法(2021-01-22)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("人防工程平时利用的规定", ["中华人民共和国人民防空法", "北京市人民防空条例"]),
        ("防空地下室易地建设费", ["中华人民共和国人民防空法", "北京市人民防空条例"]),
        ("信访事项的办理时限", ["信访工作条例", "北京市信访条例"]),
        ("罚款的程序", ["中华人民共和国行政处罚法"]),
        ("依申请公开的答复期限", ["中华人民共和国政府信息公开条例"]),
        ("12345热线接诉即办考核", ["北京市接诉即办工作条例"]),
        ("营商环境", ["优化营商环境条例", "北京市优化营商环境条例"]),
    ],
)
def test_detect_topics(names: LawNames, query: str, expected: list[str]):
    assert names.detect(query) == expected


def test_detect_explicit_names_come_first(names: LawNames):
    found = names.detect("行诉法与《行政复议法》的衔接以及行政处罚问题")
    assert found[:2] == ["中华人民共和国行政复议法", "中华人民共和国行政诉讼法"]
    assert "中华人民共和国行政处罚法" in found
    assert names.detect("今天天气很好") == []


def test_detect_only_returns_known_names(library_names):
    names = LawNames.from_resources(library_names)
    assert names.detect("人防工程") == ["中华人民共和国人民防空法"]
    assert names.detect("信访事项") == []


def test_replaced_by(names: LawNames):
    assert names.replaced_by("信访条例") == ("信访工作条例", "2022-05-01")
    assert names.replaced_by("《信访条例》") == ("信访工作条例", "2022-05-01")
    assert names.replaced_by("信访工作条例") is None
    assert names.replaced_by("行政处罚法") is None


def test_suggest_close_names(names: LawNames):
    assert "中华人民共和国行政处罚法" in names.suggest("行政处法")
    assert len(names.suggest("行政处法", n=3)) <= 3
