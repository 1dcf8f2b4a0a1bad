"""Faults a tester found in ingestion (issue 12), each kept as a test.

Same file name in two folders, oversized files, interrupted documents, hidden files, copies
under a new name, a vector database that goes away, and upload type/year detection.
"""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from assistant.adapters.embeddings import HashEmbeddings
from assistant.adapters.store import StoreError, make_store
from assistant.config import IngestSettings
from assistant.core.document_catalog import list_documents
from assistant.core.ingest.pipeline import Ingestor
from assistant.front.cli import app

REPORT_2021 = "2021年法治政府建设年度情况报告\n一、主要举措和成效\n全年开展行政检查126次。\n二、存在的不足和原因\n执法力量不足。"
REPORT_2022 = "2022年法治政府建设年度情况报告\n一、主要举措和成效\n全年开展行政检查208次。\n二、存在的不足和原因\n培训不够。"


@pytest.fixture
def ingestor(fake_settings):
    return Ingestor(make_store(fake_settings, HashEmbeddings()))


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _texts(store):
    return [c.text for c in store.iter_chunks()]


def test_same_file_name_in_two_folders_keeps_both(ingestor, tmp_path):
    first = _write(tmp_path / "2021" / "年度情况报告.txt", REPORT_2021)
    second = _write(tmp_path / "2022" / "年度情况报告.txt", REPORT_2022)
    ingestor.ingest_paths([first])
    report = ingestor.ingest_paths([second])
    (result,) = report.results
    assert result.status == "added" and result.source == "2022/年度情况报告.txt"
    assert "同名" in result.message and "--replace" in result.message
    texts = "\n".join(_texts(ingestor.store))
    assert "126次" in texts and "208次" in texts
    docs = {d.source: d for d in list_documents(ingestor.store)}
    assert set(docs) == {"年度情况报告.txt", "2022/年度情况报告.txt"}
    assert docs["年度情况报告.txt"].path == str(first.resolve())
    assert docs["2022/年度情况报告.txt"].path == str(second.resolve())
    # Re-ingesting either file finds its own document again.
    again = ingestor.ingest_paths([first, second])
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]


def test_same_name_in_one_batch_keeps_both(ingestor, tmp_path):
    _write(tmp_path / "kb" / "a" / "报告.txt", REPORT_2021)
    _write(tmp_path / "kb" / "b" / "报告.txt", REPORT_2022)
    report = ingestor.ingest_paths([tmp_path / "kb"])
    assert sorted(r.source for r in report.results) == ["b/报告.txt", "报告.txt"]
    assert {r.status for r in report.results} == {"added"}


def test_replace_option_replaces_the_document_of_that_name(ingestor, tmp_path):
    ingestor.ingest_paths([_write(tmp_path / "2021" / "年度情况报告.txt", REPORT_2021)])
    report = ingestor.ingest_paths([_write(tmp_path / "new" / "年度情况报告.txt", REPORT_2022)], replace=True)
    assert report.results[0].status == "replaced"
    texts = "\n".join(_texts(ingestor.store))
    assert "208次" in texts and "126次" not in texts


def test_copy_under_a_new_name_is_listed_under_that_name(ingestor, tmp_path):
    original = _write(tmp_path / "原件.txt", REPORT_2021)
    copy = _write(tmp_path / "副本.txt", REPORT_2021)
    ingestor.ingest_paths([original])
    report = ingestor.ingest_paths([copy])
    assert report.results[0].status == "added" and report.results[0].source == "副本.txt"
    assert {d.source for d in list_documents(ingestor.store)} == {"原件.txt", "副本.txt"}


def test_hidden_and_unsupported_files_in_a_folder_are_skipped_with_notice(ingestor, tmp_path):
    _write(tmp_path / "kb" / "报告.txt", REPORT_2021)
    _write(tmp_path / "kb" / ".草稿.txt", REPORT_2022)
    (tmp_path / "kb" / "表格.xlsx").write_bytes(b"PK")
    report = ingestor.ingest_paths([tmp_path / "kb"])
    by_name = {r.source: r for r in report.results}
    assert by_name["报告.txt"].status == "added"
    assert by_name[".草稿.txt"].status == "skipped" and "隐藏文件" in by_name[".草稿.txt"].message
    assert by_name["表格.xlsx"].status == "skipped" and "不支持" in by_name["表格.xlsx"].message
    assert "208次" not in "\n".join(_texts(ingestor.store))


def test_file_over_the_size_limit_is_refused_in_chinese(fake_settings, tmp_path):
    ingestor = Ingestor(make_store(fake_settings, HashEmbeddings()), limits=IngestSettings(max_file_mb=1))
    big = _write(tmp_path / "超大.txt", "全年开展行政检查。\n" * 120_000)
    report = ingestor.ingest_paths([big])
    (result,) = report.results
    assert result.status == "error" and "超过上限 1 MB" in result.message and "ingest.max_file_mb" in result.message
    assert ingestor.store.count() == 0


