"""Citing and verifying against the real law library plus the imported LawRefBook collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.lawlib import LawLibrary
from assistant.adapters.reglib import RegulationLibrary
from assistant.core.citations import CitationResolver, LawNames

VERIFY_TEXT = (
    "本单位依据《信访条例》第十条，建立了负责人信访接待日制度。"
    "《北京市优化营商环境条例》第七十二条规定：“有关政府部门应当与人民法院建立企业破产工作协调机制，"
    "支持符合破产条件的企业进行破产清算或者重整，协调解决破产企业信用修复、企业注销、社会稳定等问题。”"
)


@pytest.fixture(scope="module")
def regulations(lawrefbook: Path, tmp_path_factory: pytest.TempPathFactory) -> RegulationLibrary:
    lib = RegulationLibrary(tmp_path_factory.mktemp("reg") / "regulations.db")
    lib.import_folder(lawrefbook)
    return lib


@pytest.fixture(scope="module")
def resolver(regulations: RegulationLibrary) -> CitationResolver:
    lawlib = LawLibrary()
    return CitationResolver(
        lawlib, LawNames.from_resources(lawlib.law_names()), regulations=regulations
    )


@pytest.mark.parametrize(
    ("query", "law", "level", "version", "starts"),
    [
        ("《政府信息公开条例》第三十三条", "中华人民共和国政府信息公开条例", "行政法规",
         "2019年4月3日版，2019年5月15日起施行", "行政机关收到政府信息公开申请，能够当场答复的"),
        ("《信访工作条例》第三十五条", "信访工作条例", "行政法规",
         "2022年2月25日版，2022年5月1日起施行", "信访人对信访处理意见不服的"),
        ("《北京市接诉即办工作条例》第十条", "北京市接诉即办工作条例", "地方性法规（北京）",
         "2021年9月24日版，2021年9月24日起施行", "市民热线服务工作机构应当通过语音、文字等形式"),
        ("北京市接诉即办条例第十条", "北京市接诉即办工作条例", "地方性法规（北京）",
         "2021年9月24日版，2021年9月24日起施行", "市民热线服务工作机构应当通过语音、文字等形式"),
        ("《优化营商环境条例》第四十四条", "优化营商环境条例", "行政法规",
         "2019年10月22日版，2020年1月1日起施行", "证明事项应当有法律、法规或者国务院决定依据"),
        ("《最高人民法院关于审理政府信息公开行政案件若干问题的规定》第一条",
         "最高人民法院关于审理政府信息公开行政案件若干问题的规定", "司法解释",
         "2011年7月29日版，2011年8月13日起施行", "公民、法人或者其他组织认为下列政府信息公开工作中"),
        ("行政处罚法第三十二条", "中华人民共和国行政处罚法", "法律", "2021年1月22日版",
         "当事人有下列情形之一，应当从轻或者减轻行政处罚"),
    ],
)  # fmt: skip
def test_cite_gives_text_level_and_version_in_force(resolver, query, law, level, version, starts):
    result = resolver.resolve(query)
    assert result.found, result.message
    assert (result.law, result.level) == (law, level)
    assert result.version is not None and result.version.label() == version
    assert result.text.startswith(starts)
    assert level in result.heading() and version in result.heading()


def test_version_in_force_follows_the_date(resolver):
    today = resolver.resolve("《北京市优化营商环境条例》第七十二条")
    assert today.version.version_date == "2024-11-29"
    assert today.text.startswith("市有关政府部门应当根据违法行为的事实")
    in_2021 = resolver.resolve("《北京市优化营商环境条例》第七十二条", as_of=2021)
    assert in_2021.version.version_date == "2020-03-27"
    assert in_2021.text.startswith("有关政府部门应当与人民法院建立企业破产工作协调机制")


@pytest.mark.parametrize(
    ("query", "version_date", "paragraph_start"),
    [
        ("《北京市优化营商环境条例》（2020年）第七十二条", "2020-03-27", "有关政府部门应当与人民法院"),
        ("北京市优化营商环境条例(2020-03-27)第七十二条", "2020-03-27", "有关政府部门应当与人民法院"),
        ("《中华人民共和国政府信息公开条例》（国务院令第711号）第三十三条第二款", "2019-04-03",
         "行政机关不能当场答复的"),
    ],
)  # fmt: skip
def test_version_written_beside_the_title_is_used(resolver, query, version_date, paragraph_start):
    result = resolver.resolve(query)
    assert result.found and result.version.version_date == version_date
    assert result.text.startswith(paragraph_start)


def test_replaced_regulation_points_to_a_citable_successor_article(resolver):
    result = resolver.resolve("信访条例第十条")
    assert result.status == "superseded" and result.replaced_by == "信访工作条例"
    assert result.successor == "《信访工作条例》第十八条"
    successor = resolver.resolve(result.successor)
    assert successor.found and successor.full_text == result.successor_text


def test_verify_in_2025_flags_successor_and_changed_wording(resolver):
    checks = resolver.verify(VERIFY_TEXT, as_of=2025)
    assert [c.status for c in checks] == ["superseded", "outdated"]
    assert "《信访工作条例》第十八条" in checks[0].message
    changed = checks[1].message
    assert "2020年3月27日版" in changed and "应引用2024年11月29日版" in changed
    assert "市有关政府部门应当根据违法行为的事实" in changed  # the 2024 text of 第七十二条
    assert "见第八十二条" in changed  # where the 2020 wording went


def test_verify_in_2021_flags_neither(resolver):
    checks = resolver.verify(VERIFY_TEXT, as_of=2021)
    assert [c.status for c in checks] == ["ok", "ok"], [c.message for c in checks]
    assert "2020年3月27日版" in checks[1].message


def test_quote_of_this_regulation_inside_a_quoted_regulation(resolver):
    text = "《优化营商环境条例》第四十四条规定证明事项应当有依据，本条例第四十五条又规定了政务服务。"
    checks = resolver.verify(text, as_of=2025)
    assert [(c.citation.law, c.citation.article_no) for c in checks] == [
        ("优化营商环境条例", 44), ("优化营商环境条例", 45)
    ]
    assert all(c.status == "ok" for c in checks)


def test_citation_forms_dataset_gold_exists(regulations: RegulationLibrary):
    """Every expected article (and 款/项) of citation_forms_v1 exists in the version expected."""
    import yaml

    from assistant.core.citations import split_paragraphs
    from assistant.core.citations.parser import _ITEM_LINE

    path = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "citation_forms_v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["items"]
    assert len(items) >= 60 and {i["split"] for i in items} == {"dev", "test"}
    assert "NEVER tuned on" in path.read_text(encoding="utf-8")
    lawlib = LawLibrary()
    for item in items:
        expect = item["expect"]
        versions = regulations.versions(expect["law"])
        if versions:
            named = [v for v in versions if v.version_date == expect.get("version_date")]
            article = regulations.find_article((named or versions[-1:])[0], expect["article_no"])
        else:
            article = lawlib.find_article(expect["law"], expect["article_no"])
        assert article is not None, item["id"]
        paragraphs = split_paragraphs(article.text)
        paragraph = expect.get("paragraph")
        assert paragraph is None or paragraph <= len(paragraphs), item["id"]
        if expect.get("item"):
            lines = paragraphs[paragraph - 1] if paragraph else max(paragraphs, key=len)
            assert expect["item"] <= sum(bool(_ITEM_LINE.match(x)) for x in lines), item["id"]
