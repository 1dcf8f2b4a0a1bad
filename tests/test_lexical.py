"""Keyword-side helpers: bigrams, query expansion, BM25 masks."""

from __future__ import annotations

from assistant.retrieval.lexical import (
    BigramQuery,
    BM25Index,
    QueryExpander,
    Tokenizer,
    char_bigrams,
)
from assistant.store import StoredChunk


def test_char_bigrams_keep_numbers_whole():
    assert char_bigrams("罚款5000元") == ["罚款", "5000"]
    grams = char_bigrams("人防工程，500余人次")
    assert grams[:3] == ["人防", "防工", "工程"] and "500" in grams


def test_bigram_query_drops_stopwords():
    grams = BigramQuery(Tokenizer())("人防工程被侵占了怎么办")
    assert "人防" in grams and "侵占" in grams
    assert not any("怎么" in g for g in grams)


def test_query_expander_adds_legal_terms_once():
    expand = QueryExpander({"多久": ["期限", "日内"], "交钱": ["收取", "费用"]})
    assert expand("复议多久要办完") == "复议多久要办完 期限 日内"
    assert expand("要不要交钱，多久") == "要不要交钱，多久 期限 日内 收取 费用"
    assert expand("行政处罚法第三十二条") == "行政处罚法第三十二条"


def test_shipped_expansions_load():
    assert "侵占" in QueryExpander()("人防工程被人占了")


def test_bm25_mask_restricts_and_is_cached():
    chunks = [
        StoredChunk("a", "侵占人民防空工程的处罚", {"law": "人防法", "doc_type": "regulation"}),
        StoredChunk("b", "侵占人民防空工程情况报告", {"doc_type": "report"}),
    ]
    index = BM25Index(chunks, Tokenizer())
    mask = index.mask({"doc_type": "report"})
    assert mask.tolist() == [False, True]
    assert index.mask({"doc_type": "report"}) is mask
    assert [p for p, _ in index.search("侵占人防工程", 5, mask)] == [1]
    assert {p for p, _ in index.search("侵占人防工程", 5)} == {0, 1}
