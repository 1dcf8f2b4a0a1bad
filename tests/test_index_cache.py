"""The retrieval snapshot persisted in the data directory: reused while the store is unchanged,
rebuilt after an ingest or a removal (content assertions, not timing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.embeddings import HashEmbeddings
from assistant.adapters.store import make_store
from assistant.config import RetrievalSettings, load_settings
from assistant.core.retrieval import HybridRetriever
from assistant.core.retrieval.persist import saved_fingerprint

TEXTS = {
    "c1": "人民防空工程的维护管理由人民防空主管部门负责",
    "c2": "侵占人民防空工程的，给予警告并处罚款",
    "c3": "行政复议期间行政行为不停止执行",
}


def _store(data: Path):
    return make_store(load_settings(environ={}, data_dir=data), HashEmbeddings())


def _retriever(store, cache: Path) -> HybridRetriever:
    return HybridRetriever(store, RetrievalSettings(), tokenizer=list, cache_dir=cache)


def _add(store, ids: list[str], texts: dict[str, str] = TEXTS) -> None:
    store.add([texts[i] for i in ids], [{"doc_type": "regulation"} for _ in ids], ids)


def _no_store_reads(store, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("索引应从缓存加载，不应重读知识库")

    monkeypatch.setattr(store, "iter_chunks", refuse)


def _ids(hits) -> list[str]:
    return [h.metadata["chunk_id"] for h in hits]


def test_snapshot_is_reused_while_the_store_is_unchanged(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "index"
    first = _store(tmp_path / "kb")
    _add(first, ["c1", "c2", "c3"])
    expected = _ids(_retriever(first, cache).search("侵占人民防空工程罚款", k=3))
    assert expected[0] == "c2"
    assert saved_fingerprint(cache) == first.fingerprint()

    again = _store(tmp_path / "kb")  # a new process on the same knowledge base
    _no_store_reads(again, monkeypatch)
    retriever = _retriever(again, cache)
    hits = retriever.search("侵占人民防空工程罚款", k=3)
    assert _ids(hits) == expected
    assert hits[0].text == TEXTS["c2"] and hits[0].metadata["doc_type"] == "regulation"
    assert retriever.search("行政复议 停止执行", k=1, mode="bm25")[0].text == TEXTS["c3"]
    assert retriever.search("行政复议期间", k=1, mode="dense")[0].text == TEXTS["c3"]


def test_snapshot_is_rebuilt_after_ingest_and_remove(tmp_path: Path) -> None:
    cache = tmp_path / "index"
    store = _store(tmp_path / "kb")
    _add(store, ["c1", "c2"])
    _retriever(store, cache).search("人民防空", k=3)
    before = saved_fingerprint(cache)

    _add(store, ["c3"])  # ingest (e.g. by another process)
    assert saved_fingerprint(cache) == before != store.fingerprint()
    fresh = _retriever(_store(tmp_path / "kb"), cache)
    assert fresh.search("行政复议 停止执行", k=1)[0].text == TEXTS["c3"]
    assert saved_fingerprint(cache) == store.fingerprint()

    store.delete(["c3"])  # remove
    after_remove = _retriever(_store(tmp_path / "kb"), cache)
    assert TEXTS["c3"] not in [h.text for h in after_remove.search("行政复议 停止执行", k=3)]

    store.update_metadata(["c1"], {"status": "superseded"})  # same count, changed content
    marked = _retriever(_store(tmp_path / "kb"), cache).search("维护管理", k=3)
    assert {h.metadata["chunk_id"]: h.metadata.get("status") for h in marked}["c1"] == "superseded"


def test_refresh_in_process_saves_the_new_snapshot(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "index"
    store = _store(tmp_path / "kb")
    _add(store, ["c1"])
    retriever = _retriever(store, cache)
    retriever.search("人民防空", k=1)
    _add(store, ["c3"])
    retriever.refresh()  # what Assistant.ingest / remove do
    reopened = _store(tmp_path / "kb")
    _no_store_reads(reopened, monkeypatch)
    assert _retriever(reopened, cache).search("行政复议", k=1)[0].text == TEXTS["c3"]


def test_saved_ranking_facts_equal_rebuilt_ones_and_follow_features_py(tmp_path: Path, monkeypatch) -> None:
    import dataclasses

    import numpy as np

    from assistant.core.retrieval import persist
    from assistant.core.retrieval.features import ChunkTable

    cache = tmp_path / "index"
    store = _store(tmp_path / "kb")
    _add(store, ["c1", "c2", "c3"])
    _retriever(store, cache).search("人民防空", k=1)
    loaded = persist.load_snapshot(cache, store.fingerprint(), list)
    saved, built = loaded.table, ChunkTable.build(loaded.chunks)
    for f in dataclasses.fields(ChunkTable):
        a, b = getattr(saved, f.name), getattr(built, f.name)
        assert (np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b), f.name
    monkeypatch.setattr(persist, "_table_version", lambda: "another features.py")
    assert persist._load_table(cache / persist.TABLE, 3) is None  # stale: rebuilt from the chunks
    assert persist.load_snapshot(cache, store.fingerprint(), list).table.laws == built.laws


@pytest.mark.parametrize("damaged", ["vectors.npy", "chunks.pkl", "words/vocab.index.json", "table.pkl"])
def test_damaged_cache_is_rebuilt(tmp_path: Path, damaged: str) -> None:
    cache = tmp_path / "index"
    store = _store(tmp_path / "kb")
    _add(store, ["c1", "c2"])
    _retriever(store, cache).search("人民防空", k=1)
    (cache / damaged).write_bytes(b"garbage")
    hits = _retriever(_store(tmp_path / "kb"), cache).search("侵占人民防空工程罚款", k=1)
    assert hits[0].text == TEXTS["c2"]


def test_empty_store_and_no_cache_dir(tmp_path: Path) -> None:
    store = _store(tmp_path / "kb")
    assert _retriever(store, tmp_path / "index").search("人民防空") == []
    assert _retriever(_store(tmp_path / "kb"), tmp_path / "index").search("人民防空") == []
    plain = HybridRetriever(store, RetrievalSettings(), tokenizer=list)
    _add(store, ["c1"])
    assert plain.search("人民防空", k=1)[0].text == TEXTS["c1"]


@pytest.mark.parametrize("writes", [0, 2])
def test_fingerprint_follows_writes(tmp_path: Path, writes: int) -> None:
    store = _store(tmp_path / "kb")
    start = store.fingerprint()
    for i in range(writes):
        _add(store, [f"c{i + 1}"])
    assert (store.fingerprint() == start) is (writes == 0)
    assert _store(tmp_path / "kb").fingerprint() == store.fingerprint()


def test_assistant_documents_follow_ingest_and_remove(fake_settings, tmp_path: Path) -> None:
    from assistant.app import build_assistant

    doc = tmp_path / "人防工作总结.txt"
    doc.write_text("2021年人防工作总结\n本年度开展人防工程检查十二次。\n", encoding="utf-8")
    asst = build_assistant(fake_settings)
    asst.ingest([doc])
    assert "人防工作总结.txt" in {d.source for d in asst.documents()}
    assert (fake_settings.data_dir / "index" / "manifest.json").is_file()
    reopened = build_assistant(fake_settings)  # listing comes from the saved snapshot
    assert {d.source for d in reopened.documents()} == {d.source for d in asst.documents()}
    assert asst.remove("人防工作总结.txt") > 0
    assert "人防工作总结.txt" not in {d.source for d in asst.documents()}
    assert "人防工作总结.txt" not in {d.source for d in build_assistant(fake_settings).documents()}
