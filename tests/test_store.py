"""KnowledgeStore against embedded Chroma and a real Chroma server."""

from __future__ import annotations

import pytest

from assistant.adapters.embeddings import HashEmbeddings
from assistant.adapters.store import StoreError, build_where, make_store


@pytest.fixture(params=["embedded", pytest.param("server", marks=pytest.mark.integration)])
def store(request, fake_settings):
    settings = fake_settings
    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        name = f"t{abs(hash(request.node.nodeid)) % 10**8}"
        settings = settings.model_copy(
            update={"chroma": settings.chroma.model_copy(update={"host": host, "port": port, "collection": name})}
        )
    return make_store(settings, HashEmbeddings())


def _add(store, n=5):
    texts = [f"第{i}条 人民防空工程第{i}项规定内容" for i in range(1, n + 1)]
    metas = [{"doc_type": "regulation", "law": "测试法", "article_no": i, "source": "a.md"} for i in range(1, n + 1)]
    ids = [f"id{i}" for i in range(1, n + 1)]
    store.add(texts, metas, ids)
    return ids


def test_add_count_and_existing_ids(store):
    ids = _add(store)
    assert store.count() == 5
    assert store.existing_ids(ids + ["nope"]) == set(ids)


def test_upsert_same_ids_is_idempotent(store):
    _add(store)
    _add(store)
    assert store.count() == 5


def test_dense_search_ranks_exact_text_first(store):
    _add(store)
    hits = store.dense_search(HashEmbeddings().embed_query("第3条 人民防空工程第3项规定内容"), k=3)
    assert hits[0][0].id == "id3"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-4)


def test_filters_delete_and_update(store):
    _add(store)
    store.add(["报告正文"], [{"doc_type": "report", "source": "r.txt", "year": 2021}], ["r1"])
    assert [c.id for c in store.iter_chunks({"doc_type": "report"})] == ["r1"]
    assert store.delete(where={"source": "a.md"}) == 5
    assert store.count() == 1
    store.update_metadata(["r1"], {"status": "superseded"})
    assert next(store.iter_chunks()).metadata["status"] == "superseded"


def test_none_metadata_values_are_dropped(store):
    store.add(["x"], [{"source": "a", "page": None, "year": 2021}], ["x1"])
    meta = next(store.iter_chunks()).metadata
    assert "page" not in meta and meta["year"] == 2021


def test_build_where():
    assert build_where(None) is None
    assert build_where({"a": 1}) == {"a": {"$eq": 1}}
    assert build_where({"a": [1, 2], "b": None, "c": "x"}) == {
        "$and": [{"a": {"$in": [1, 2]}}, {"c": {"$eq": "x"}}]
    }


def test_embedding_model_change_is_refused(fake_settings):
    make_store(fake_settings, HashEmbeddings(dim=256))
    with pytest.raises(StoreError, match="向量模型"):
        make_store(fake_settings, HashEmbeddings(dim=128))


def test_unreachable_server_gives_chinese_error(fake_settings):
    bad = fake_settings.model_copy(
        update={"chroma": fake_settings.chroma.model_copy(update={"host": "127.0.0.1", "port": 9})}
    )
    with pytest.raises(StoreError, match="无法连接向量数据库"):
        make_store(bad, HashEmbeddings())


def test_fingerprint_from_the_database_file_equals_the_clients(fake_settings):
    """An existing embedded collection is checked from its SQLite file and opened on first use;
    the file's fingerprint follows every kind of write exactly as the client's does."""
    writer = make_store(fake_settings, HashEmbeddings())
    for step in range(4):
        if step == 1:
            writer.add(["甲", "乙", "丙"], [{"source": "a"}] * 3, ["x1", "x2", "x3"])
        elif step == 2:
            writer.update_metadata(["x1"], {"status": "superseded"})
        elif step == 3:
            writer.delete(ids=["x2"])
        reader = make_store(fake_settings, HashEmbeddings())
        assert not reader.is_open
        peeked = reader.fingerprint()
        assert not reader.is_open
        assert peeked == writer.fingerprint()
        assert reader.count() == writer.count() and reader.is_open
        assert reader.fingerprint() == peeked
