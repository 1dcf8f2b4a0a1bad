"""Citations: law names, the library of laws and regulations (with versions), finding citations
in text, looking articles up, verifying, repeal history."""

from assistant.core.citations.history import LawHistory, Supersession
from assistant.core.citations.library import (
    LAWLIB_SOURCE,
    REGLIB_SOURCE,
    ArticleLibrary,
    LawVersion,
    Library,
    LibraryArticle,
)
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
    ArticleSource,
    CitationResolver,
    CiteResult,
)
from assistant.core.citations.verifier import CheckStatus, CitationCheck

__all__ = [
    "LAWLIB_SOURCE",
    "REGLIB_SOURCE",
    "ArticleLibrary",
    "ArticleSource",
    "CheckStatus",
    "Citation",
    "CitationCheck",
    "CitationParser",
    "CitationResolver",
    "CiteResult",
    "LawHistory",
    "LawNames",
    "LawVersion",
    "Library",
    "LibraryArticle",
    "Supersession",
    "citation_label",
    "quote_matches",
    "select_part",
    "split_paragraphs",
]
