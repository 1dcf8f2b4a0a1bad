"""LangChain adapter over :class:`~assistant.core.retrieval.hybrid.HybridRetriever`.

A module of its own so that searching never imports LangChain (about 0.3 s of a cold start).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class KnowledgeRetriever(BaseRetriever):
    """LangChain adapter over :class:`HybridRetriever`."""

    hybrid: Any
    k: int = 10

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.hybrid.search(query, k=self.k)
        return [
            Document(page_content=h.text, metadata={**h.metadata, "score": h.score}) for h in hits
        ]