def test_text_over_the_length_limit_is_refused_in_chinese(fake_settings, tmp_path):
    ingestor = Ingestor(make_store(fake_settings, HashEmbeddings()), limits=IngestSettings(max_text_chars=5000))
    long = _write(tmp_path / "长文.txt", "全年开展行政检查。\n" * 1000)
    result = ingestor.ingest_paths([long]).results[0]
    assert result.status == "error" and "ingest.max_text_chars" in result.message and "拆分" in result.message
    assert ingestor.store.count() == 0


def test_interrupted_document_is_listed_incomplete_until_finished(ingestor, tmp_path, monkeypatch):
    path = _write(tmp_path / "报告.txt", REPORT_2021 + "\n" + "\n".join(f"第{i}项工作已完成。" * 30 for i in range(8)))
    ingestor.store.write_batch = 1
    real = ingestor.store._collection.upsert
    calls = {"n": 0}

    def dies_on_second_batch(**kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(**kw)

    monkeypatch.setattr(ingestor.store._collection, "upsert", dies_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest_paths([path])
    (doc,) = list_documents(ingestor.store)
    assert doc.status == "incomplete" and doc.to_json()["status_label"].startswith("未完成")
    monkeypatch.setattr(ingestor.store._collection, "upsert", real)
    ingestor.ingest_paths([path])
    (doc,) = list_documents(ingestor.store)
    assert doc.status == "current"


def _connection_lost(**kw):
    raise httpx.ConnectError("[Errno 111] Connection refused")


def test_store_going_away_mid_batch_keeps_results_and_work_done(ingestor, tmp_path, monkeypatch):
    a = _write(tmp_path / "a.txt", REPORT_2021)
    b = _write(tmp_path / "b.txt", REPORT_2022)
    bad = _write(tmp_path / "c.docx", "not a docx")
    ingestor.ingest_paths([a])
    before = ingestor.store.count()
    monkeypatch.setattr(ingestor.store._collection, "upsert", _connection_lost)
    report = ingestor.ingest_paths([a, b, bad])
    by_name = {r.source: r for r in report.results}
    assert "连接中断" in report.error and "Errno" not in report.error
    assert by_name["a.txt"].status == "unchanged"
    assert by_name["b.txt"].status == "error" and "连接中断" in by_name["b.txt"].message
    assert by_name["c.docx"].status == "error"
    monkeypatch.undo()
    assert ingestor.store.count() == before


def test_store_errors_are_translated_at_the_adapter(ingestor, monkeypatch):
    monkeypatch.setattr(ingestor.store._collection, "count", lambda: _connection_lost())
    with pytest.raises(StoreError) as info:
        ingestor.store.count()
    assert "向量数据库" in str(info.value) and "Errno" not in str(info.value)


def test_cli_ingest_reports_lost_store_in_chinese_with_table(tmp_path, monkeypatch):
    for key in list(__import__("os").environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    path = _write(tmp_path / "报告.txt", REPORT_2021)
    from assistant.adapters import store as store_module

    real_add = store_module.KnowledgeStore.add

    def add(self, *args, **kwargs):
        monkeypatch.setattr(self._collection, "upsert", _connection_lost)
        return real_add(self, *args, **kwargs)

    monkeypatch.setattr(store_module.KnowledgeStore, "add", add)
    result = CliRunner().invoke(app, ["ingest", str(path), "--json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    data = json.loads(result.stdout)
    assert data["results"][0]["status"] == "error" and "连接中断" in data["error"]


def test_cli_kb_list_shows_where_each_document_came_from(tmp_path, monkeypatch):
    for key in list(__import__("os").environ):
        if key.startswith("ASSISTANT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(tmp_path / "knowledge"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING__BACKEND", "fake")
    first = _write(tmp_path / "2021" / "年度情况报告.txt", REPORT_2021)
    second = _write(tmp_path / "2022" / "年度情况报告.txt", REPORT_2022)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(first)]).exit_code == 0
    out = runner.invoke(app, ["ingest", str(second)])
    assert out.exit_code == 0 and "已更新（替换旧版本）" not in out.stdout and "已添加" in out.stdout
    docs = json.loads(runner.invoke(app, ["kb", "list", "--json"]).stdout)
    assert sorted((d["source"], d["path"], d["year"]) for d in docs) == [
        ("2022/年度情况报告.txt", str(second.resolve()), 2022),
        ("年度情况报告.txt", str(first.resolve()), 2021),
    ]


def test_upload_type_and_year_come_from_name_title_and_text(ingestor, tmp_path):
    path = _write(tmp_path / "2025年法治宣传工作小结.txt",
                  "2025年法治宣传工作小结\n今年共开展普法宣传活动12场，发放宣传材料3000份。")
    (result,) = ingestor.ingest_paths([path]).results
    assert result.doc_type == "report"
    (doc,) = list_documents(ingestor.store)
    assert doc.year == 2025 and doc.doc_type == "report"


def test_upload_page_reports_lost_store_in_chinese_and_cleans_uploads(fake_settings, tmp_path, monkeypatch):
    from assistant.app import build_assistant
    from assistant.front.ui import knowledge

    asst = build_assistant(fake_settings)
    kept = _write(tmp_path / "旧报告.txt", REPORT_2021)
    knowledge.upload_files(asst, [str(kept)], progress=lambda *a, **k: None)
    before = asst.store.count()
    monkeypatch.setattr(asst.store._collection, "upsert", _connection_lost)
    new = _write(tmp_path / "新报告.txt", REPORT_2022)
    changed = _write(tmp_path / "again" / "旧报告.txt", REPORT_2022)
    results, summary, *_ = knowledge.upload_files(asst, [str(new), str(changed)], progress=lambda *a, **k: None)
    assert [r[0] for r in results] == ["新报告.txt", "旧报告.txt"]
    assert all(r[1] == "失败" or "失败" in str(r[1]) for r in results)
    assert "连接中断" in summary and "Errno" not in summary
    uploads = asst.settings.uploads_dir
    assert not (uploads / "新报告.txt").exists()  # nothing left that the store does not hold
    assert (uploads / "旧报告.txt").read_text(encoding="utf-8") == REPORT_2021  # the stored version is back
    assert sorted(p.name for p in uploads.iterdir()) == ["旧报告.txt"]
    monkeypatch.undo()
    assert asst.store.count() == before
    asst.close()


def _start_chroma(path, port):
    import subprocess

    from .conftest import _wait_heartbeat, chroma_executable

    proc = subprocess.Popen([chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_heartbeat("127.0.0.1", port)
    return proc


@pytest.mark.integration
def test_real_chroma_server_stopping_mid_ingest_then_resuming(fake_settings, tmp_path):
    from assistant.app import build_assistant

    from .conftest import _free_port

    port = _free_port()
    server = _start_chroma(tmp_path / "chroma", port)
    settings = fake_settings.model_copy(update={
        "chroma": fake_settings.chroma.model_copy(update={"host": "127.0.0.1", "port": port, "write_batch": 1})})
    doc = _write(tmp_path / "工作总结.txt", "2023年法治政府建设工作总结\n" + "\n".join(
        f"第{i}项工作：开展行政检查{i}次，完成整改{i}项。" * 5 for i in range(40)))

    class StopServerAfterFiveBatches:
        done = 0

        def start(self, total, description):
            pass

        def advance(self, n):
            self.done += n
            if self.done == 5:
                server.terminate()
                server.wait(timeout=30)

        def file_done(self, result):
            pass

    try:
        asst = build_assistant(settings)
        report = asst.ingest([doc], StopServerAfterFiveBatches())
        (result,) = report.results
        assert result.status == "error" and "连接中断" in result.message
        assert "连接中断" in report.error and "Errno" not in report.error
        server = _start_chroma(tmp_path / "chroma", port)
        asst = build_assistant(settings)
        assert [d.status for d in asst.documents()] == ["incomplete"]
        again = asst.ingest([doc])
        total = again.results[0].chunks
        assert again.results[0].status == "added" and again.chunks_written == total - 5
        assert asst.store.count() == total  # resumed: nothing written twice
        assert [d.status for d in asst.documents()] == ["current"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_store_stopping_mid_file_counts_the_chunks_actually_saved(fake_settings, tmp_path, monkeypatch):
    """Chroma stops after a few batches of one file: the summary counts what was stored."""
    store = make_store(fake_settings.model_copy(
        update={"chroma": fake_settings.chroma.model_copy(update={"write_batch": 2})}), HashEmbeddings())
    ingestor = Ingestor(store)
    body = "\n".join(f"第{i}项：全年开展行政检查{i}次，整改问题{i}项。" * 12 for i in range(30))
    doc = _write(tmp_path / "长报告.txt", f"2023年法治政府建设年度情况报告\n一、主要举措和成效\n{body}")
    real_upsert, calls = store._collection.upsert, []

    def upsert_then_stop(**kwargs):
        calls.append(1)
        if len(calls) > 3:
            _connection_lost()
        return real_upsert(**kwargs)

    monkeypatch.setattr(store._collection, "upsert", upsert_then_stop)
    report = ingestor.ingest_paths([doc])
    monkeypatch.undo()
    assert "连接中断" in report.error
    assert report.chunks_written == 6 == store.count()  # three batches of two were stored
