"""Citations: law names, finding citations in text, looking articles up, verifying, repeal history."""

from assistant.citations.history import LawHistory, Supersession
from assistant.citations.names import LawNames
from assistant.citations.parser import (
    Citation,
    CitationParser,
    citation_label,
    quote_matches,
    select_part,
    split_paragraphs,
)
from assistant.citations.resolver import LAWLIB_SOURCE, ArticleSource, CitationResolver, CiteResult
from assistant.citations.verifier import CheckStatus, CitationCheck

__all__ = [
    "LAWLIB_SOURCE",
    "ArticleSource",
    "CheckStatus",
    "Citation",
    "CitationCheck",
    "CitationParser",
    "CitationResolver",
    "CiteResult",
    "LawHistory",
    "LawNames",
    "Supersession",
    "citation_label",
    "quote_matches",
    "select_part",
    "split_paragraphs",
]
