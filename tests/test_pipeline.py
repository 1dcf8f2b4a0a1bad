"""Ingestion pipeline: idempotence, replacement, bad files, resume, versions, law import."""

from __future__ import annotations

import shutil

import pytest

from assistant.adapters.embeddings import HashEmbeddings
from assistant.adapters.lawlib import LawLibrary
from assistant.adapters.store import make_store
from assistant.core.citations import LawNames
from assistant.core.ingest.pipeline import Ingestor

from .conftest import REGULATIONS, REPORT_TXT

REG = """# 测试管理条例

2020年1月1日 发布

<!-- INFO END -->

## 第一章 总则

第一条 为了规范测试管理工作，制定本条例。

第二条 本条例适用于本区的测试管理活动。

第三条 测试管理部门应当依法履行监督检查职责。
"""


@pytest.fixture
def lawlib():
    return LawLibrary()


@pytest.fixture
def ingestor(fake_settings, lawlib):
    store = make_store(fake_settings, HashEmbeddings())
    names = LawNames.from_resources(lawlib.law_names())
    return Ingestor(store, lawlib, names)


def test_reingest_same_folder_adds_nothing(ingestor, tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "测试管理条例.md").write_text(REG, encoding="utf-8")
    (folder / "说明.txt").write_text("这是一个说明文件。内容用于测试。", encoding="gb18030")
    first = ingestor.ingest_paths([folder])
    count = ingestor.store.count()
    assert count >= 4 and first.chunks_written == count
    second = ingestor.ingest_paths([folder])
    assert ingestor.store.count() == count
    assert second.chunks_written == 0
    assert {r.status for r in second.results} == {"unchanged"}


def test_changed_file_replaces_old_chunks(ingestor, tmp_path):
    path = tmp_path / "测试管理条例.md"
    path.write_text(REG, encoding="utf-8")
    ingestor.ingest_paths([path])
    path.write_text(REG.replace("第三条 测试管理部门应当依法履行监督检查职责。", "第三条 已修改的内容。\n\n第四条 新增条文。"), encoding="utf-8")
    report = ingestor.ingest_paths([path])
    assert report.results[0].status == "replaced"
    texts = [c.text for c in ingestor.store.iter_chunks()]
    assert any("新增条文" in t for t in texts)
    assert not any("监督检查职责" in t for t in texts)
    assert len(texts) == 4


def test_corrupt_pdf_does_not_stop_batch(ingestor, tmp_path):
    (tmp_path / "坏文件.pdf").write_bytes(b"%PDF-1.4 garbage \x00\x01")
    (tmp_path / "好文件.md").write_text(REG, encoding="utf-8")
    (tmp_path / "表格.xls").write_bytes(b"abc")
    report = ingestor.ingest_paths([tmp_path / "坏文件.pdf", tmp_path / "好文件.md", tmp_path / "表格.xls", tmp_path / "不存在.txt"])
    by_source = {r.source: r for r in report.results}
    assert by_source["坏文件.pdf"].status == "error" and "坏文件.pdf" in by_source["坏文件.pdf"].message
    assert by_source["表格.xls"].status == "error"
    assert by_source["不存在.txt"].status == "error" and "找不到" in by_source["不存在.txt"].message
    assert by_source["好文件.md"].status == "added"
    assert ingestor.store.count() == 3


def test_interrupted_ingest_resumes(ingestor, tmp_path, monkeypatch):
    path = tmp_path / "测试管理条例.md"
    path.write_text(REG, encoding="utf-8")
    ingestor.store.write_batch = 1
    real_add = ingestor.store._collection.upsert
    calls = {"n": 0}

    def flaky(**kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # simulates Ctrl-C / crash mid-run
        return real_add(**kw)

    monkeypatch.setattr(ingestor.store._collection, "upsert", flaky)
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest_paths([path])
    assert ingestor.store.count() == 1  # the first batch was saved
    monkeypatch.setattr(ingestor.store._collection, "upsert", real_add)
    report = ingestor.ingest_paths([path])
    assert report.chunks_written == 2
    assert ingestor.store.count() == 3


def test_superseded_regulation_is_marked(ingestor, corpus):
    ingestor.ingest_paths([REGULATIONS / "信访条例(2005-01-10).md", REGULATIONS / "信访工作条例(2022-02-25).md"])
    status = {}
    for c in ingestor.store.iter_chunks(include_text=False):
        status[c.metadata["source"]] = (c.metadata["status"], c.metadata.get("replaced_by"))
    assert status["信访条例(2005-01-10).md"] == ("superseded", "信访工作条例")
    assert status["信访工作条例(2022-02-25).md"][0] == "current"


def test_same_law_from_two_sources_keeps_one_current(ingestor, corpus, lawlib):
    ingestor.import_laws(["中华人民共和国人民防空法"])
    ingestor.ingest_paths([REGULATIONS / "人民防空法(2009-08-27).md"])
    statuses = {}
    for c in ingestor.store.iter_chunks(include_text=False):
        statuses[c.metadata["source"]] = c.metadata["status"]
    assert sorted(statuses.values()) == ["current", "superseded"]
    assert statuses["法律库/中华人民共和国人民防空法"] == "current"


def test_import_laws_is_idempotent(ingestor, lawlib):
    n_articles = len(lawlib.article_numbers("中华人民共和国人民防空法"))
    report = ingestor.import_laws(["中华人民共和国人民防空法"])
    assert ingestor.store.count() >= n_articles
    assert report.results[0].chunks == ingestor.store.count()
    again = ingestor.import_laws(["中华人民共和国人民防空法"])
    assert again.chunks_written == 0
    meta = next(ingestor.store.iter_chunks({"article_no": 49})).metadata
    assert meta["law"] == "中华人民共和国人民防空法" and meta["article"] == "第四十九条"


def test_report_metadata_from_real_report(ingestor, corpus, tmp_path):
    shutil.copy(REPORT_TXT, tmp_path / REPORT_TXT.name)
    ingestor.ingest_paths([tmp_path / REPORT_TXT.name])
    chunks = list(ingestor.store.iter_chunks({"doc_type": "report"}))
    assert len(chunks) >= 15
    fine = [c for c in chunks if "罚款伍千伍百元" in c.text]
    assert fine and fine[0].metadata["year"] == 2021
    assert fine[0].metadata["section"].startswith("一、")

