"""Citations: law names, finding citations in text, looking articles up, verifying, repeal history."""

from assistant.core.citations.history import LawHistory, Supersession
from assistant.core.citations.names import LawNames
from assistant.core.citations.parser import (
    Citation,
    CitationParser,
    citation_label,
    quote_matches,
    select_part,
    split_paragraphs,
)
from assistant.core.citations.resolver import (
    LAWLIB_SOURCE,
    ArticleSource,
    CitationResolver,
    CiteResult,
)
from assistant.core.citations.verifier import CheckStatus, CitationCheck

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
