"""Retrieval: lexical indexes, dense snapshot, candidate fusion and ranking over the knowledge base.

``from assistant.core.retrieval import HybridRetriever`` is the entry point; ``search(query, k, filters)``
is the one ranking path used by search, answering, the UI and the evals.
"""

from assistant.core.retrieval.hybrid import HybridRetriever, KnowledgeRetriever

__all__ = ["HybridRetriever", "KnowledgeRetriever"]
