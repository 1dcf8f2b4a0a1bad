"""Document vectors cached on disk: reused by a new process, never across models."""

from __future__ import annotations

from assistant.adapters.embeddings import HashEmbeddings
from assistant.adapters.vectorcache import DiskCachedEmbeddings


class Counting(HashEmbeddings):
    def __init__(self, dim: int = 16) -> None:
        super().__init__(dim)
        self.documents: list[str] = []

    def embed_documents(self, texts):
        self.documents += texts
        return super().embed_documents(texts)


def test_vectors_are_read_back_by_a_new_instance(tmp_path):
    first = Counting()
    texts = ["重大行政决策", "行政执法", "重大行政决策"]
    want = DiskCachedEmbeddings(first, tmp_path).embed_documents(texts)
    assert first.documents == ["重大行政决策", "行政执法"]  # each text once
    again = Counting()
    assert DiskCachedEmbeddings(again, tmp_path).embed_documents(texts) == want
    assert again.documents == []


def test_another_model_does_not_read_them(tmp_path):
    DiskCachedEmbeddings(Counting(16), tmp_path).embed_documents(["普法宣传"])
    other = Counting(32)
    vector = DiskCachedEmbeddings(other, tmp_path).embed_documents(["普法宣传"])[0]
    assert other.documents == ["普法宣传"] and len(vector) == 32


def test_an_unwritable_folder_still_embeds(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    emb = DiskCachedEmbeddings(Counting(), blocked / "cache")
    assert len(emb.embed_documents(["复议应诉"])[0]) == 16
