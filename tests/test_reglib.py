"""The regulation library: reading LawRefBook files and importing the real collection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.adapters.lawrefbook import parse_text, read_file
from assistant.adapters.reglib import RegulationLibrary

SAMPLE = """# 北京市示例条例

2020年3月27日 北京市第十五届人民代表大会常务委员会第二十次会议通过
2021年1月1日 中华人民共和国国务院令第711号修订
2021年3月1日 施行

<!-- INFO END -->

## 第一章 总则

第一条 为了示例，制定本条例。

### 第一节 一般规定

第二条 本市应当做到下列事项：

(一)公开；

(二)便民。

前款规定以外的事项，由市人民政府规定。

第二条之一 补充的条文。
"""


def test_parse_text_reads_dates_chapters_and_paragraphs():
    doc = parse_text(SAMPLE, "北京市示例条例(2021-01-01).md", "地方性法规", "北京")
    assert (doc.title, doc.level, doc.region) == ("北京市示例条例", "地方性法规", "北京")
    assert (doc.published, doc.revised, doc.effective) == ("2020-03-27", "2021-01-01", "2021-03-01")
    assert doc.version_date == "2021-01-01" and not doc.effective_inferred
    assert doc.decrees == ["中华人民共和国国务院令第711号"]
    first, second, extra = doc.articles
    assert (first.article_no, first.label, first.chapter) == (1, "第一条", "第一章 总则")
    assert second.chapter == "第一章 总则 / 第一节 一般规定"
    assert second.text.split("\n") == [
        "本市应当做到下列事项：", "(一)公开；", "(二)便民。", "前款规定以外的事项，由市人民政府规定。"
    ]
    assert (extra.article_no, extra.sub, extra.label) == (2, 1, "第二条之一")


def test_effective_date_from_final_article_when_info_has_none():
    text = SAMPLE.replace("2021年3月1日 施行\n", "") + "\n第三条 本条例自公布之日起施行。\n"
    doc = parse_text(text, "北京市示例条例(2021-01-01).md", "地方性法规", "北京")
    assert doc.effective == "2021-01-01" and doc.effective_inferred
    dated = SAMPLE.replace("2021年3月1日 施行\n", "") + "\n第三条 本条例自2021年6月1日起施行。\n"
    assert parse_text(dated, "x(2021-01-01).md", "行政法规").effective == "2021-06-01"


@pytest.fixture(scope="session")
def imported(lawrefbook: Path, tmp_path_factory: pytest.TempPathFactory) -> RegulationLibrary:
    lib = RegulationLibrary(tmp_path_factory.mktemp("reglib") / "regulations.db")
    report = lib.import_folder(lawrefbook)
    assert report.errors == [] and report.added == 1338 and report.articles == 48088
    return lib


def test_import_real_collection_versions_and_levels(imported: RegulationLibrary):
    versions = imported.versions("北京市优化营商环境条例")
    assert [(v.version_date, v.effective) for v in versions] == [
        ("2020-03-27", "2020-04-28"), ("2024-11-29", "2024-11-29")
    ]
    assert {(v.level, v.region) for v in versions} == {("地方性法规", "北京")}
    old = imported.find_article(versions[0], 72)
    assert old is not None and old.text.startswith("有关政府部门应当与人民法院建立企业破产工作协调机制")
    assert old.chapter == "第五章 法治保障"
    (gov,) = imported.versions("中华人民共和国政府信息公开条例")
    assert gov.level == "行政法规" and "中华人民共和国国务院令第711号" in gov.decrees
    assert gov.effective == "2019-05-15"
    police = [v for v in imported.all_versions() if v.level == "部门规章" and v.department == "公安部"]
    assert police, "部门规章/公安部 files keep their department"


def test_reimport_is_idempotent(imported: RegulationLibrary, lawrefbook: Path):
    generation = imported.generation()
    report = imported.import_folder(lawrefbook)
    assert (report.added, report.replaced, report.removed, report.unchanged) == (0, 0, 0, 1338)
    assert imported.generation() == generation


def test_changed_file_replaces_its_version_and_bad_files_are_reported(
    lawrefbook: Path, tmp_path: Path
):
    folder = tmp_path / "Laws" / "地方性法规" / "北京"
    folder.mkdir(parents=True)
    name = "北京市接诉即办工作条例(2021-09-24).md"
    shutil.copy(lawrefbook / "地方性法规" / "北京" / name, folder / name)
    (folder / "坏文件.md").write_bytes("# 标题\n".encode("gbk") + b"\xff\xfe")
    (folder / "无标题.md").write_text("第一条 没有标题。", encoding="utf-8")
    lib = RegulationLibrary(tmp_path / "data" / "regulations.db")
    first = lib.import_folder(tmp_path / "Laws")
    assert first.added == 1 and len(first.errors) == 2
    assert any("坏文件.md" in e and "UTF-8" in e for e in first.errors)
    assert any("无标题.md" in e and "标题" in e for e in first.errors)

    text = (folder / name).read_text(encoding="utf-8").replace("第十条 ", "第十条 【改】", 1)
    (folder / name).write_text(text, encoding="utf-8")
    second = lib.import_folder(tmp_path / "Laws")
    assert (second.added, second.replaced) == (0, 1)
    (version,) = lib.versions("北京市接诉即办工作条例")
    article = lib.find_article(version, 10)
    assert article is not None and article.text.startswith("【改】")

    (folder / name).unlink()
    third = lib.import_folder(tmp_path / "Laws")
    assert third.removed == 1 and lib.versions("北京市接诉即办工作条例") == []


def test_read_file_outside_level_folder_is_a_chinese_error(tmp_path: Path):
    path = tmp_path / "某条例.md"
    path.write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(ValueError, match="无法判断效力层级"):
        read_file(path)


def test_cli_library_import_and_list(lawrefbook: Path, tmp_path: Path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from assistant.front.cli import app

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    result = runner.invoke(app, ["library", "import", str(lawrefbook / "地方性法规" / "北京"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["added"], report["articles"], report["errors"]) == (187, 8309, [])
    listed = json.loads(runner.invoke(app, ["library", "list", "--json"]).stdout)
    assert listed == [{"level": "地方性法规（北京）", "regulations": 178, "versions": 187, "articles": 8309}]
    missing = runner.invoke(app, ["library", "import", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "找不到目录" in missing.output
