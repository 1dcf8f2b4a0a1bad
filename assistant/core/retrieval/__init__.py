"""Retrieval: lexical indexes, dense snapshot, candidate fusion and ranking over the knowledge base.

``from assistant.core.retrieval import HybridRetriever`` is the entry point; ``search(query, k, filters)``
is the one ranking path used by search, answering, the UI and the evals.
"""

from typing import Any

from assistant.core.retrieval.hybrid import HybridRetriever

__all__ = ["HybridRetriever", "KnowledgeRetriever"]


def __getattr__(name: str) -> Any:
    # The LangChain adapter is imported on first use only: searching needs no LangChain.
    if name == "KnowledgeRetriever":
        from assistant.core.retrieval.langchain_retriever import KnowledgeRetriever

        return KnowledgeRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
