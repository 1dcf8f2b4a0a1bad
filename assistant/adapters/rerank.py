"""Second-stage rerankers for deployments that have a reranking model (adapter).

``rerank.backend``:

- ``learned`` (default): the learned ranker inside :mod:`assistant.core.retrieval` already orders the
  candidates; :func:`make_reranker` returns None.
- ``cross-encoder``: a sentence-transformers ``CrossEncoder`` loaded from a local folder
  (e.g. bge-reranker-base); needs the ``sentence-transformers`` extra, imported lazily.
- ``endpoint``: the ``/rerank`` HTTP API served by Xinference, vLLM, TEI (and Cohere/Jina style
  gateways): ``POST {model, query, documents}``; the answer is either ``{"results": [{index,
  relevance_score}]}`` (Xinference, vLLM, Cohere, Jina) or ``[{index, score}]`` (TEI).

A reranker only scores ``(query, text)`` pairs; the retriever decides what to reorder
(:func:`rerank_hits`).
"""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.config import RerankSettings
    from assistant.documents import Hit

logger = logging.getLogger(__name__)

BACKENDS = ("learned", "cross-encoder", "endpoint")


class RerankError(RuntimeError):
    """The reranker could not score (server down, bad answer); the message is in Chinese."""


class Reranker(ABC):
    """Scores how well each text answers a query (higher is better)."""

    name: str = "reranker"

    @abstractmethod
    def score(self, query: str, texts: list[str]) -> list[float]:
        """One score per text, in the order of ``texts``."""


class CrossEncoderReranker(Reranker):
    """A sentence-transformers cross-encoder from a local model folder (CPU)."""

    def __init__(self, model: str | Path, batch_size: int = 16, max_length: int = 512) -> None:
        path = Path(model).expanduser()
        if not path.is_dir():
            raise ValueError(f"找不到重排序模型目录：{path}（rerank.model 应为本地模型文件夹）")
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as exc:
            raise ImportError(
                "未安装 sentence-transformers 扩展，无法使用 cross-encoder 重排序：请先 "
                "pip install torch==2.13.0，再 pip install 'fazhi-assistant[sentence-transformers]'"
            ) from exc
        self._model = CrossEncoder(
            str(path), device="cpu", max_length=max_length, local_files_only=True
        )
        self.batch_size = batch_size
        self.name = f"cross-encoder/{path.name}"

    def score(self, query: str, texts: list[str]) -> list[float]:
        """Cross-encoder relevance of each ``(query, text)`` pair."""
        if not texts:
            return []
        scores = self._model.predict(
            [(query, t) for t in texts], batch_size=self.batch_size, show_progress_bar=False
        )
        return [float(s) for s in scores]


class EndpointReranker(Reranker):
    """The ``/rerank`` API of a reranking server (Xinference, vLLM, TEI …)."""

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 30.0,
        batch_size: int = 32,
    ) -> None:
        url = base_url.rstrip("/")
        self.url = url if url.endswith("/rerank") else f"{url}/rerank"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.batch_size = batch_size
        self.name = f"endpoint/{model or self.url}"

    def score(self, query: str, texts: list[str]) -> list[float]:
        """Scores in batches (TEI refuses more than 32 texts per request by default)."""
        out: list[float] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            out.extend(parse_scores(self._post(query, batch), len(batch)))
        return out

    def _post(self, query: str, texts: list[str]) -> Any:
        # ``documents`` for Xinference / vLLM / Cohere-style servers, ``texts`` for TEI; each
        # server ignores the field it does not know.
        body: dict[str, Any] = {"query": query, "documents": texts, "texts": texts}
        if self.model:
            body["model"] = self.model
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            raise RerankError(f"重排序服务返回错误 {exc.code}：{detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RerankError(f"无法连接重排序服务 {self.url}：{exc}") from exc
        except ValueError as exc:
            raise RerankError(f"重排序服务返回的不是 JSON：{exc}") from exc


def parse_scores(payload: Any, n: int) -> list[float]:
    """Scores by input position from either answer shape; texts left out score -inf."""
    items = payload.get("results", payload.get("data")) if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise RerankError(f"无法识别重排序服务的返回格式：{str(payload)[:200]}")
    scores = [-math.inf] * n
    for item in items:
        try:
            index = int(item["index"])
            value = item["relevance_score"] if "relevance_score" in item else item["score"]
        except (KeyError, TypeError, ValueError) as exc:
            raise RerankError(f"重排序结果缺少 index 或分数：{str(item)[:200]}") from exc
        if 0 <= index < n:
            scores[index] = float(value)
    return scores


def make_reranker(settings: RerankSettings) -> Reranker | None:
    """The configured second-stage reranker; None for ``learned``.

    Raises:
        ValueError: unknown backend or a missing option (message in Chinese).
        ImportError: the cross-encoder extra is not installed (the message names it).
    """
    match settings.backend:
        case "learned":
            return None
        case "cross-encoder":
            if not settings.model:
                raise ValueError("cross-encoder 重排序需要设置 rerank.model（本地模型目录）")
            return CrossEncoderReranker(settings.model, batch_size=settings.batch_size)
        case "endpoint":
            if not settings.base_url:
                raise ValueError(
                    "endpoint 重排序需要设置 rerank.base_url（如 http://127.0.0.1:9997/v1）"
                )
            return EndpointReranker(
                settings.base_url,
                model=settings.model,
                api_key=settings.api_key,
                timeout=settings.timeout,
                batch_size=settings.batch_size,
            )
    raise ValueError(f"未知的重排序后端：{settings.backend}（可选：{'、'.join(BACKENDS)}）")


def rerank_hits(reranker: Reranker | None, query: str, hits: list[Hit], top_n: int) -> list[Hit]:
    """Reorder the first ``top_n`` hits by ``reranker``; the rest keep their place after them.

    A reranker that fails leaves the order as it was (logged): search must keep working when
    the rerank server is down.
    """
    if reranker is None or len(hits) < 2 or top_n < 2:
        return hits
    head, tail = hits[:top_n], hits[top_n:]
    try:
        scores = reranker.score(query, [h.text for h in head])
    except RerankError as exc:
        logger.warning("重排序失败，沿用原排序：%s", exc)
        return hits
    order = sorted(range(len(head)), key=lambda i: scores[i], reverse=True)
    for i in order:
        head[i].metadata["rerank_score"] = round(scores[i], 4) if math.isfinite(scores[i]) else None
    return [head[i] for i in order] + tail
