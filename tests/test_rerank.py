"""Rerank backends: the /rerank endpoint against a loopback server, a tiny local cross-encoder,
and the retriever reordering its top candidates by a reranker."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.adapters.rerank import (
    CrossEncoderReranker,
    EndpointReranker,
    Reranker,
    RerankError,
    make_reranker,
    parse_scores,
    rerank_hits,
)
from assistant.config import RerankSettings, RetrievalSettings
from assistant.documents import Hit


def _overlap(query: str, text: str) -> float:
    return float(len(set(query) & set(text)))


class _RerankServer:
    """A loopback /rerank server answering in the Xinference/vLLM shape or the TEI shape."""

    def __init__(self, shape: str = "results", status: int = 200) -> None:
        self.requests: list[tuple[str, dict, dict]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append((self.path, body, dict(self.headers)))
                docs = body.get("documents") if shape == "results" else body.get("texts")
                scored = sorted(
                    ((i, _overlap(body["query"], d)) for i, d in enumerate(docs)),
                    key=lambda p: -p[1],
                )
                if shape == "results":
                    payload = {
                        "id": "x",
                        "results": [
                            {"index": i, "relevance_score": s, "document": docs[i]}
                            for i, s in scored
                        ],
                    }
                else:
                    payload = [{"index": i, "score": s} for i, s in scored]
                data = json.dumps(payload).encode() if status == 200 else b'{"error":"boom"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _RerankServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


TEXTS = ["人民防空工程平时由投资者使用管理", "行政复议期间不停止执行", "侵占人民防空工程的罚款"]
QUERY = "侵占人防工程罚款"


def test_endpoint_xinference_vllm_shape() -> None:
    with _RerankServer("results") as server:
        rr = EndpointReranker(server.url + "/v1", model="bge-reranker-base", api_key="k1")
        scores = rr.score(QUERY, TEXTS)
    assert scores == [_overlap(QUERY, t) for t in TEXTS]
    path, body, headers = server.requests[0]
    assert path == "/v1/rerank"
    assert body["model"] == "bge-reranker-base"
    assert body["query"] == QUERY and body["documents"] == TEXTS
    assert headers["Authorization"] == "Bearer k1"


def test_endpoint_tei_shape_in_batches() -> None:
    texts = TEXTS + ["复议机关", "人防工程罚款规定"]
    with _RerankServer("tei") as server:
        rr = EndpointReranker(server.url + "/rerank", batch_size=2)
        scores = rr.score(QUERY, texts)
    assert scores == [_overlap(QUERY, t) for t in texts]
    assert [len(b["texts"]) for _, b, _ in server.requests] == [2, 2, 1]
    assert all(p == "/rerank" and "model" not in b for p, b, _ in server.requests)


def test_endpoint_errors_are_chinese_and_search_keeps_its_order() -> None:
    with _RerankServer("results", status=500) as server:
        rr = EndpointReranker(server.url)
        with pytest.raises(RerankError, match="重排序服务返回错误 500"):
            rr.score(QUERY, TEXTS)
        hits = [Hit(t, {"i": i}) for i, t in enumerate(TEXTS)]
        assert [h.metadata["i"] for h in rerank_hits(rr, QUERY, hits, 10)] == [0, 1, 2]
    with pytest.raises(RerankError, match="无法连接重排序服务"):
        EndpointReranker(server.url, timeout=2).score(QUERY, TEXTS)


def test_parse_scores_shapes() -> None:
    assert parse_scores({"results": [{"index": 1, "relevance_score": 0.9}]}, 2) == [
        float("-inf"),
        0.9,
    ]
    assert parse_scores([{"index": 0, "score": 2.5}, {"index": 1, "score": -1}], 2) == [2.5, -1.0]
    with pytest.raises(RerankError, match="无法识别"):
        parse_scores({"oops": 1}, 1)
    with pytest.raises(RerankError, match="缺少 index"):
        parse_scores([{"score": 1}], 1)


def test_make_reranker_settings(tmp_path: Path) -> None:
    assert make_reranker(RerankSettings()) is None
    rr = make_reranker(RerankSettings(backend="endpoint", base_url="http://127.0.0.1:9/v1/"))
    assert isinstance(rr, EndpointReranker) and rr.url == "http://127.0.0.1:9/v1/rerank"
    with pytest.raises(ValueError, match="rerank.base_url"):
        make_reranker(RerankSettings(backend="endpoint"))
    with pytest.raises(ValueError, match="rerank.model"):
        make_reranker(RerankSettings(backend="cross-encoder"))
    with pytest.raises(ValueError, match="找不到重排序模型目录"):
        make_reranker(RerankSettings(backend="cross-encoder", model=str(tmp_path / "none")))


def test_cross_encoder_missing_extra_names_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ImportError, match=r"fazhi-assistant\[sentence-transformers\]"):
        CrossEncoderReranker(tmp_path)


def _tiny_cross_encoder(folder: Path) -> Path:
    """A 2-layer BERT sequence classifier with random weights and a local WordPiece vocab."""
    import sentence_transformers  # noqa: F401  (tests/run.sh installs the extra and CPU torch)
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    chars = sorted(set("".join(TEXTS) + QUERY))
    vocab = folder / "vocab.txt"
    folder.mkdir(parents=True, exist_ok=True)
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]) + "\n")
    BertTokenizer(str(vocab), tokenize_chinese_chars=True).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=5 + len(chars),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=1,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def test_cross_encoder_from_local_folder(tmp_path: Path) -> None:
    folder = _tiny_cross_encoder(tmp_path / "tiny-reranker")
    rr = make_reranker(RerankSettings(backend="cross-encoder", model=str(folder), batch_size=2))
    assert isinstance(rr, CrossEncoderReranker) and rr.name == "cross-encoder/tiny-reranker"
    scores = rr.score(QUERY, TEXTS)
    assert len(scores) == 3 and len(set(scores)) == 3
    assert rr.score(QUERY, TEXTS) == scores  # deterministic
    assert rr.score(QUERY, []) == []
    hits = [Hit(t, {"i": i}) for i, t in enumerate(TEXTS)]
    ranked = rerank_hits(rr, QUERY, hits, 10)
    best_first = sorted(range(3), key=lambda i: -scores[i])
    assert [h.metadata["i"] for h in ranked] == best_first


class _PreferReranker(Reranker):
    """Puts texts containing ``word`` first."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.calls: list[int] = []

    def score(self, query: str, texts: list[str]) -> list[float]:
        self.calls.append(len(texts))
        return [1.0 if self.word in t else 0.0 for t in texts]


