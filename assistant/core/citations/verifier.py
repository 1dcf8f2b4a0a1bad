"""Verdicts on the citations of a text: article exists, law in force at the text's date, quote faithful."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from assistant.core.citations.history import AsOf
from assistant.core.citations.parser import Citation, citation_label, quote_matches

if TYPE_CHECKING:
    from assistant.core.citations.resolver import CitationResolver

CheckStatus = Literal[
    "ok",
    "article_missing",
    "law_unknown",
    "superseded",
    "quote_mismatch",
    "outdated",  # the quote is another version's wording of the article
    "unverifiable",
]


@dataclass
class CitationCheck:
    """Verdict on one citation found in a draft."""

    citation: Citation
    status: CheckStatus
    message: str
    replaced_by: str | None = None
    text: str | None = None  # the article as it really reads, when found
    since: str | None = None  # ISO date a repeal took effect (status superseded)

    def to_json(self) -> dict[str, Any]:
        """Serialisable form for ``--json`` and the UI."""
        c = self.citation
        data = {k: v for k, v in asdict(c).items() if k != "sub"}
        data["article"] = c.article
        data["label"] = citation_label(c.law or c.law_query, c.article, c.paragraph, c.item)
        data.update(status=self.status, message=self.message, replaced_by=self.replaced_by)
        data["since"] = self.since
        data["text"] = self.text
        return data


def check_citation(resolver: CitationResolver, c: Citation, as_of: AsOf = None) -> CitationCheck:
    """Verdict on one parsed citation, judged at ``as_of`` (a report year or date; today if None)."""
    result = resolver.lookup(c, c.raw, as_of)
    label = citation_label(c.law or c.law_query, c.article, c.paragraph, c.item)
    superseded = result.status == "superseded"
    if not result.found:
        if not result.full_text and superseded:
            return CitationCheck(c, "superseded", result.message, result.replaced_by, None, result.since)
        if result.status == "historical":
            return CitationCheck(c, "unverifiable", result.message)
        if c.law is None or (not result.full_text and not resolver.article_numbers(c.law)):
            return CitationCheck(c, "law_unknown", result.message)
        return CitationCheck(c, "article_missing", result.message, result.replaced_by)
    if c.quote and not quote_matches(c.quote, result.full_text):
        other = resolver.version_quoted(c, result)
        if other is not None:
            return CitationCheck(c, "outdated", other, result.replaced_by, result.full_text)
        message = f"引文与{label}原文不一致。原文：{result.full_text}"
        if superseded:
            message += result.message
        return CitationCheck(c, "quote_mismatch", message, result.replaced_by, result.full_text)
    if superseded:
        return CitationCheck(
            c, "superseded", result.message, result.replaced_by, result.full_text, result.since
        )
    version = f"（{result.version.label()}）" if result.version and result.version.effective else ""
    return CitationCheck(c, "ok", f"{label}核对无误{version}。", None, result.full_text)
