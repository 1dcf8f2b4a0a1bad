"""Keyword-side helpers: bigrams, query expansion, BM25 masks."""

from __future__ import annotations

from assistant.adapters.store import StoredChunk
from assistant.core.retrieval.lexical import (
    BigramQuery,
    BM25Index,
    Tokenizer,
    char_bigrams,
)


def test_char_bigrams_keep_numbers_whole():
    assert char_bigrams("罚款5000元") == ["罚款", "5000"]
    grams = char_bigrams("人防工程，500余人次")
    assert grams[:3] == ["人防", "防工", "工程"] and "500" in grams


def test_bigram_query_drops_stopwords():
    grams = BigramQuery(Tokenizer())("人防工程被侵占了怎么办")
    assert "人防" in grams and "侵占" in grams
    assert not any("怎么" in g for g in grams)


def test_bm25_scores_every_chunk():
    chunks = [
        StoredChunk("a", "侵占人民防空工程的处罚", {}),
        StoredChunk("b", "行政检查情况", {}),
    ]
    index = BM25Index(chunks, Tokenizer())
    scores = index.scores("侵占人防工程")
    assert scores.shape == (2,) and scores[0] > 0 and scores[1] == 0
    assert index.scores("的").tolist() == [0.0, 0.0]  # stopwords only: nothing to score


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