def test_rerank_hits_reorders_only_the_top() -> None:
    hits = [Hit(f"甲{i}", {"i": i}) for i in range(5)] + [Hit("乙", {"i": 5})]
    hits[3] = Hit("乙3", {"i": 3})
    out = rerank_hits(_PreferReranker("乙"), "问", hits, top_n=4)
    assert [h.metadata["i"] for h in out] == [3, 0, 1, 2, 4, 5]
    assert out[0].metadata["rerank_score"] == 1.0
    assert rerank_hits(None, "问", hits, 4) is hits


def test_retriever_reorders_its_top_candidates(tmp_path: Path) -> None:
    from assistant.adapters.embeddings import HashEmbeddings
    from assistant.adapters.store import make_store
    from assistant.config import load_settings
    from assistant.core.retrieval import HybridRetriever

    store = make_store(load_settings(environ={}, data_dir=tmp_path), HashEmbeddings())
    texts = [
        "人民防空工程的维护管理由人民防空主管部门负责",
        "侵占人民防空工程的，给予警告并处罚款",
        "人民防空工程平时由投资者使用管理，收益归投资者所有",
        "行政复议期间行政行为不停止执行",
    ]
    store.add(
        texts, [{"doc_type": "regulation"}] * len(texts), [f"c{i}" for i in range(len(texts))]
    )
    plain = HybridRetriever(store, RetrievalSettings(), tokenizer=list)
    before = [h.text for h in plain.search("人民防空工程", k=3)]
    assert "收益" not in before[0]
    reranker = _PreferReranker("收益")
    ranked = HybridRetriever(
        store, RetrievalSettings(), tokenizer=list, reranker=reranker, rerank_top_n=20
    )
    after = ranked.search("人民防空工程", k=3)
    assert len(after) == 3 and "收益" in after[0].text
    assert reranker.calls and reranker.calls[0] >= 3
    assert [h.text for h in ranked.search("人民防空工程", k=3, mode="bm25")] == [
        h.text for h in plain.search("人民防空工程", k=3, mode="bm25")
    ]


def test_build_assistant_wires_the_reranker(fake_settings) -> None:
    from assistant.app import build_assistant

    settings = fake_settings.model_copy(
        update={
            "rerank": RerankSettings(backend="endpoint", base_url="http://127.0.0.1:9", top_n=7)
        }
    )
    asst = build_assistant(settings)
    assert isinstance(asst.retriever.reranker, EndpointReranker)
    assert asst.retriever.rerank_top_n == 7
    assert build_assistant(fake_settings).retriever.reranker is None
